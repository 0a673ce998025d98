"""Every write of notices and media requests: one function per thing a user does.

Each runs in a transaction, locks the row it changes, checks the role and the jurisdiction,
refuses with a `DomainError` that changes nothing, writes a `NoticeStep` (for a notice) and
an audit entry. `flow.py` decides which step is possible and who takes it;
`personal_data.py` decides whether the text names someone — checked before the notice is
submitted, reviewed, approved and published, against the community's residents and the
township's cases as they are at that moment.

Publication is a step of its own, taken by the community after the township's approval, so
that who published what and when is recorded apart from who approved it; what is published
is the text the township approved.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import audit, sealing
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Community, User
from fangkong.core.scoping import covers, jurisdiction_level
from fangkong.people.models import Household, Resident
from fangkong.quarantine.models import Case

from . import flow, personal_data
from .capabilities import NoticesCapability
from .models import (
    MediaRequest,
    MediaStatus,
    Notice,
    NoticeKind,
    NoticeStep,
    NoticeStepKind,
)

MAX_TITLE = 100
MAX_BODY = 20_000
MAX_REASON = 500
NOTICE_FIELDS = ("community", "kind", "title", "body", "status")
MEDIA_FIELDS = ("community", "outlet", "reporter", "contact", "topic", "requested_for", "status")

#: how each kind of finding is named in a refusal
FINDING_LABELS = {
    personal_data.CASE_NAME: gettext_lazy("a case's name"),
    personal_data.NAME: gettext_lazy("a resident's name"),
    personal_data.CASE_PHONE: gettext_lazy("a case's phone number"),
    personal_data.PHONE: gettext_lazy("a resident's phone number"),
    personal_data.MOBILE: gettext_lazy("a mobile phone number"),
    personal_data.CASE_DOCUMENT: gettext_lazy("a case's document number"),
    personal_data.DOCUMENT: gettext_lazy("a resident's document number"),
    personal_data.ID_NUMBER: gettext_lazy("an identity card number"),
    personal_data.CASE_ADDRESS: gettext_lazy("a case's home address"),
    personal_data.ADDRESS: gettext_lazy("a resident's home address"),
}


# --- who may ----------------------------------------------------------------------------------


def is_township_of(user: User, community: Community) -> bool:
    """Whether `user` is staff of the community's township itself (or a superuser)."""
    return user.is_superuser or (jurisdiction_level(user) == "township" and covers(user, community))


def is_leader_of(user: User, community: Community) -> bool:
    """Whether `user` reviews the community's notices: its own leader (or a superuser)."""
    return user.is_superuser or (
        user.can(NoticesCapability.REVIEW_NOTICES)
        and jurisdiction_level(user) == "community"
        and covers(user, community)
    )


def is_staff_of(user: User, community: Community) -> bool:
    """Whether `user` drafts, publishes and withdraws the community's notices."""
    return user.can(NoticesCapability.DRAFT_NOTICES) and (
        user.is_superuser or covers(user, community)
    )


def may_take(user: User, notice: Notice, step: str) -> bool:
    """Whether `user` may take `step` on `notice` now (its status and their place)."""
    for actor in flow.actors(notice.status, step):
        if actor == flow.COMMUNITY and is_staff_of(user, notice.community):
            return True
        if actor == flow.LEADER and is_leader_of(user, notice.community):
            return True
        if (
            actor == flow.TOWNSHIP
            and user.can(NoticesCapability.APPROVE_NOTICES)
            and is_township_of(user, notice.community)
        ):
            return True
    return False


def _refuse_actor(notice: Notice, step: str) -> DomainError:
    actors = flow.actors(notice.status, step)
    if actors == (flow.TOWNSHIP,):
        return DomainError(_("Only the township of this community may approve or return it now."))
    if actors == (flow.LEADER,):
        return DomainError(_("Only the leader of this community may review it now."))
    return DomainError(_("Your role may not do this for this community."))


def _check_staff(by: User, community: Community) -> None:
    if not by.can(NoticesCapability.DRAFT_NOTICES):
        raise DomainError(_("Your role may not do this."))
    if not is_staff_of(by, community):
        raise DomainError(_("This community is outside your jurisdiction."))


# --- personal data ----------------------------------------------------------------------------


def registry_for(community: Community, text: str) -> personal_data.Registry:
    """What the registry knows that `text` might name: the names and addresses of the
    community's residents, those of the township's cases, and which numbers of the text are
    phones or document numbers of the township's residents (by their blind index)."""
    township_id = community.township_id
    residents = Resident.objects.filter(community=community).active()
    names = set(residents.values_list("name", flat=True))
    addresses = set(
        Household.objects.filter(grid__community=community).values_list("address", flat=True)
    )
    cases = list(
        Case.objects.filter(township_id=township_id).values_list(
            "resident_id", "resident__name", "address", "resident__household__address"
        )
    )
    case_ids = {row[0] for row in cases}
    case_names = {row[1] for row in cases}
    case_addresses = {address for row in cases for address in row[2:] if address}

    phone_index: dict[str, str] = {}
    for number in personal_data.phone_candidates(text):
        for index in sealing.phone_indexes(number):
            phone_index[index] = number
    doc_index: dict[str, str] = {}
    for number in personal_data.document_candidates(text):
        for index in sealing.document_indexes(number):
            doc_index[index] = number
    phones: set[str] = set()
    case_phones: set[str] = set()
    documents: set[str] = set()
    case_documents: set[str] = set()
    in_township = Resident.objects.filter(township_id=township_id)
    if phone_index:
        for rid, index in in_township.filter(phone_index__in=list(phone_index)).values_list(
            "id", "phone_index"
        ):
            (case_phones if rid in case_ids else phones).add(phone_index[index])
    if doc_index:
        for rid, index in in_township.filter(doc_index__in=list(doc_index)).values_list(
            "id", "doc_index"
        ):
            (case_documents if rid in case_ids else documents).add(doc_index[index])
    return personal_data.Registry(
        names=frozenset(names),
        case_names=frozenset(case_names),
        phones=frozenset(phones),
        case_phones=frozenset(case_phones),
        documents=frozenset(documents),
        case_documents=frozenset(case_documents),
        addresses=frozenset(addresses),
        case_addresses=frozenset(case_addresses),
    )


def findings_in(
    community: Community, title: str, body: str, not_names: list[str] | None = None
) -> tuple[personal_data.Finding, ...]:
    text = f"{title}\n{body}"
    return personal_data.check(
        text, registry_for(community, text), not_names=frozenset(not_names or ())
    )


def findings_message(findings: tuple[personal_data.Finding, ...]) -> str:
    """The refusal naming what was found (the text's own fragments, nothing else)."""
    found = "；".join(
        _("%(what)s “%(fragment)s”") % {"what": FINDING_LABELS[f.kind], "fragment": f.fragment}
        for f in findings
    )
    return _(
        "The text looks like it holds personal data: %(found)s. A public notice names no "
        "resident: remove it (or write it without the name, number or address) and try again."
    ) % {"found": found}


def _refuse_personal_data(notice: Notice) -> None:
    findings = findings_in(notice.community, notice.title, notice.body, notice.not_names)
    if findings:
        raise DomainError(findings_message(findings), field="body")


# --- the text ---------------------------------------------------------------------------------


def _text(title: str, body: str, kind: str) -> tuple[str, str, str]:
    title = " ".join((title or "").split())
    body = (body or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Give the notice a title.")]
    elif len(title) > MAX_TITLE:
        errors["title"] = [_("Keep the title under %(n)s characters.") % {"n": MAX_TITLE}]
    if not body:
        errors["body"] = [_("Write the text of the notice.")]
    elif len(body) > MAX_BODY:
        errors["body"] = [_("Keep the text under %(n)s characters.") % {"n": MAX_BODY}]
    if kind not in NoticeKind.values:
        errors["kind"] = [_("Choose a kind of notice.")]
    if errors:
        raise DomainError(errors=errors)
    return title, body, kind


def _reason(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise DomainError(_("Say why."), field="comment")
    if len(text) > MAX_REASON:
        raise DomainError(_("Keep it under %(n)s characters.") % {"n": MAX_REASON}, field="comment")
    return text


def _step(by: User, notice: Notice, kind: str, from_status: str, comment: str = "") -> NoticeStep:
    return NoticeStep.objects.create(
        notice=notice,
        kind=kind,
        from_status=from_status,
        to_status=notice.status,
        by=by,
        by_name=str(by),
        comment=comment,
        title=notice.title,
        body=notice.body,
    )


@transaction.atomic
def create_notice(
    by: User, community: Community, *, kind: str, title: str, body: str, template: str = ""
) -> Notice:
    """A new draft of the community (nothing is checked for personal data yet)."""
    _check_staff(by, community)
    title, body, kind = _text(title, body, kind)
    now = timezone.now()
    notice = Notice.objects.create(
        township_id=community.township_id,
        community=community,
        kind=kind,
        title=title,
        body=body,
        template=template,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    _step(by, notice, NoticeStepKind.CREATE, "")
    audit.record_object(
        by, AuditAction.CREATE, notice, changes=audit.snapshot(notice, NOTICE_FIELDS)
    )
    return notice


@transaction.atomic
def edit_notice(by: User, notice: Notice, *, kind: str, title: str, body: str) -> Notice:
    """Change the text of a draft or returned notice."""
    notice = Notice.objects.select_for_update().select_related("community").get(pk=notice.pk)
    _check_staff(by, notice.community)
    if not notice.editable:
        raise DomainError(
            _("Only a draft or a returned notice may be changed; this one is “%(status)s”.")
            % {"status": notice.get_status_display()}
        )
    title, body, kind = _text(title, body, kind)
    before = audit.snapshot(notice, NOTICE_FIELDS)
    notice.kind, notice.title, notice.body = kind, title, body
    notice.updated_at = timezone.now()
    notice.save(update_fields=["kind", "title", "body", "updated_at"])
    changes = audit.diff(before, audit.snapshot(notice, NOTICE_FIELDS))
    if changes:
        _step(by, notice, NoticeStepKind.EDIT, notice.status)
        audit.record_object(by, AuditAction.UPDATE, notice, changes=changes)
    return notice


@transaction.atomic
def take_step(by: User, notice: Notice, step: str, *, comment: str = "") -> Notice:
    """Submit, review, approve, publish, withdraw or return `notice`, as `flow` allows."""
    notice = Notice.objects.select_for_update().select_related("community").get(pk=notice.pk)
    after = flow.next_status(notice.status, step)
    if after is None:
        raise DomainError(
            _("This notice is “%(status)s”: that step is not possible now.")
            % {"status": notice.get_status_display()}
        )
    if not may_take(by, notice, step):
        raise _refuse_actor(notice, step)
    comment = _reason(comment, required=step in flow.NEEDS_REASON)
    if step in flow.CHECKED:
        _refuse_personal_data(notice)
    before = notice.status
    now = timezone.now()
    notice.status = after
    notice.updated_at = now
    fields = ["status", "updated_at"]
    if step == flow.APPROVE:
        notice.approved_title, notice.approved_body = notice.title, notice.body
        notice.approved_by, notice.approved_at = by, now
        fields += ["approved_title", "approved_body", "approved_by", "approved_at"]
    elif step == flow.PUBLISH:
        notice.published_by, notice.published_at = by, now
        fields += ["published_by", "published_at"]
    elif step == flow.WITHDRAW:
        notice.withdrawn_by, notice.withdrawn_at = by, now
        notice.withdrawn_reason = comment
        fields += ["withdrawn_by", "withdrawn_at", "withdrawn_reason"]
    notice.save(update_fields=fields)
    _step(by, notice, step, before, comment)
    audit.record_object(
        by,
        AuditAction.TRANSITION,
        notice,
        changes={"status": [before, after]},
        reason=comment,
    )
    return notice


@transaction.atomic
def mark_not_a_name(by: User, notice: Notice, word: str) -> Notice:
    """The drafter says `word`, found in the text as a name, is no one's name here (高风 in
    中高风险). Only a word the check reports as a name; kept on the notice, shown to the
    leader and the township, recorded in its history and the audit log."""
    notice = Notice.objects.select_for_update().select_related("community").get(pk=notice.pk)
    _check_staff(by, notice.community)
    if not notice.editable:
        raise DomainError(
            _("Only a draft or a returned notice may be changed; this one is “%(status)s”.")
            % {"status": notice.get_status_display()}
        )
    names = {
        f.fragment
        for f in findings_in(notice.community, notice.title, notice.body, notice.not_names)
        if f.kind in personal_data.NAME_KINDS
    }
    if word not in names:
        raise DomainError(_("Only a word found as a name may be marked as no one's name."))
    before = list(notice.not_names)
    notice.not_names = [*before, word]
    notice.updated_at = timezone.now()
    notice.save(update_fields=["not_names", "updated_at"])
    _step(by, notice, NoticeStepKind.NOT_NAME, notice.status, word)
    audit.record_object(
        by, AuditAction.UPDATE, notice, changes={"not_names": [before, notice.not_names]}
    )
    return notice


# --- media interview requests -----------------------------------------------------------------


@transaction.atomic
def record_media_request(
    by: User,
    community: Community,
    *,
    outlet: str,
    reporter: str,
    contact: str,
    topic: str,
    requested_for: dt.datetime | None,
) -> MediaRequest:
    """The community records a request to interview; the township decides it."""
    _check_staff(by, community)
    outlet, reporter, topic = outlet.strip(), reporter.strip(), topic.strip()
    errors: dict[str, list[str]] = {}
    if not outlet:
        errors["outlet"] = [_("Name the news outlet.")]
    if not reporter:
        errors["reporter"] = [_("Name the reporter.")]
    if not topic:
        errors["topic"] = [_("Say what the interview is about.")]
    if errors:
        raise DomainError(errors=errors)
    request = MediaRequest.objects.create(
        township_id=community.township_id,
        community=community,
        outlet=outlet,
        reporter=reporter,
        contact=contact.strip(),
        topic=topic,
        requested_for=requested_for,
        recorded_by=by,
    )
    audit.record_object(
        by, AuditAction.CREATE, request, changes=audit.snapshot(request, MEDIA_FIELDS)
    )
    return request


@transaction.atomic
def decide_media_request(
    by: User, request: MediaRequest, *, approve: bool, note: str = ""
) -> MediaRequest:
    """The township approves or refuses an interview (a refusal says why)."""
    request = (
        MediaRequest.objects.select_for_update().select_related("community").get(pk=request.pk)
    )
    if not by.can(NoticesCapability.APPROVE_NOTICES) or not is_township_of(by, request.community):
        raise DomainError(_("Only the township of this community decides interview requests."))
    if request.status != MediaStatus.REQUESTED:
        raise DomainError(
            _("This request was already decided: “%(status)s”.")
            % {"status": request.get_status_display()}
        )
    note = _reason(note, required=not approve)
    before = request.status
    request.status = MediaStatus.APPROVED if approve else MediaStatus.REFUSED
    request.decided_by, request.decided_at, request.decision_note = by, timezone.now(), note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record_object(
        by,
        AuditAction.DECIDE,
        request,
        changes={"status": [before, request.status]},
        reason=note,
    )
    return request
