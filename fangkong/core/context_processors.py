from typing import Any

from django.http import HttpRequest

from .registry import menu
from .registry import navigation as registered_navigation


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the menu may show: the user's capabilities as a set of names, the navigation
    entries every app registered (its panels.py) that they may see, in order, and the same
    entries as the top menu draws them, in their groups (`registry.menu`)."""
    user = getattr(request, "user", None)
    caps = set(user.capabilities) if user is not None and user.is_authenticated else set()
    names = {str(c) for c in caps}
    return {
        "caps": names,
        "nav": [entry for entry in registered_navigation if entry.shown(names)],
        "menu": menu(names, registered_navigation),
    }
