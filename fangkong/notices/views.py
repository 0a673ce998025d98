"""Pages of notices: the list, a new notice (blank or from the plan's text), one notice with
its steps and history, the media interview requests, the printable QR code of a community's
board, and the public board itself (no account: published notices only).

Thin views: access (`require`, `get_for`), a form, one action, render or redirect. Seeing
needs VIEW_NOTICES; who may take a step is `actions.may_take` (its status and their place).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fangkong.core import confirmation
from fangkong.core.access import get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.forms import add_domain_errors
from fangkong.core.models import Community, User
from fangkong.core.paging import page_of
from fangkong.core.qrcodes import qr_svg

from . import actions, drafts, flow, personal_data
from .capabilities import NoticesCapability
from .forms import DecisionForm, MediaRequestForm, NoticeForm, StepForm
from .models import MediaRequest, MediaStatus, Notice, NoticeStatus

PER_PAGE = 30
BOARD_SHOWN = 50


def _button(step: str) -> str:
    labels = {
        flow.SUBMIT: _("Submit to the leader"),
        flow.REVIEW: _("Send to the township for approval"),
        flow.APPROVE: _("Approve"),
        flow.PUBLISH: _("Publish on the public board"),
        flow.WITHDRAW: _("Withdraw"),
        flow.RETURN: _("Return with a comment"),
    }
    return labels[step]


def _drafting_communities(user: User) -> QuerySet[Community]:
    ids = [c.pk for c in Community.objects.visible_to(user) if actions.is_staff_of(user, c)]
    return Community.objects.filter(pk__in=ids).order_by("township_id", "sort_key", "id")


# --- the list ---------------------------------------------------------------------------------


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, NoticesCapability.VIEW_NOTICES)
    notices = Notice.objects.visible_to(user).select_related("community")
    status = request.GET.get("status", "")
    if status in NoticeStatus.values:
        notices = notices.filter(status=status)
    page = page_of(
        notices.order_by("-updated_at", "-id"), request.GET.get("page"), per_page=PER_PAGE
    )
    communities = Community.objects.visible_to(user).order_by("township_id", "sort_key", "id")
    return render(
        request,
        "notices/notice_list.html",
        {
            "page": page,
            "status": status,
            "statuses": NoticeStatus.choices,
            "may_draft": user.can(NoticesCapability.DRAFT_NOTICES),
            "communities": communities[:20],
        },
    )


# --- drafting ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    user = require(request.user, NoticesCapability.DRAFT_NOTICES)
    communities = _drafting_communities(user)
    template = request.GET.get("from", "")
    start = drafts.BY_KEY.get(template)
    status = 200
    if request.method == "POST":
        form = NoticeForm(request.POST, communities=communities)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = actions.create_notice(
                    user,
                    data["community"],
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    template=template if start else "",
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("notices:notice_detail", pk=notice.pk)
        status = 422
    else:
        initial = {"kind": start.kind, "title": start.title, "body": start.body} if start else {}
        form = NoticeForm(initial=initial, communities=communities)
    return render(
        request,
        "notices/notice_form.html",
        {"form": form, "drafts": drafts.DRAFTS, "start": start, "notice": None},
        status=status,
    )


def _notice(request: HttpRequest, pk: int) -> Notice:
    require(request.user, NoticesCapability.VIEW_NOTICES)
    return get_for(
        request.user,
        Notice,
        queryset=Notice.objects.select_related(
            "community", "approved_by", "published_by", "withdrawn_by", "created_by"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    user = require(request.user, NoticesCapability.DRAFT_NOTICES)
    if not notice.editable or not actions.is_staff_of(user, notice.community):
        raise Http404
    status = 200
    if request.method == "POST":
        form = NoticeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.edit_notice(
                    user, notice, kind=data["kind"], title=data["title"], body=data["body"]
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("notices:notice_detail", pk=notice.pk)
        status = 422
    else:
        form = NoticeForm(initial={"kind": notice.kind, "title": notice.title, "body": notice.body})
    return render(
        request,
        "notices/notice_form.html",
        {"form": form, "drafts": (), "start": None, "notice": notice},
        status=status,
    )


# --- one notice -------------------------------------------------------------------------------


def _detail_context(
    request: HttpRequest, notice: Notice, *, form: StepForm | None = None, failed: str = ""
) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    steps = [
        {
            "step": step,
            "label": _button(step),
            "needs_reason": step in flow.NEEDS_REASON,
            "confirm": step in (flow.PUBLISH, flow.WITHDRAW),
            "form": form if failed == step and form is not None else StepForm(prefix=step),
        }
        for step in flow.steps_from(notice.status)
        if actions.may_take(user, notice, step)
    ]
    refusal: list[str] = []
    if form is not None and failed not in {s["step"] for s in steps}:
        refusal = [str(m) for messages in form.errors.values() for m in messages]
    findings_text = ""
    name_words: list[str] = []
    if (
        form is None
        and notice.status in flow.EDITABLE
        and actions.is_staff_of(user, notice.community)
    ):
        findings = actions.findings_in(
            notice.community, notice.title, notice.body, notice.not_names
        )
        if findings:
            findings_text = actions.findings_message(findings)
            name_words = list(
                dict.fromkeys(f.fragment for f in findings if f.kind in personal_data.NAME_KINDS)
            )
    return {
        "notice": notice,
        "steps": steps,
        "history": list(notice.steps.select_related("by").order_by("at", "id")),
        "may_edit": notice.editable and actions.is_staff_of(user, notice.community),
        "findings": findings_text,
        "name_words": name_words,
        "refusal": refusal,
        "waiting_for": flow.WAITING_FOR.get(notice.status, ""),
    }


@login_required
@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    return render(request, "notices/notice_detail.html", _detail_context(request, notice))


@login_required
@require_POST
def notice_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    notice = _notice(request, pk)
    if step not in flow.STEPS:
        raise Http404
    user = request.user
    assert isinstance(user, User)
    form = StepForm(request.POST, prefix=step)
    if form.is_valid():
        if step in (flow.PUBLISH, flow.WITHDRAW) and not confirmation.confirmed(request):
            says = (
                _("“%(title)s” will be shown to everyone on the public board of %(community)s.")
                if step == flow.PUBLISH
                else _(
                    "“%(title)s” will be taken off the public board of %(community)s; "
                    "it cannot be published again."
                )
            ) % {"title": notice.title, "community": notice.community.name}
            return confirmation.ask(
                request,
                title=_button(step),
                says=says,
                button=_button(step),
                back=reverse("notices:notice_detail", args=[notice.pk]),
                danger=step == flow.WITHDRAW,
            )
        try:
            actions.take_step(user, notice, step, comment=form.cleaned_data["comment"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("Done: the notice is now “%(status)s”.")
                % {"status": Notice.objects.get(pk=notice.pk).get_status_display()},
            )
            return redirect("notices:notice_detail", pk=notice.pk)
    return render(
        request,
        "notices/notice_detail.html",
        _detail_context(request, notice, form=form, failed=step),
        status=422,
    )


@login_required
@require_POST
def notice_not_name(request: HttpRequest, pk: int) -> HttpResponse:
    """The drafter says a word found as a name is no one's name in this text."""
    notice = _notice(request, pk)
    user = require(request.user, NoticesCapability.DRAFT_NOTICES)
    word = request.POST.get("word", "")
    try:
        actions.mark_not_a_name(user, notice, word)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("“%(word)s” is no longer taken for a name in this notice.") % {"word": word}
        )
    return redirect("notices:notice_detail", pk=notice.pk)


# --- media interview requests -----------------------------------------------------------------


@login_required
@require_GET
def media_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, NoticesCapability.VIEW_NOTICES)
    found = MediaRequest.objects.visible_to(user).select_related("community")
    page = page_of(
        found.order_by("-recorded_at", "-id"), request.GET.get("page"), per_page=PER_PAGE
    )
    return render(
        request,
        "notices/media_list.html",
        {"page": page, "may_record": user.can(NoticesCapability.DRAFT_NOTICES)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def media_new(request: HttpRequest) -> HttpResponse:
    user = require(request.user, NoticesCapability.DRAFT_NOTICES)
    communities = _drafting_communities(user)
    status = 200
    if request.method == "POST":
        form = MediaRequestForm(request.POST, communities=communities)
        if form.is_valid():
            data = form.cleaned_data
            try:
                found = actions.record_media_request(
                    user,
                    data["community"],
                    outlet=data["outlet"],
                    reporter=data["reporter"],
                    contact=data["contact"],
                    topic=data["topic"],
                    requested_for=data["requested_for"],
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The request was recorded for the township."))
                return redirect("notices:media_detail", pk=found.pk)
        status = 422
    else:
        form = MediaRequestForm(communities=communities)
    return render(request, "notices/media_form.html", {"form": form}, status=status)


def _media_context(
    request: HttpRequest, found: MediaRequest, form: DecisionForm | None = None
) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    may_decide = (
        found.status == MediaStatus.REQUESTED
        and user.can(NoticesCapability.APPROVE_NOTICES)
        and actions.is_township_of(user, found.community)
    )
    return {
        "found": found,
        "form": (form or DecisionForm()) if may_decide else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def media_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, NoticesCapability.VIEW_NOTICES)
    found = get_for(
        request.user,
        MediaRequest,
        queryset=MediaRequest.objects.select_related("community", "recorded_by", "decided_by"),
        pk=pk,
    )
    if request.method == "POST":
        user = require(request.user, NoticesCapability.APPROVE_NOTICES)
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                actions.decide_media_request(
                    user,
                    found,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The decision was recorded."))
                return redirect("notices:media_detail", pk=found.pk)
        return render(
            request, "notices/media_detail.html", _media_context(request, found, form), status=422
        )
    return render(request, "notices/media_detail.html", _media_context(request, found))


# --- the board's QR code ----------------------------------------------------------------------


@login_required
@require_GET
def board_code(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable QR code leading to the community's public board."""
    require(request.user, NoticesCapability.VIEW_NOTICES)
    community = get_for(request.user, Community, pk=pk)
    url = request.build_absolute_uri(reverse("board:board", args=[community.code]))
    return render(
        request,
        "notices/board_code.html",
        {"community": community, "url": url, "svg": qr_svg(url, scale=8)},
    )


# --- the public board (no account) ------------------------------------------------------------


def _board_community(code: str) -> Community:
    return get_object_or_404(Community.objects.select_related("township"), code=code)


@require_GET
def board(request: HttpRequest, code: str) -> HttpResponse:
    """The community's published notices, newest first: no account, no personal data."""
    community = _board_community(code)
    notices = (
        Notice.objects.filter(community=community, status=NoticeStatus.PUBLISHED)
        .only("id", "kind", "approved_title", "published_at", "community_id")
        .order_by("-published_at", "-id")[:BOARD_SHOWN]
    )
    return render(request, "notices/board.html", {"community": community, "notices": notices})


@require_GET
def board_notice(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = _board_community(code)
    notice = get_object_or_404(Notice, community=community, status=NoticeStatus.PUBLISHED, pk=pk)
    return render(request, "notices/board_notice.html", {"community": community, "notice": notice})
