"""Every write of the summaries app: a visit to a patient's family, a decontamination, the
township's assessment of a period. Transaction, audit, a Chinese refusal."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Community, Township, User
from fangkong.core.scoping import covers, jurisdiction_level
from fangkong.quarantine.models import IndexCase

from .capabilities import SummaryCapability
from .models import Assessment, Decontamination, FamilyVisit

MAX_TEXT = 2000


def _text(value: str, *, field: str, required: str = "", limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(required, field=field)
    if len(text) > limit:
        raise DomainError(_("Keep it under %(n)d characters.") % {"n": limit}, field=field)
    return text


def _check(user: User, community: Community) -> None:
    if not user.can(SummaryCapability.RECORD_AFTERCARE):
        raise DomainError(_("Your role may not record aftercare."))
    if not covers(user, community):
        raise DomainError(_("This community is outside your jurisdiction."))


def _past(day: dt.date, field: str) -> dt.date:
    if day > timezone.localdate():
        raise DomainError(_("The day cannot be in the future."), field=field)
    return day


@transaction.atomic
def record_visit(
    user: User,
    index_case: IndexCase,
    *,
    community: Community,
    visited_on: dt.date,
    done: str,
    needs: str = "",
) -> FamilyVisit:
    _check(user, community)
    if index_case.township_id != community.township_id:
        raise DomainError(_("The case is not of this township."), field="index_case")
    visit = FamilyVisit.objects.create(
        township_id=community.township_id,
        community=community,
        index_case=index_case,
        visited_on=_past(visited_on, "visited_on"),
        done=_text(done, field="done", required=_("Say what was done.")),
        needs=_text(needs, field="needs"),
        by=user,
    )
    audit.record_object(user, AuditAction.CREATE, visit, changes={"index_case": index_case.pk})
    return visit


@transaction.atomic
def record_decontamination(
    user: User,
    *,
    community: Community,
    place: str,
    done_on: dt.date,
    agent: str,
    note: str = "",
    index_case: IndexCase | None = None,
) -> Decontamination:
    _check(user, community)
    if index_case is not None and index_case.township_id != community.township_id:
        raise DomainError(_("The case is not of this township."), field="index_case")
    record = Decontamination.objects.create(
        township_id=community.township_id,
        community=community,
        index_case=index_case,
        place=_text(place, field="place", required=_("Say where."), limit=200),
        done_on=_past(done_on, "done_on"),
        agent=_text(agent, field="agent", required=_("Say which agent and how much."), limit=200),
        note=_text(note, field="note"),
        by=user,
    )
    audit.record_object(user, AuditAction.CREATE, record, changes={"place": record.place})
    return record


@transaction.atomic
def write_assessment(
    user: User, township: Township, *, start: dt.date, end: dt.date, text: str
) -> Assessment:
    """The township's assessment of a period (replaces its earlier text, audited)."""
    if not user.can(SummaryCapability.WRITE_ASSESSMENT) or not (
        user.is_superuser
        or (jurisdiction_level(user) == "township" and covers(user, township_id=township.pk))
    ):
        raise DomainError(_("Only the township writes the assessment of a period."))
    if start > end:
        raise DomainError(_("The end date is before the start date."), field="end")
    body = _text(text, field="text", required=_("Write the assessment."), limit=20000)
    Township.objects.select_for_update().get(pk=township.pk)  # one writer of a first text
    found = (
        Assessment.objects.select_for_update()
        .filter(township=township, start=start, end=end)
        .first()
    )
    before = found.text if found else ""
    if found is None:
        found = Assessment(township=township, start=start, end=end)
    found.text = body
    found.by = user
    found.at = timezone.now()
    found.save()
    audit.record_object(
        user,
        AuditAction.UPDATE if before else AuditAction.CREATE,
        found,
        changes={"text": [before[:200], body[:200]]},
    )
    return found
