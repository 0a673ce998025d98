from typing import Any

from django.http import HttpRequest

from .roles import Capability


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the menu may show: the user's capabilities as a set of names."""
    user = getattr(request, "user", None)
    caps = set(user.capabilities) if user is not None and user.is_authenticated else set()
    return {"caps": {c.value for c in caps}, "Capability": Capability}
