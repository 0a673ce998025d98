"""The JSON API, version 1, under /api/v1/ (OpenAPI document at /api/v1/openapi.json).

Each app brings its own router (`<app>/api.py`); this module mounts them. Every endpoint needs
a bearer token or the app's session unless it says otherwise (`auth=None`).
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from ninja import NinjaAPI, Swagger

from fangkong.checkpoints.api import router as checkpoints_router
from fangkong.closure.api import router as closure_router
from fangkong.core.api import router as core_router
from fangkong.health.api import router as health_router
from fangkong.lockdown.api import router as lockdown_router
from fangkong.masstesting.api import router as masstesting_router
from fangkong.people.api import router as people_router
from fangkong.policy.api import router as policy_router
from fangkong.quarantine.api import router as quarantine_router
from fangkong.screening.api import router as screening_router

from . import errors
from .auth import SessionAuth, TokenAuth


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
# The checkpoints first: URL patterns are tried in order, and the gate scan is the busiest.
api.add_router("", checkpoints_router)
api.add_router("", core_router)
api.add_router("", people_router)
api.add_router("", policy_router)
api.add_router("", screening_router)
api.add_router("", quarantine_router)
api.add_router("", health_router)
api.add_router("", closure_router)
api.add_router("", lockdown_router)
api.add_router("", masstesting_router)
