"""The demo's staff: who in a community does a piece of the demo's work."""

from __future__ import annotations

from fangkong.core.models import Community, User


def first_staff(community: Community, *roles: str) -> User | None:
    """The community's first active user of the first of `roles` that has one."""
    for role in roles:
        found = (
            User.objects.filter(community=community, role=role, is_active=True)
            .order_by("id")
            .first()
        )
        if found is not None:
            return found
    return None
