"""A test client for the API: JSON in and out, authenticated with a real bearer token."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from fangkong.core.models import ApiToken, User

PREFIX = "/api/v1"


class ApiClient:
    def __init__(self, user: User | None = None, *, token: str | None = None) -> None:
        self.client = Client()
        if token is None and user is not None:
            token = ApiToken.issue(user)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _url(self, path: str) -> str:
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
