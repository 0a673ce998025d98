"""Pages of the core: the workbench, the jurisdiction tree with grid and building pages, staff
management and the audit log.

Each view checks access (`require`, `get_for`, `visible_to`), binds a form, calls an action,
and renders or redirects. htmx requests get the partial they swap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.people.models import Household, Resident, ResidentTag, VulnerableTag
from fangkong.people.registry import with_likely_duplicates

from . import actions
from .access import can, get_for, require
from .changes import describe_changes, record_type_label
from .errors import DomainError
from .forms import (
    AssignmentForm,
    AuditFilterForm,
    DeactivateForm,
    NameForm,
    PasswordForm,
    StaffFilterForm,
    StaffForm,
    add_domain_errors,
)
from .models import AuditEntry, Building, Community, Grid, Township, Unit, User
from .paging import page_of
from .rendering import is_htmx, page_or_partial
from .roles import Capability

# --- workbench ---------------------------------------------------------------------------


def jurisdiction_of(user: User) -> str:
    """The user's jurisdiction in words: 江汉街道 / 民族社区 / 第一网格."""
    parts = [
        place.name for place in (user.township, user.community, user.grid) if place is not None
    ]
    return " / ".join(parts)


@dataclass
class PlaceCounts:
    place: Community | Grid
    residents: int = 0
    households: int = 0
    tags: list[tuple[str, int]] = field(default_factory=list)


def counts_by_place(user: User) -> list[PlaceCounts]:
    """Residents, households and vulnerable people per community (for a township user) or
    per grid (everyone else), inside the user's jurisdiction: four grouped queries."""
    by_community = user.is_superuser or user.scope[0] == "township"
    key = "community_id" if by_community else "grid_id"
    places: Iterable[Community | Grid] = (
        Community.objects.visible_to(user)
        if by_community
        else Grid.objects.visible_to(user).select_related("community")
    )
    residents = Resident.objects.visible_to(user).active()
    n_residents = dict(residents.order_by().values_list(key).annotate(n=Count("id")))
    n_households = dict(
        Household.objects.visible_to(user).order_by().values_list(key).annotate(n=Count("id"))
    )
    tag_counts: dict[int, dict[str, int]] = defaultdict(dict)
    for place_id, tag, n in (
        ResidentTag.objects.filter(resident__in=residents)
        .order_by()
        .values_list(f"resident__{key}", "tag")
        .annotate(n=Count("id"))
    ):
        tag_counts[place_id][tag] = n
    labels = dict(VulnerableTag.choices)
    return [
        PlaceCounts(
            place,
            n_residents.get(place.pk, 0),
            n_households.get(place.pk, 0),
            [
                (str(labels[t]), tag_counts[place.pk][t])
                for t in labels
                if t in tag_counts[place.pk]
            ],
        )
        for place in places
    ]


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    context: dict[str, Any] = {
        "jurisdiction": jurisdiction_of(user),
        "registry": can(user, Capability.VIEW_PEOPLE),
    }
    if context["registry"]:
        residents = Resident.objects.visible_to(user).active()
        if can(user, Capability.EDIT_PEOPLE):
            context["duplicates"] = list(
                with_likely_duplicates(residents)
                .select_related("grid", "household")
                .order_by("name", "id")[:20]
            )
        context["recent"] = list(
            residents.select_related("grid", "household").order_by("-updated_at", "-id")[:10]
        )
        context["counts"] = counts_by_place(user)
        context["totals"] = PlaceCounts(
            place=Community(name=_("Total")),
            residents=sum(c.residents for c in context["counts"]),
            households=sum(c.households for c in context["counts"]),
        )
    return render(request, "core/workbench.html", context)


# --- jurisdiction tree -------------------------------------------------------------------


@dataclass
class Node:
    obj: Township | Community | Grid
    residents: int = 0
    households: int = 0
    buildings: int = 0
    children: list[Node] = field(default_factory=list)


def _grouped(qs: Any, key: str) -> dict[int, int]:
    return dict(qs.order_by().values_list(key).annotate(n=Count("id")))


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """Township → communities → grids with counts; a grid opens (htmx) to its buildings and
    units. Leaders and township admins add grids here, buildings and units on the grid page."""
    user = require(request.user, Capability.VIEW_JURISDICTIONS)
    residents = _grouped(Resident.objects.visible_to(user).active(), "grid_id")
    households = _grouped(Household.objects.visible_to(user), "grid_id")
    buildings = _grouped(Building.objects.visible_to(user), "grid_id")
    grids: dict[int, list[Node]] = defaultdict(list)
    for grid in Grid.objects.visible_to(user):
        grids[grid.community_id].append(
            Node(
                grid,
                residents.get(grid.pk, 0),
                households.get(grid.pk, 0),
                buildings.get(grid.pk, 0),
            )
        )
    communities: dict[int, list[Node]] = defaultdict(list)
    for community in Community.objects.visible_to(user):
        children = grids.get(community.pk, [])
        communities[community.township_id].append(
            Node(
                community,
                sum(c.residents for c in children),
                sum(c.households for c in children),
                sum(c.buildings for c in children),
                children,
            )
        )
    townships = []
    for township in Township.objects.visible_to(user):
        children = communities.get(township.pk, [])
        townships.append(
            Node(
                township,
                sum(c.residents for c in children),
                sum(c.households for c in children),
                sum(c.buildings for c in children),
                children,
            )
        )
    return render(
        request,
        "core/tree.html",
        {
            "townships": townships,
            "single_grid": user.scope[0] == "grid",
            "name_form": NameForm(),
        },
    )


def _grid_context(user: User, grid: Grid) -> dict[str, Any]:
    buildings = list(
        Building.objects.visible_to(user)
        .filter(grid=grid)
        .select_related("cadre", "medic")
        .annotate(n_households=Count("households"))
    )
    units: dict[int, list[Unit]] = defaultdict(list)
    for unit in (
        Unit.objects.visible_to(user)
        .filter(building__grid=grid)
        .annotate(n_households=Count("households"))
    ):
        units[unit.building_id].append(unit)
    return {
        "grid": grid,
        "buildings": [(b, units.get(b.pk, [])) for b in buildings],
        "loose_households": list(
            Household.objects.visible_to(user)
            .filter(grid=grid, building__isnull=True)
            .annotate(n_members=Count("members", filter=Q(members__merged_into__isnull=True)))
            .order_by("number")
        ),
        "name_form": NameForm(),
    }


@login_required
def grid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, Capability.VIEW_JURISDICTIONS)
    grid = get_for(user, Grid, pk=pk, queryset=Grid.objects.select_related("community__township"))
    return page_or_partial(request, "core/grid_detail.html", "grid_body", _grid_context(user, grid))


def _building_context(user: User, building: Building, **extra: Any) -> dict[str, Any]:
    households = (
        Household.objects.visible_to(user)
        .filter(building=building)
        .select_related("unit", "cadre", "medic")
        .annotate(n_members=Count("members", filter=Q(members__merged_into__isnull=True)))
        .order_by("unit_id", "number")
    )
    context: dict[str, Any] = {
        "building": building,
        "units": list(Unit.objects.visible_to(user).filter(building=building)),
        "households": list(households),
        "name_form": NameForm(),
    }
    if can(user, Capability.MANAGE_JURISDICTIONS):
        context["assign_form"] = AssignmentForm(
            grid=building.grid, initial={"cadre": building.cadre_id, "medic": building.medic_id}
        )
    context.update(extra)
    return context


def _building_queryset() -> Any:
    return Building.objects.select_related("grid__community__township", "cadre", "medic")


@login_required
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, Capability.VIEW_JURISDICTIONS)
    building = get_for(user, Building, pk=pk, queryset=_building_queryset())
    return render(request, "core/building_detail.html", _building_context(user, building))


@login_required
@require_POST
def building_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the 包楼 cadre and medical worker of a building."""
    require(request.user, Capability.VIEW_JURISDICTIONS)
    building = get_for(
        request.user,
        Building,
        pk=pk,
        write=Capability.MANAGE_JURISDICTIONS,
        queryset=_building_queryset(),
    )
    user = require(request.user, Capability.MANAGE_JURISDICTIONS)
    form = AssignmentForm(request.POST, grid=building.grid)
    if form.is_valid():
        try:
            actions.assign_building(
                user, building, cadre=form.cleaned_data["cadre"], medic=form.cleaned_data["medic"]
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            if not is_htmx(request):
                messages.success(request, _("The assignment was saved."))
                return redirect("core:building_detail", pk=building.pk)
            building = get_for(user, Building, pk=pk, queryset=_building_queryset())
            context = _building_context(user, building, saved=True)
            return render(request, "core/building_detail.html#assignment", context)
    context = _building_context(user, building, assign_form=form)
    return page_or_partial(request, "core/building_detail.html", "assignment", context, status=422)


def _create_place(request: HttpRequest, make: Any, success: str, back: str) -> HttpResponse:
    form = NameForm(request.POST)
    if form.is_valid():
        try:
            make(form.cleaned_data["name"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success % {"name": form.cleaned_data["name"]})
    else:
        messages.error(request, _("Type the name, then add it again."))
    return redirect(back)


@login_required
@require_POST
def grid_create(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Capability.MANAGE_JURISDICTIONS)
    community = get_for(user, Community, pk=request.POST.get("community"))
    return _create_place(
        request,
        lambda name: actions.create_grid(user, community=community, name=name),
        _("The grid %(name)s was added."),
        reverse("core:tree"),
    )


@login_required
@require_POST
def building_create(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Capability.MANAGE_JURISDICTIONS)
    grid = get_for(
        user, Grid, pk=request.POST.get("grid"), queryset=Grid.objects.select_related("community")
    )
    return _create_place(
        request,
        lambda name: actions.create_building(user, grid=grid, name=name),
        _("The building %(name)s was added."),
        reverse("core:grid_detail", args=[grid.pk]),
    )


@login_required
@require_POST
def unit_create(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Capability.MANAGE_JURISDICTIONS)
    building = get_for(
        user, Building, pk=request.POST.get("building"), queryset=_building_queryset()
    )
    return _create_place(
        request,
        lambda name: actions.create_unit(user, building=building, name=name),
        _("The unit %(name)s was added."),
        reverse("core:building_detail", args=[building.pk]),
    )


# --- staff -------------------------------------------------------------------------------


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Capability.VIEW_STAFF)
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
    user = require(request.user, Capability.MANAGE_STAFF)
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
    user = require(request.user, Capability.MANAGE_STAFF)
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


# --- audit log ---------------------------------------------------------------------------

TARGET_URLS = {
    "people.resident": "people:resident_detail",
    "people.household": "people:household_detail",
    "core.user": "core:staff_edit",
    "core.grid": "core:grid_detail",
    "core.building": "core:building_detail",
}


def target_url(entry: AuditEntry) -> str:
    name = TARGET_URLS.get(entry.target_type)
    if not name or not entry.target_id.isdigit():
        return ""
    try:
        return reverse(name, args=[int(entry.target_id)])
    except NoReverseMatch:
        return ""


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Capability.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None, user=user)
    qs = form.apply(AuditEntry.objects.visible_to(user)).order_by("-at", "-id")
    page = page_of(qs, request.GET.get("page"), per_page=50)
    params = request.GET.copy()
    params.pop("page", None)
    rows = [
        (e, describe_changes(e), target_url(e), record_type_label(e.target_type))
        for e in page.items
    ]
    context = {"form": form, "page": page, "rows": rows, "filter_query": params.urlencode()}
    return page_or_partial(request, "core/audit_list.html", "results", context)
