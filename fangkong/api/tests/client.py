"""A test client for the API: JSON in and out, authenticated with a real bearer token."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client
from django.utils import timezone

from fangkong.core.models import ApiToken, User

PREFIX = "/api/v1"


class ApiClient:
    """With a `token`, every request carries that one. With a `user`, a token is issued for
    them, and issued again when the clock has moved more than an hour from the last issue, as a
    client that signs in again when its token lapses would (journeys travel weeks through a
    quarantine, past the tokens' idle limit)."""

    def __init__(self, user: User | None = None, *, token: str | None = None) -> None:
        self.client = Client()
        self.user = user if token is None else None
        self.headers: dict[str, str] = {}
        if token is not None:
            self.headers["Authorization"] = f"Bearer {token}"
        self._issued_at = timezone.now()
        if self.user is not None:
            self._issue()

    def _issue(self) -> None:
        assert self.user is not None
        self.headers["Authorization"] = f"Bearer {ApiToken.issue(self.user)}"
        self._issued_at = timezone.now()

    def _url(self, path: str) -> str:
        if self.user is not None and abs(timezone.now() - self._issued_at) > dt.timedelta(hours=1):
            self._issue()
        return PREFIX + path

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(self._url(path), params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            self._url(path), json.dumps(body or {}), "application/json", headers=self.headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            self._url(path), json.dumps(body), "application/json", headers=self.headers
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(self._url(path), headers=self.headers)
