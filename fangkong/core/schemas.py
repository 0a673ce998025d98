"""Shapes of the core API: tokens and the calling staff member (`/auth/token`, `/me`).

These names and shapes are what township systems integrate on; change them only in a new
API version.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from .textfields import Line


class Credentials(Schema):
    username: Line = Field(max_length=150)
    password: str = Field(max_length=128)
    #: the current code of the authenticator app; required for township administrators
    otp: str | None = Field(default=None, max_length=8)


class TokenOut(Schema):
    token: str


class TokenInfoOut(Schema):
    """One of the caller's API tokens (never the token itself: only its digest is kept)."""

    id: int
    created_at: dt.datetime
    last_used_at: dt.datetime | None = Field(
        description="Recorded at most every five minutes; null until first used"
    )
    expires_at: dt.datetime = Field(
        description="When it stops working unless used before (never after the absolute limit)"
    )
    current: bool = Field(description="Whether this request was made with it")


class PlaceOut(Schema):
    id: int
    name: str
    code: str | None = None


class JurisdictionOut(Schema):
    level: str | None = Field(description="township, community or grid: the narrowest binding")
    township: PlaceOut | None
    community: PlaceOut | None
    grid: PlaceOut | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str | None = Field(description="Role code, e.g. grid_worker; null when none")
    role_label: str
    jurisdiction: JurisdictionOut
    capabilities: list[str]


class DetailOut(Schema):
    detail: str
