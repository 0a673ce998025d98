"""Pages of the resident registry: the list with search, a resident, a household.

Each view checks access (`require`, `get_for`, `visible_to`), binds a form, calls an action
from `actions`, and renders or redirects. htmx requests get the partial they swap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.access import can, get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.models import Building, Grid, Unit, User
from fangkong.core.paging import page_of
from fangkong.core.registry import records_of
from fangkong.core.rendering import is_htmx, page_or_partial
from fangkong.core.roles import CoreCapability
from fangkong.people.capabilities import PeopleCapability

from . import actions
from .forms import (
    HouseholdAssignmentForm,
    HouseholdCreateForm,
    MergeForm,
    ReasonForm,
    ResidentForm,
    RevealForm,
    add_domain_errors,
)
from .models import Household, Resident
from .phones import format_phone
from .registry import document_holder, likely_duplicates
from .search import filtered_residents

PER_PAGE = 50


# --- list --------------------------------------------------------------------------------


@login_required
def resident_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, CoreCapability.VIEW_PEOPLE)
    form, qs = filtered_residents(user, request.GET)
    qs = qs.select_related("grid__community", "household").prefetch_related("tags").order_by("id")
    page = page_of(qs, request.GET.get("page"), per_page=PER_PAGE)
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "filter_query": params.urlencode()}
    return page_or_partial(request, "people/resident_list.html", "results", context)


# --- one resident ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sensitive:
    """A sensitive value as shown on the page: masked, or in full after a reveal."""

    field: str
    label: str
    masked: str
    full: str | None = None
    form: RevealForm | None = None


def _resident_queryset() -> Any:
    return Resident.objects.select_related(
        "grid__community",
        "household__building",
        "household__unit",
        "household__cadre",
        "household__medic",
        "merged_into",
    ).prefetch_related("tags")


def _sensitive(
    resident: Resident, field: str, full: str | None = None, form: Any = None
) -> Sensitive:
    if field == "phone":
        return Sensitive(
            "phone", _("Phone"), resident.masked_phone, format_phone(full) if full else full, form
        )
    if field == "away_contact":
        return Sensitive(
            "away_contact", _("Contact while away"), resident.masked_away_contact, full, form
        )
    return Sensitive("doc_number", _("Document number"), resident.masked_doc_number, full, form)


def _resident_context(request: HttpRequest, resident: Resident, **extra: Any) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    housemates: list[Resident] = []
    if resident.household_id is not None:
        housemates = list(
            Resident.objects.visible_to(user)
            .active()
            .filter(household_id=resident.household_id)
            .exclude(pk=resident.pk)
            .order_by("id")
        )
    duplicates: list[Resident] = []
    if resident.merged_into_id is None:
        candidates = [d.pk for d in likely_duplicates(resident)]
        if candidates:
            duplicates = list(
                Resident.objects.visible_to(user)
                .filter(pk__in=candidates)
                .select_related("grid__community", "household")
            )
    revealed: dict[str, str] = extra.pop("revealed", {})
    return {
        "resident": resident,
        "sensitive": [
            _sensitive(resident, f, revealed.get(f))
            for f in ("doc_number", "phone", "away_contact")
        ],
        "housemates": housemates,
        "duplicates": duplicates,
        "merged_from": list(Resident.objects.visible_to(user).filter(merged_into=resident)),
        "merge_form": extra.pop("merge_form", None) or MergeForm(),
        # what the higher apps (cases, alerts, check-ins, tests, passes, lockdowns …) hold
        # about the person and this user may see, newest first (`core.registry`)
        "records": records_of(user, resident),
        **extra,
    }


@login_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, CoreCapability.VIEW_PEOPLE)
    resident = get_for(request.user, Resident, pk=pk, queryset=_resident_queryset())
    return render(request, "people/resident_detail.html", _resident_context(request, resident))


@login_required
@require_POST
def resident_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full document number or phone after the user gives a reason (audited)."""
    require(request.user, CoreCapability.VIEW_PEOPLE)
    resident = get_for(
        request.user,
        Resident,
        pk=pk,
        write=PeopleCapability.REVEAL_SENSITIVE,
        queryset=_resident_queryset(),
    )
    user = require(request.user, PeopleCapability.REVEAL_SENSITIVE)
    form = RevealForm(request.POST)
    field = request.POST.get("field", "")
    if field not in actions.SENSITIVE_FIELDS:
        field = "doc_number"
    full: str | None = None
    if form.is_valid():
        try:
            full = actions.reveal(
                user, resident, field=form.cleaned_data["field"], reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
    status = 200 if full is not None else 422
    if full is None:
        item = _sensitive(resident, field, form=form)
        context = _resident_context(request, resident)
        context["sensitive"] = [item if s.field == field else s for s in context["sensitive"]]
        context["s"] = item
    else:
        context = _resident_context(request, resident, revealed={field: full})
        context["s"] = _sensitive(resident, field, full)
    return page_or_partial(
        request, "people/resident_detail.html", "sensitive", context, status=status
    )


def _with_duplicate_link(
    request: HttpRequest, form: ResidentForm, township_id: int | None, exclude: int | None = None
) -> Resident | None:
    """When the document number is already registered, the existing record if the user may
    open it (the message already names it)."""
    number = form.data.get("doc_number", "")
    if township_id is None or not number or "doc_number" not in form.errors:
        return None
    holder = document_holder(township_id, "".join(str(number).split()).upper(), exclude=exclude)
    if holder is None:
        return None
    return Resident.objects.visible_to(request.user).filter(pk=holder.pk).first()


@login_required
def resident_create(request: HttpRequest) -> HttpResponse:
    user = require(request.user, PeopleCapability.EDIT_PEOPLE)
    household: Household | None = None
    if request.GET.get("household"):
        household = get_for(user, Household, pk=request.GET["household"])
    form = ResidentForm(request.POST or None, user=user, household=household)
    status = 200
    holder = None
    if request.method == "POST":
        if form.is_valid():
            fields, tags = form.values()
            try:
                resident = actions.create_resident(user, tags=tags, **fields)
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(
                    request, _("The record of %(name)s was saved.") % {"name": resident}
                )
                return redirect("people:resident_detail", pk=resident.pk)
        status = 422
        place = household.grid if household else form.cleaned_data.get("grid")
        township_id = place.community.township_id if place is not None else user.township_id
        holder = _with_duplicate_link(request, form, township_id)
    return render(
        request,
        "people/resident_form.html",
        {"form": form, "household": household, "existing": holder},
        status=status,
    )


@login_required
def resident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, CoreCapability.VIEW_PEOPLE)
    resident = get_for(
        request.user,
        Resident,
        pk=pk,
        write=PeopleCapability.EDIT_PEOPLE,
        queryset=_resident_queryset(),
    )
    user = require(request.user, PeopleCapability.EDIT_PEOPLE)
    if resident.merged_into_id is not None:
        messages.error(request, _("This record was merged into another; edit that one instead."))
        return redirect("people:resident_detail", pk=resident.pk)
    form = ResidentForm(request.POST or None, user=user, resident=resident)
    status = 200
    holder = None
    if request.method == "POST":
        if form.is_valid():
            fields, tags = form.values()
            try:
                actions.update_resident(user, resident, tags=tags, **fields)
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("people:resident_detail", pk=resident.pk)
        status = 422
        holder = _with_duplicate_link(request, form, resident.township_id, exclude=resident.pk)
    return render(
        request,
        "people/resident_form.html",
        {"form": form, "resident": resident, "existing": holder},
        status=status,
    )


@login_required
def resident_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, CoreCapability.VIEW_PEOPLE)
    resident = get_for(
        request.user,
        Resident,
        pk=pk,
        write=PeopleCapability.EDIT_PEOPLE,
        queryset=_resident_queryset(),
    )
    user = require(request.user, PeopleCapability.EDIT_PEOPLE)
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.delete_resident(user, resident, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("The record of %(name)s was deleted.") % {"name": resident}
                )
                if resident.household_id:
                    return redirect("people:household_detail", pk=resident.household_id)
                return redirect("people:resident_list")
        status = 422
    return render(
        request, "people/resident_delete.html", {"form": form, "resident": resident}, status=status
    )


@login_required
@require_POST
def resident_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Fold a likely duplicate into this record (or this one into it), with a reason."""
    require(request.user, CoreCapability.VIEW_PEOPLE)
    resident = get_for(
        request.user,
        Resident,
        pk=pk,
        write=PeopleCapability.MERGE_PEOPLE,
        queryset=_resident_queryset(),
    )
    user = require(request.user, PeopleCapability.MERGE_PEOPLE)
    form = MergeForm(request.POST)
    if form.is_valid():
        other = get_for(user, Resident, pk=form.cleaned_data["duplicate"])
        keep, duplicate = resident, other
        if form.cleaned_data["keep"] == MergeForm.KEEP_OTHER:
            keep, duplicate = other, resident
        try:
            kept = actions.merge_residents(
                user, keep=keep, duplicate=duplicate, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The two records were merged; this is the record kept."))
            return redirect("people:resident_detail", pk=kept.pk)
    context = _resident_context(request, resident, merge_form=form)
    context["merge_target"] = form.data.get("duplicate")
    return render(request, "people/resident_detail.html", context, status=422)


# --- households --------------------------------------------------------------------------


def _household_context(request: HttpRequest, household: Household, **extra: Any) -> dict[str, Any]:
    members = (
        Resident.objects.visible_to(request.user)
        .active()
        .filter(household=household)
        .prefetch_related("tags")
        .order_by("id")
    )
    context: dict[str, Any] = {"household": household, "members": list(members)}
    if can(request.user, PeopleCapability.EDIT_PEOPLE) and "assign_form" not in extra:
        context["assign_form"] = HouseholdAssignmentForm(
            grid=household.grid,
            initial={"cadre": household.cadre_id, "medic": household.medic_id},
        )
    context.update(extra)
    return context


def _household_queryset() -> Any:
    return Household.objects.select_related(
        "grid__community__township", "building", "unit", "cadre", "medic"
    )


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, CoreCapability.VIEW_PEOPLE)
    household = get_for(request.user, Household, pk=pk, queryset=_household_queryset())
    return render(request, "people/household_detail.html", _household_context(request, household))


@login_required
@require_POST
def household_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the 包户 cadre and medical worker of a household."""
    require(request.user, CoreCapability.VIEW_PEOPLE)
    household = get_for(
        request.user,
        Household,
        pk=pk,
        write=PeopleCapability.EDIT_PEOPLE,
        queryset=_household_queryset(),
    )
    user = require(request.user, PeopleCapability.EDIT_PEOPLE)
    form = HouseholdAssignmentForm(request.POST, grid=household.grid)
    if form.is_valid():
        try:
            actions.update_household(
                user, household, cadre=form.cleaned_data["cadre"], medic=form.cleaned_data["medic"]
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            if not is_htmx(request):
                messages.success(request, _("The assignment was saved."))
                return redirect("people:household_detail", pk=household.pk)
            household = get_for(user, Household, pk=pk, queryset=_household_queryset())
            context = _household_context(request, household, saved=True)
            return render(request, "people/household_detail.html#assignment", context)
    context = _household_context(request, household, assign_form=form)
    return page_or_partial(
        request, "people/household_detail.html", "assignment", context, status=422
    )


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    """A new household in a unit, in a building without units, or (village) on a grid."""
    require(request.user, CoreCapability.VIEW_PEOPLE)
    user = require(request.user, PeopleCapability.EDIT_PEOPLE)
    params = request.POST if request.method == "POST" else request.GET
    unit: Unit | None = None
    building: Building | None = None
    grid: Grid
    if params.get("unit"):
        unit = get_for(
            user,
            Unit,
            pk=params["unit"],
            queryset=Unit.objects.select_related("building__grid__community"),
        )
        building, grid = unit.building, unit.building.grid
    elif params.get("building"):
        building = get_for(
            user,
            Building,
            pk=params["building"],
            queryset=Building.objects.select_related("grid__community"),
        )
        grid = building.grid
    elif params.get("grid"):
        grid = get_for(
            user, Grid, pk=params["grid"], queryset=Grid.objects.select_related("community")
        )
    else:
        raise PermissionDenied
    form = HouseholdCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                household = actions.create_household(
                    user,
                    number=form.cleaned_data["number"],
                    grid=grid,
                    building=building,
                    unit=unit,
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(
                    request, _("The household %(address)s was created.") % {"address": household}
                )
                return redirect("people:household_detail", pk=household.pk)
        status = 422
    place = " ".join(
        str(p) for p in (grid, building.name if building else "", unit.name if unit else "") if p
    )
    cancel_url = (
        reverse("core:building_detail", args=[building.pk])
        if building is not None
        else reverse("core:grid_detail", args=[grid.pk])
    )
    return render(
        request,
        "people/household_form.html",
        {
            "form": form,
            "place": place,
            "unit": unit,
            "building": building,
            "grid": grid,
            "cancel_url": cancel_url,
        },
        status=status,
    )
