"""API: tokens (`/auth/token`) and the calling staff member (`/me`)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from fangkong.api.auth import TokenAuth, TokenIssueThrottle, bearer_token, caller

from . import twofactor
from .models import ApiToken, Community, Grid, Township, User
from .schemas import Credentials, DetailOut, JurisdictionOut, MeOut, PlaceOut, TokenOut

router = Router(tags=["auth"])


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
        ApiToken.objects.filter(user=user, digest=ApiToken.digest_of(raw)).delete()
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
