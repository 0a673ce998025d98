"""The workbench: what is waiting for the user, in their jurisdiction."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from fangkong.core.models import User
from fangkong.core.registry import workbench_panels


def jurisdiction_of(user: User) -> str:
    """The user's jurisdiction in words: 江汉街道 / 民族社区 / 第一网格 (one query)."""
    if user.township_id is None and user.community_id is None and user.grid_id is None:
        return ""
    names = (
        User.objects.filter(pk=user.pk)
        .values_list("township__name", "community__name", "grid__name")
        .first()
    )
    return " / ".join(name for name in names or () if name)


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The user's greeting, then every app's panels in their registered order (each app's
    panels.py): an app's panel is absent when its context function says so (None)."""
    user = request.user
    assert isinstance(user, User)
    panels = []
    for panel in workbench_panels:
        context = panel.context(request)
        if context is not None:
            panels.append(render_to_string(panel.template, context, request=request))
    return render(
        request,
        "web/workbench.html",
        {"jurisdiction": jurisdiction_of(user), "panels": panels},
    )
