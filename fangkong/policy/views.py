"""Pages of policy versions and the risk-area register.

Each view checks access (`require`, `get_for`, `visible_to`), binds a form, calls an action
from `actions`, and renders or redirects. Versions are read by anyone who works cases and
changed by township admins (MANAGE_POLICY); the risk-area register is public information,
read by anyone who reads the registry or works cases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from itertools import chain
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from fangkong.core import confirmation
from fangkong.core.access import can, get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.models import User
from fangkong.core.paging import page_of
from fangkong.core.registry import policy_differences
from fangkong.core.rendering import page_or_partial
from fangkong.core.roles import CoreCapability
from fangkong.core.scoping import covers
from fangkong.core.spreadsheets import SpreadsheetError, check_size, file_size
from fangkong.core.uploads import SizeLimitHandler
from fangkong.policy.capabilities import PolicyCapability

from . import actions, display, divisions, registering
from .areas import filtered_areas
from .forms import (
    ActivateForm,
    AnnouncementForm,
    AreaFilterForm,
    AreaForm,
    AreaImportForm,
    EndAreaForm,
    PolicyForm,
    WithdrawForm,
    add_errors,
)
from .impact import Difference, treated_differently
from .models import Policy, PolicyStatus, RiskArea
from .rules import differences
from .versions import in_force

PER_PAGE = 50
#: the preview lists at most this many affected cases (and says how many there are)
MAX_LISTED_CASES = 200


# --- policy versions -------------------------------------------------------------------------


def _in_force_for(user: User, day: dt.date) -> Policy | None:
    try:
        return in_force(user.township_id, day)
    except DomainError:
        return None


@login_required
def version_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, PolicyCapability.VIEW_CASES)
    today = timezone.localdate()
    versions = (
        Policy.objects.visible_to(user)
        .select_related("township", "based_on__township")
        .order_by("-effective_from", "-version", "-id")
    )
    page = page_of(versions, request.GET.get("page"), per_page=PER_PAGE)
    return render(
        request,
        "policy/version_list.html",
        {"page": page, "current": _in_force_for(user, today), "today": today},
    )


def affected_cases(user: User, policy: Policy) -> tuple[list[Difference], int]:
    """The open cases of the user's jurisdiction that `policy` would treat differently
    (at most MAX_LISTED_CASES of them), and how many there are in all.

    The cases come from the apps that hold them (quarantine registers its open cases in its
    panels.py: `fangkong.core.registry.policy_differences`), so policy imports none of them.
    """
    cases = chain.from_iterable(source(user, policy) for source in policy_differences)
    found = treated_differently(cases, policy.as_rules())
    return found[:MAX_LISTED_CASES], len(found)


def _comparison_base(user: User, policy: Policy, today: dt.date) -> Policy | None:
    """What a version's page compares it with: a draft with the version in force today (for
    its township), an active version with the one it was copied from."""
    if policy.status == PolicyStatus.DRAFT:
        try:
            return in_force(policy.township_id, today)
        except DomainError:
            return None
    return policy.based_on


def _version_context(request: HttpRequest, policy: Policy, **extra: Any) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    today = timezone.localdate()
    base = _comparison_base(user, policy, today)
    changes = display.changes(differences(base.as_rules(), policy.as_rules())) if base else []
    listed, affected_total = affected_cases(user, policy)
    may_manage = can(user, PolicyCapability.MANAGE_POLICY) and covers(
        user, township_id=policy.township_id
    )
    current = _in_force_for(user, today)
    return {
        "policy": policy,
        "sections": display.sections(policy.as_rules().to_data()),
        "base": base,
        "changes": changes,
        "affected": listed,
        "affected_total": affected_total,
        "affected_more": affected_total - len(listed),
        "is_current": current is not None and current.pk == policy.pk,
        "is_draft": policy.status == PolicyStatus.DRAFT,
        "may_manage": may_manage,
        "may_copy": can(user, PolicyCapability.MANAGE_POLICY),
        "activate_form": extra.pop("activate_form", None)
        or ActivateForm(initial={"effective_from": max(policy.effective_from, today)}),
        "withdraw_form": extra.pop("withdraw_form", None) or WithdrawForm(),
        "today": today,
        **extra,
    }


def _version_queryset() -> QuerySet[Policy]:
    return Policy.objects.select_related(
        "township", "based_on__township", "created_by", "activated_by"
    )


@login_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PolicyCapability.VIEW_CASES)
    policy = get_for(request.user, Policy, pk=pk, queryset=_version_queryset())
    return render(request, "policy/version_detail.html", _version_context(request, policy))


@login_required
@require_POST
def version_copy(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, PolicyCapability.MANAGE_POLICY)
    source = get_for(user, Policy, pk=pk)
    try:
        draft = actions.copy_version(user, source)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("policy:version_detail", pk=source.pk)
    messages.success(
        request,
        _(
            "Draft version %(version)d was made from %(source)s. Change its numbers, "
            "then activate it."
        )
        % {"version": draft.version, "source": source.label},
    )
    return redirect("policy:version_edit", pk=draft.pk)


@login_required
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PolicyCapability.VIEW_CASES)
    policy = get_for(
        request.user,
        Policy,
        pk=pk,
        write=PolicyCapability.MANAGE_POLICY,
        queryset=_version_queryset(),
    )
    user = require(request.user, PolicyCapability.MANAGE_POLICY)
    if not covers(user, township_id=policy.township_id):
        raise PermissionDenied
    if policy.status != PolicyStatus.DRAFT:
        messages.error(
            request, _("Only a draft can be edited. Copy this version into a new draft instead.")
        )
        return redirect("policy:version_detail", pk=policy.pk)
    form = PolicyForm(request.POST or None, initial=PolicyForm.initial_for(policy))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_draft(user, policy, rules=form.rules(), **form.metadata())
            except DomainError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("The draft was saved. Check the preview below, then activate it.")
                )
                return redirect("policy:version_detail", pk=policy.pk)
        status = 422
    return render(
        request, "policy/version_form.html", {"form": form, "policy": policy}, status=status
    )


@login_required
@require_POST
def version_activate(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PolicyCapability.VIEW_CASES)
    policy = get_for(
        request.user,
        Policy,
        pk=pk,
        write=PolicyCapability.MANAGE_POLICY,
        queryset=_version_queryset(),
    )
    user = require(request.user, PolicyCapability.MANAGE_POLICY)
    form = ActivateForm(request.POST)
    if form.is_valid():
        try:
            actions.activate(user, policy, effective_from=form.cleaned_data["effective_from"])
        except DomainError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Version %(version)d is in force from %(day)s.")
                % {
                    "version": policy.version,
                    "day": form.cleaned_data["effective_from"].isoformat(),
                },
            )
            return redirect("policy:version_detail", pk=policy.pk)
    context = _version_context(request, policy, activate_form=form)
    return render(request, "policy/version_detail.html", context, status=422)


@login_required
@require_POST
def version_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PolicyCapability.VIEW_CASES)
    policy = get_for(
        request.user,
        Policy,
        pk=pk,
        write=PolicyCapability.MANAGE_POLICY,
        queryset=_version_queryset(),
    )
    user = require(request.user, PolicyCapability.MANAGE_POLICY)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            actions.withdraw(user, policy, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The draft was withdrawn."))
            return redirect("policy:version_list")
    context = _version_context(request, policy, withdraw_form=form)
    return render(request, "policy/version_detail.html", context, status=422)


# --- risk areas ------------------------------------------------------------------------------


def _area_reader(request: HttpRequest) -> User:
    """The user, if they read the registry or work cases (the register is public)."""
    user = request.user
    if not (can(user, PolicyCapability.VIEW_CASES) or can(user, CoreCapability.VIEW_PEOPLE)):
        raise PermissionDenied
    assert isinstance(user, User)
    return user


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    user = _area_reader(request)
    form = AreaFilterForm(request.GET or None)
    status, on, level, q = form.values()
    page = page_of(filtered_areas(user, status, on, level, q), request.GET.get("page"))
    for area in page.items:
        area.may_change = area.may_be_changed_by(user)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filter_query": params.urlencode(),
        "on": on,
        "status": status,
        "may_manage": can(user, PolicyCapability.MANAGE_POLICY),
    }
    return page_or_partial(request, "policy/area_list.html", "results", context)


@login_required
def area_create(request: HttpRequest) -> HttpResponse:
    user = require(request.user, PolicyCapability.MANAGE_POLICY)
    form = AreaForm(request.POST or None, initial={"start": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                place = divisions.resolve(data["place"])
                area = actions.add_area(
                    user,
                    place=place,
                    level=data["level"],
                    start=data["start"],
                    end=data["end"],
                    source=data["source"],
                )
            except DomainError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(place)s (%(code)s) is registered as %(level)s from %(start)s.")
                    % {
                        "place": area.full_name,
                        "code": area.code,
                        "level": area.get_level_display(),
                        "start": area.start.isoformat(),
                    },
                )
                return redirect("policy:area_list")
        status = 422
    return render(request, "policy/area_form.html", {"form": form}, status=status)


@login_required
def area_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, PolicyCapability.MANAGE_POLICY)
    area = get_for(user, RiskArea, pk=pk)
    if not area.may_be_changed_by(user):
        raise PermissionDenied
    form = EndAreaForm(request.POST or None, initial={"end": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid() and not confirmation.confirmed(request):
            return confirmation.ask(
                request,
                title=_("End a risk area"),
                says=[
                    end_area_question(area),
                    _("Last day at risk: %(end)s.") % {"end": form.cleaned_data["end"].isoformat()},
                ],
                button=_("End the area"),
                back=reverse("policy:area_list"),
            )
        if form.is_valid():
            try:
                actions.end_area(user, area, end=form.cleaned_data["end"])
            except DomainError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(place)s is at risk until %(end)s.")
                    % {"place": area.full_name, "end": form.cleaned_data["end"].isoformat()},
                )
                return redirect("policy:area_list")
        status = 422
    return render(
        request,
        "policy/area_end.html",
        {"form": form, "area": area, "question": end_area_question(area)},
        status=status,
    )


def end_area_question(area: RiskArea) -> str:
    """What ending a risk area does, and to whom (asked before ending it)."""
    return _(
        "End the %(level)s area %(place)s? People who arrive from it after its last day at "
        "risk are no longer screened or quarantined as coming from a risk area. An ended area "
        "cannot be resumed: if the risk returns, register the area again."
    ) % {"level": area.get_level_display(), "place": area.full_name}


@csrf_exempt
@login_required
def area_import(request: HttpRequest) -> HttpResponse:
    """Upload a register; every row is checked, and written only if all are good."""
    require(request.user, PolicyCapability.MANAGE_POLICY)
    if request.method == "POST":
        # The size limit must be in place before anything reads the body, the CSRF check
        # included (which `_area_import` then does).
        limit = settings.FANGKONG_MAX_UPLOAD_BYTES
        request.upload_handlers.insert(0, SizeLimitHandler(request, limit))
    return _area_import(request)


@csrf_protect
def _area_import(request: HttpRequest) -> HttpResponse:
    user = require(request.user, PolicyCapability.MANAGE_POLICY)
    limit = settings.FANGKONG_MAX_UPLOAD_BYTES
    form = AreaImportForm(request.POST or None, request.FILES or None)
    checked: registering.Checked | None = None
    status = 200
    if request.method == "POST":
        status = 422
        if getattr(request, "upload_too_large", False):
            size = int(request.META.get("CONTENT_LENGTH") or 0)
            form = AreaImportForm()
            form.add_error(
                None,
                _("The file is %(size)s; files up to %(max)s are accepted.")
                % {"size": file_size(size), "max": file_size(limit)},
            )
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_size(upload.size or 0, limit)
                checked = _read_upload(upload, limit)
            except SpreadsheetError as exc:
                form.add_error("file", exc.message)
            else:
                default_source = form.cleaned_data["source"]
                rows = [
                    row if row.source or not default_source else _with_source(row, default_source)
                    for row in checked.rows
                ]
                if checked.ok:
                    try:
                        areas = actions.add_areas(
                            user, rows, how=_("Imported from %(file)s") % {"file": upload.name}
                        )
                    except DomainError as exc:
                        form.add_error(None, exc.message)
                    else:
                        messages.success(
                            request,
                            _("%(n)d risk areas were registered from %(file)s.")
                            % {"n": len(areas), "file": upload.name},
                        )
                        return redirect("policy:area_list")
    return render(
        request,
        "policy/area_import.html",
        {"form": form, "checked": checked, "columns": registering.COLUMNS},
        status=status,
    )


def _with_source(row: actions.AreaRow, source: str) -> actions.AreaRow:
    return actions.AreaRow(row.place, row.level, row.start, row.end, source, row.origin)


def _read_upload(upload: Any, limit: int) -> registering.Checked:
    suffix = os.path.splitext(upload.name or "")[1].lower()[:8]
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        path = tmp.name
    try:
        return registering.read_register(path, filename=upload.name or "", max_bytes=limit)
    finally:
        os.unlink(path)


@login_required
def area_template(request: HttpRequest) -> FileResponse:
    require(request.user, PolicyCapability.MANAGE_POLICY)
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    tmp.close()
    registering.write_template(tmp.name)
    handle = open(tmp.name, "rb")  # noqa: SIM115 - FileResponse closes it
    os.unlink(tmp.name)
    return FileResponse(handle, as_attachment=True, filename="风险地区导入模板.xlsx")


@login_required
def area_paste(request: HttpRequest) -> HttpResponse:
    """Paste an announcement, read it, confirm: the places are written in one go."""
    user = require(request.user, PolicyCapability.MANAGE_POLICY)
    form = AnnouncementForm(request.POST or None, initial={"start": timezone.localdate()})
    checked: registering.Checked | None = None
    preview: list[Any] = []
    digest = ""
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            checked, preview = registering.check_announcement(
                data["text"], start=data["start"], source=data["source"]
            )
            digest = _digest(data["text"], data["start"], data["source"])
            # Only what the user saw is registered: a text changed after reading is read again.
            seen = request.POST.get("digest") == digest
            if "confirm" in request.POST and checked.ok and seen:
                try:
                    areas = actions.add_areas(user, checked.rows, how=_("From an announcement"))
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(
                        request,
                        _("%(n)d risk areas were registered from the announcement.")
                        % {"n": len(areas)},
                    )
                    return redirect("policy:area_list")
            elif checked.ok:
                status = 200
            if "confirm" in request.POST and not seen:
                form.add_error(
                    None,
                    _("The text changed since it was read. Check the places below again."),
                )
    return render(
        request,
        "policy/area_paste.html",
        {"form": form, "checked": checked, "preview": preview, "digest": digest},
        status=status,
    )


def _digest(text: str, start: dt.date, source: str) -> str:
    """What the user confirms: the text, date and source they read, as one fingerprint."""
    data = "\n".join((text.replace("\r\n", "\n"), start.isoformat(), source))
    return hashlib.sha256(data.encode()).hexdigest()
