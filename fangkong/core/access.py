"""One access helper for single objects, and the capability check for everything else.

Views, the API, exports and the admin go through these; none of them filters personal data
by hand. Outside the user's jurisdiction a record does not exist for them (404); a role that
may never do a thing gets 403.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from .models import User
from .roles import check_capability

M = TypeVar("M", bound=models.Model)


def can(user: User | AnonymousUser, capability: str) -> bool:
    """Whether `user` may do `capability`, a capability some app declares (its
    `capabilities.py`); UnknownCapability for any other, whoever asks."""
    check_capability(capability)
    return bool(user.is_authenticated and isinstance(user, User) and user.can(capability))


def require(user: User | AnonymousUser, capability: str) -> User:
    """The user, if they may do `capability`; otherwise PermissionDenied (403)."""
    if not can(user, capability):
        raise PermissionDenied
    assert isinstance(user, User)
    return user


def get_for(
    user: User | AnonymousUser,
    model: type[M],
    *,
    write: str | None = None,
    queryset: models.QuerySet[M] | None = None,
    **lookup: Any,
) -> M:
    """The one object matching `lookup` that `user` may see, else 404.

    With `write`, the user must also hold that capability (403 if they may see but not act).
    """
    qs = queryset if queryset is not None else model._default_manager.all()
    visible = qs.visible_to(user)  # type: ignore[attr-defined]
    try:
        obj = visible.get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise Http404 from exc
    if write is not None:
        require(user, write)
    return obj  # type: ignore[no-any-return]
