"""API: tokens (`/auth/token`) and the calling staff member (`/me`)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from . import actions, twofactor
from .apiauth import TokenAuth, TokenIssueThrottle, bearer_token, caller
from .models import ApiToken, Community, Grid, Township, User
from .registry import register_router
from .schemas import (
    Credentials,
    DetailOut,
    JurisdictionOut,
    MeOut,
    PlaceOut,
    TokenInfoOut,
    TokenOut,
)

router = Router(tags=["auth"])
register_router("core", router, order=10)


@router.post(
    "/auth/token",
    auth=None,
    throttle=[TokenIssueThrottle()],
    response={200: TokenOut, 401: DetailOut, 429: DetailOut},
    summary="Issue an API token for a username and password (and, for a township "
    "administrator, the `otp` code of their authenticator app)",
)
def issue_token(request: HttpRequest, credentials: Credentials) -> Status[TokenOut | DetailOut]:
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if not isinstance(user, User):
        return Status(401, DetailOut(detail=_("The username or password is incorrect.")))
    refused = twofactor.check_api_code(user, credentials.otp)
    if refused:
        return Status(401, DetailOut(detail=refused))
    return Status(200, TokenOut(token=ApiToken.issue(user)))


@router.delete(
    "/auth/token",
    auth=TokenAuth(),
    response={204: None, 401: DetailOut},
    summary="Revoke the token this request was made with",
)
def revoke_token(request: HttpRequest) -> Status[None]:
    user = caller(request)
    raw = bearer_token(request)
    if raw is not None:
        token = ApiToken.objects.filter(user=user, digest=ApiToken.digest_of(raw)).first()
        if token is not None:
            actions.revoke_token(user, token, reason=_("Revoked by its owner"))
    return Status(204, None)


@router.get(
    "/auth/tokens",
    response={200: list[TokenInfoOut], 401: DetailOut},
    summary="Your API tokens that still work, newest first",
)
def my_tokens(request: HttpRequest) -> list[TokenInfoOut]:
    user = caller(request)
    raw = bearer_token(request)
    current = ApiToken.digest_of(raw) if raw is not None else None
    tokens = ApiToken.objects.filter(user=user).live().order_by("-created_at", "-pk")
    return [
        TokenInfoOut(
            id=t.pk,
            created_at=t.created_at,
            last_used_at=t.last_used_at,
            expires_at=t.expires_at,
            current=t.digest == current,
        )
        for t in tokens
    ]


@router.delete(
    "/auth/tokens/{token_id}",
    response={204: None, 401: DetailOut, 404: DetailOut},
    summary="Revoke one of your API tokens",
)
def revoke_my_token(request: HttpRequest, token_id: int) -> Status[None]:
    user = caller(request)
    token = (
        ApiToken.objects.filter(user=user, pk=token_id).select_related("user").first()
        if 0 < token_id < 2**63
        else None
    )
    if token is None:  # another user's token is "not found" too
        raise Http404
    actions.revoke_token(user, token, reason=_("Revoked by its owner"))
    return Status(204, None)


def _place(obj: Township | Community | Grid | None) -> PlaceOut | None:
    if obj is None:
        return None
    return PlaceOut(id=obj.pk, name=obj.name, code=getattr(obj, "code", None))


@router.get("/me", response=MeOut, tags=["me"], summary="The calling staff member")
def me(request: HttpRequest) -> MeOut:
    user = caller(request)
    level, _key = user.scope
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=str(user),
        role=user.role or None,
        role_label=str(user.get_role_display()) if user.role else "",
        jurisdiction=JurisdictionOut(
            level=level,
            township=_place(user.township),
            community=_place(user.community),
            grid=_place(user.grid),
        ),
        capabilities=sorted(str(c) for c in user.capabilities),
    )
