"""The jurisdiction tree, grid and building pages, and adding grids, buildings and units."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core import actions
from fangkong.core.access import can, get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.forms import (
    AssignmentForm,
    NameForm,
    add_domain_errors,
)
from fangkong.core.models import Building, Community, Grid, Township, Unit, User
from fangkong.core.rendering import is_htmx, page_or_partial
from fangkong.core.roles import CoreCapability
from fangkong.core.scoping import jurisdiction_level
from fangkong.people.models import Household, Resident


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
    user = require(request.user, CoreCapability.VIEW_JURISDICTIONS)
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
            "single_grid": jurisdiction_level(user) == "grid",
            "name_form": NameForm(),
        },
    )


def _grid_context(user: User, grid: Grid) -> dict[str, Any]:
    buildings = list(
        Building.objects.visible_to(user)
        .filter(grid=grid)
        .select_related("cadre", "medic")
        .annotate(n_households=Count("households"))
        .order_by("sort_key", "id")  # a grouped query drops the model's ordering
    )
    units: dict[int, list[Unit]] = defaultdict(list)
    for unit in (
        Unit.objects.visible_to(user)
        .filter(building__grid=grid)
        .annotate(n_households=Count("households"))
        .order_by("sort_key", "id")
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
    user = require(request.user, CoreCapability.VIEW_JURISDICTIONS)
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
    if can(user, CoreCapability.MANAGE_JURISDICTIONS):
        context["assign_form"] = AssignmentForm(
            grid=building.grid, initial={"cadre": building.cadre_id, "medic": building.medic_id}
        )
    context.update(extra)
    return context


def _building_queryset() -> Any:
    return Building.objects.select_related("grid__community__township", "cadre", "medic")


@login_required
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, CoreCapability.VIEW_JURISDICTIONS)
    building = get_for(user, Building, pk=pk, queryset=_building_queryset())
    return render(request, "core/building_detail.html", _building_context(user, building))


@login_required
@require_POST
def building_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the 包楼 cadre and medical worker of a building."""
    require(request.user, CoreCapability.VIEW_JURISDICTIONS)
    building = get_for(
        request.user,
        Building,
        pk=pk,
        write=CoreCapability.MANAGE_JURISDICTIONS,
        queryset=_building_queryset(),
    )
    user = require(request.user, CoreCapability.MANAGE_JURISDICTIONS)
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
    user = require(request.user, CoreCapability.MANAGE_JURISDICTIONS)
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
    user = require(request.user, CoreCapability.MANAGE_JURISDICTIONS)
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
    user = require(request.user, CoreCapability.MANAGE_JURISDICTIONS)
    building = get_for(
        user, Building, pk=request.POST.get("building"), queryset=_building_queryset()
    )
    return _create_place(
        request,
        lambda name: actions.create_unit(user, building=building, name=name),
        _("The unit %(name)s was added."),
        reverse("core:building_detail", args=[building.pk]),
    )
