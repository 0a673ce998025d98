"""`{% follow_ups obj %}`: the actions other apps offer on a record (core.registry
`register_follow_up`), e.g. "create a task" on an alert, for the user viewing the page."""

from __future__ import annotations

from typing import Any

from django import template

from fangkong.core.registry import follow_ups_for

register = template.Library()


@register.inclusion_tag("core/_follow_ups.html", takes_context=True)
def follow_ups(context: Any, obj: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    return {"actions": follow_ups_for(user, obj) if obj is not None else []}
