"""The signed-in staff member's own account: their API tokens (see and revoke)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import actions
from ..models import ApiToken, User


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def my_tokens(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    tokens = list(ApiToken.objects.filter(user=user).live().order_by("-created_at", "-pk"))
    context = {
        "tokens": tokens,
        "idle_days": f"{settings.FANGKONG_TOKEN_IDLE_DAYS:g}",
        "max_days": f"{settings.FANGKONG_TOKEN_MAX_DAYS:g}",
    }
    return render(request, "core/my_tokens.html", context)


@login_required
@require_POST
def my_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    token = ApiToken.objects.filter(user=user, pk=pk).select_related("user").first()
    if token is None:  # someone else's token is "not found" too
        raise Http404
    actions.revoke_token(user, token, reason=_("Revoked by its owner"))
    messages.success(request, _("The token was revoked; it no longer works."))
    return redirect("core:my_tokens")
