"""Staff management: who works here, in which role and jurisdiction."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import actions
from ..access import get_for, require
from ..errors import DomainError
from ..forms import (
    DeactivateForm,
    PasswordForm,
    StaffFilterForm,
    StaffForm,
    add_domain_errors,
)
from ..models import User
from ..paging import page_of
from ..rendering import page_or_partial
from ..roles import CoreCapability


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, CoreCapability.VIEW_STAFF)
    form = StaffFilterForm(request.GET or {"inactive": ""})
    qs = form.apply(
        User.objects.visible_to(user).select_related("township", "community", "grid")
    ).order_by("community_id", "grid_id", "role", "username")
    page = page_of(qs, request.GET.get("page"), per_page=50)
    params = request.GET.copy()
    params.pop("page", None)
    rows = [(staff, actions.may_manage(user, staff)) for staff in page.items]
    context = {"form": form, "page": page, "rows": rows, "filter_query": params.urlencode()}
    return page_or_partial(request, "core/staff_list.html", "results", context)


@login_required
def staff_create(request: HttpRequest) -> HttpResponse:
    user = require(request.user, CoreCapability.MANAGE_STAFF)
    form = StaffForm(request.POST or None, by=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                staff = actions.create_staff(user, **form.values())
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "The account %(username)s was created. "
                        "Give the person the password in private."
                    )
                    % {"username": staff.username},
                )
                return redirect("core:staff_edit", pk=staff.pk)
        status = 422
    return render(request, "core/staff_form.html", {"form": form}, status=status)


def _manageable(request: HttpRequest, pk: int) -> tuple[User, User]:
    """(manager, staff member): 404 outside the manager's jurisdiction, 403 if not theirs."""
    user = require(request.user, CoreCapability.MANAGE_STAFF)
    staff = get_for(
        user, User, pk=pk, queryset=User.objects.select_related("township", "community", "grid")
    )
    if not actions.may_manage(user, staff):
        raise PermissionDenied
    return user, staff


def _staff_page(
    request: HttpRequest, user: User, staff: User, status: int = 200, **forms: Any
) -> HttpResponse:
    context = {
        "staff": staff,
        "form": forms.get("form") or StaffForm(by=user, staff=staff),
        "password_form": forms.get("password_form") or PasswordForm(),
        "deactivate_form": forms.get("deactivate_form") or DeactivateForm(),
    }
    return render(request, "core/staff_edit.html", context, status=status)


@login_required
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, staff = _manageable(request, pk)
    if request.method != "POST":
        return _staff_page(request, user, staff)
    form = StaffForm(request.POST, by=user, staff=staff)
    if form.is_valid():
        try:
            actions.update_staff(user, staff, **form.values())
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("core:staff_edit", pk=staff.pk)
    return _staff_page(request, user, staff, status=422, form=form)


@login_required
@require_POST
def staff_password(request: HttpRequest, pk: int) -> HttpResponse:
    user, staff = _manageable(request, pk)
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            actions.reset_password(user, staff, password=form.cleaned_data["password"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("The password of %(username)s was reset. Give it to the person in private.")
                % {"username": staff.username},
            )
            return redirect("core:staff_edit", pk=staff.pk)
    return _staff_page(request, user, staff, status=422, password_form=form)


@login_required
@require_POST
def staff_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate an account (with a reason) or reactivate it."""
    user, staff = _manageable(request, pk)
    activate = request.POST.get("active") == "1"
    form = DeactivateForm(request.POST)
    if activate or form.is_valid():
        try:
            actions.set_staff_active(
                user,
                staff,
                active=activate,
                reason="" if activate else form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("The account was reactivated.")
                if activate
                else _("The account was deactivated."),
            )
            return redirect("core:staff_edit", pk=staff.pk)
    return _staff_page(request, user, staff, status=422, deactivate_form=form)
