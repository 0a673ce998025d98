"""Jurisdiction scoping, written once for every model that holds people's data.

Two questions, kept apart:

* *inside the user's jurisdiction* — `Model.objects.in_jurisdiction(user)` for rows and
  `covers(user, place)` for one place (a township, community, grid, building or unit, or any
  row carrying `township_id` / `community_id` / `grid_id`). The role plays no part.
* *the role may read this* — `Model.objects.visible_to(user)`: the rows in the jurisdiction,
  and only if the user's role holds the model's `view_capability`.

A model's manager is built from `ScopedQuerySet` and names, in `scope_paths`, the lookup
that reaches its township, community and grid. Code outside `core` asks these helpers and
never compares the user's own township, community or grid ids by hand (a lint test enforces
it: `fangkong/core/tests/test_scope_lint.py`).
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from django.db import models

from .roles import CoreCapability, capabilities_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

#: coarsest first
LEVELS = ("township", "community", "grid")

#: model name -> (the place's own level, level -> attribute path to its id at that level)
_PLACE_PATHS: dict[str, tuple[str, dict[str, str]]] = {
    "township": ("township", {"township": "pk"}),
    "community": ("community", {"township": "township_id", "community": "pk"}),
    "grid": (
        "grid",
        {"township": "community.township_id", "community": "community_id", "grid": "pk"},
    ),
    "building": (
        "grid",
        {
            "township": "grid.community.township_id",
            "community": "grid.community_id",
            "grid": "grid_id",
        },
    ),
    "unit": (
        "grid",
        {
            "township": "building.grid.community.township_id",
            "community": "building.grid.community_id",
            "grid": "building.grid_id",
        },
    ),
}


def _active(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def jurisdiction_level(user: User | AnonymousUser | None) -> str | None:
    """The level the user is bound to ("township", "community", "grid"), or None."""
    if not _active(user):
        return None
    level, _key = user.scope  # type: ignore[union-attr]
    return level


def covers(
    user: User | AnonymousUser | None,
    place: Any = None,
    *,
    township_id: int | None = None,
    community_id: int | None = None,
    grid_id: int | None = None,
) -> bool:
    """Whether `place` lies inside the user's jurisdiction, whatever the user's role.

    `place` is a Township, Community, Grid, Building or Unit, or any object carrying
    `township_id`, `community_id` and/or `grid_id` (a resident, a gate, …); instead of an
    object the ids may be given by keyword. A place below the user's level is covered when it
    lies in the user's area; a place above it (a grid worker's own community or township) when
    it contains the user's area — the same rows `in_jurisdiction` keeps for these models.
    """
    if not _active(user):
        return False
    assert user is not None
    if user.is_superuser:
        return True
    user_level, key = user.scope  # type: ignore[union-attr]
    if user_level is None or key is None:
        return False
    if place is not None:
        spec = _PLACE_PATHS.get(getattr(getattr(place, "_meta", None), "model_name", ""))
        if spec is not None:
            place_level, paths = spec
        else:
            ids = {lvl: getattr(place, f"{lvl}_id", None) for lvl in LEVELS}
            place_level = max((lvl for lvl in LEVELS if ids[lvl] is not None), key=LEVELS.index)
            paths = {lvl: f"{lvl}_id" for lvl in LEVELS}
    else:
        given = {"township": township_id, "community": community_id, "grid": grid_id}
        present = [lvl for lvl in LEVELS if given[lvl] is not None]
        if not present:
            return False
        place_level = present[-1]
        place = given
        paths = {}
    if LEVELS.index(place_level) >= LEVELS.index(user_level):
        # the place is at or below the user's level: its id at the user's level must match
        level, wanted = user_level, key
    else:
        # the place is above the user: it must be the user's own community or township
        level, wanted = place_level, getattr(user, f"{place_level}_id")
    own = place[level] if isinstance(place, dict) else attrgetter(paths[level])(place)
    return own is not None and own == wanted


_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M]):
    """A queryset of `_M` rows that knows how to scope itself to a user (subclassed per model
    as `ScopedQuerySet["Model"]`)."""

    #: level -> lookup path to the township / community / grid id of a row
    scope_paths: ClassVar[dict[str, str]] = {}
    #: role capability needed to see rows of this model at all; None means any staff user
    view_capability: ClassVar[str | None] = CoreCapability.VIEW_PEOPLE

    def in_jurisdiction(self, user: User | AnonymousUser) -> Self:
        """The rows inside the user's jurisdiction, whatever the user's role may read."""
        if not _active(user):
            return self.none()
        if user.is_superuser:
            return self
        level, key = user.scope  # type: ignore[union-attr]
        if level is None or level not in self.scope_paths:
            return self.none()
        return self.filter(**{self.scope_paths[level]: key})

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """The rows inside the user's jurisdiction, if the role may read this model."""
        if not _active(user):
            return self.none()
        if (
            not user.is_superuser
            and self.view_capability is not None
            and self.view_capability not in capabilities_of(user.role)  # type: ignore[union-attr]
        ):
            return self.none()
        return self.in_jurisdiction(user)
