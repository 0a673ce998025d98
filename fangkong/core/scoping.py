"""Jurisdiction scoping, written once for every model that holds people's data.

A model's manager is built from `ScopedQuerySet` and names, in `scope_paths`, the lookup
that reaches its township, community and grid. `visible_to(user)` then keeps the rows inside
the user's jurisdiction, and only if the user's role holds the model's `view_capability`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.db import models

from .roles import Capability, capabilities_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User


class ScopedQuerySet(models.QuerySet[Any]):
    #: level -> lookup path to the township / community / grid id of a row
    scope_paths: ClassVar[dict[str, str]] = {}
    #: role capability needed to see rows of this model at all; None means any staff user
    view_capability: ClassVar[Capability | None] = Capability.VIEW_PEOPLE

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if self.view_capability is not None and self.view_capability not in capabilities_of(
            user.role
        ):
            return self.none()
        level, key = user.scope
        if level is None or level not in self.scope_paths:
            return self.none()
        return self.filter(**{self.scope_paths[level]: key})
