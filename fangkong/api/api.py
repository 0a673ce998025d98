"""The JSON API, version 1, under /api/v1/ (OpenAPI document at /api/v1/openapi.json).

Each app brings its own router (`<app>/api.py`, registered with `fangkong.core.registry`);
this module mounts whatever is registered, naming no app. Every endpoint needs
a bearer token or the app's session unless it says otherwise (`auth=None`).
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from ninja import NinjaAPI, Swagger

from fangkong.core.apiauth import SessionAuth, TokenAuth
from fangkong.core.registry import api_routers, discover

from . import errors


class FangkongAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Ninja's document, with the refusals (4xx) every operation can answer."""
        return errors.document(super().get_openapi_schema(**kwargs))


api = FangkongAPI(
    title="Fangkong API",
    version="1",
    description=(
        "Residents and households of your jurisdiction. Get a token with "
        "`POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`. "
        "Sensitive fields are masked; `POST /api/v1/residents/{id}/reveal` shows one, with a "
        "reason, and is audited."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    # Ninja's bundled Swagger UI (served by the app, "ninja" is in INSTALLED_APPS); the
    # validator badge would call validator.swagger.io, so it is off.
    docs=Swagger(settings={"validatorUrl": None}),
    # Swagger UI's scripts and styles are files of the app, but its stylesheet draws icons as
    # data: SVGs: this page alone also allows data: images.
    docs_decorator=csp_update({"img-src": ["data:"]}),
)
errors.install(api)
# Every app's api.py registers its router (fangkong.core.registry) when imported; mount them
# in their declared order (the checkpoints first: URL patterns are tried in order, and the gate
# scan is the busiest).
discover("api")
for router in api_routers:
    api.add_router("", router)
