import re

import pytest

from fangkong.api.tests.client import ApiClient

EXPECTED = {
    "/api/v1/auth/token": {"post", "delete"},
    "/api/v1/auth/tokens": {"get"},
    "/api/v1/auth/tokens/{token_id}": {"delete"},
    "/api/v1/me": {"get"},
    "/api/v1/residents": {"get", "post"},
    "/api/v1/residents/{resident_id}": {"get", "patch"},
    "/api/v1/residents/{resident_id}/reveal": {"post"},
    "/api/v1/households": {"get", "post"},
    "/api/v1/households/{household_id}": {"get", "patch"},
    # health (issue 3)
    "/api/v1/checkins": {"get", "post"},
    "/api/v1/alerts": {"get"},
    "/api/v1/alerts/report": {"post"},
    "/api/v1/alerts/{alert_id}": {"get"},
    "/api/v1/alerts/{alert_id}/acknowledge": {"post"},
    "/api/v1/alerts/{alert_id}/contact": {"post"},
    "/api/v1/alerts/{alert_id}/collected": {"post"},
    "/api/v1/alerts/{alert_id}/close": {"post"},
    "/api/v1/report-links": {"post"},
    "/api/v1/report-links/{link_id}/revoke": {"post"},
    # screening (issue 3)
    "/api/v1/policy-versions": {"get", "post"},
    "/api/v1/policy-versions/{version_id}": {"get"},
    "/api/v1/policy-versions/{version_id}/activate": {"post"},
    "/api/v1/policy-versions/{version_id}/withdraw": {"post"},
    "/api/v1/risk-areas": {"get", "post"},
    "/api/v1/risk-areas/{area_id}": {"get"},
    "/api/v1/risk-areas/{area_id}/end": {"post"},
    "/api/v1/returnees": {"get", "post"},
    "/api/v1/returnees/{registration_id}": {"get"},
    "/api/v1/returnees/{registration_id}/confirm": {"post"},
    "/api/v1/returnees/{registration_id}/reject": {"post"},
    "/api/v1/returnees/{registration_id}/test-result": {"post"},
    "/api/v1/refusals": {"get", "post"},
    "/api/v1/refusals/{refusal_id}/handle": {"post"},
    # quarantine (issue 3)
    "/api/v1/cases": {"get"},
    "/api/v1/cases/{case_id}": {"get"},
    "/api/v1/cases/{case_id}/start": {"post"},
    "/api/v1/cases/{case_id}/room": {"post"},
    "/api/v1/cases/{case_id}/extend": {"post"},
    "/api/v1/cases/{case_id}/review": {"post"},
    "/api/v1/cases/{case_id}/responsible": {"post"},
    "/api/v1/cases/{case_id}/sign": {"post"},
    "/api/v1/cases/{case_id}/release": {"post"},
    "/api/v1/cases/{case_id}/refer": {"post"},
    "/api/v1/cases/{case_id}/notes": {"post"},
    "/api/v1/cases/{case_id}/tests": {"get"},
    "/api/v1/tests/{test_id}/result": {"post"},
    "/api/v1/index-cases": {"get", "post"},
    "/api/v1/close-contacts": {"post"},
    "/api/v1/quarantine-sites": {"get"},
    "/api/v1/quarantine-rooms": {"get"},
    # closed management (issue 4)
    "/api/v1/communities/{community_id}/closure": {"get"},
    "/api/v1/communities/{community_id}/level": {"post"},
    "/api/v1/checklist-items/{item_id}": {"patch"},
    # lockdown (issue 4)
    "/api/v1/lockdowns": {"get", "post"},
    "/api/v1/lockdowns/{lockdown_id}": {"get"},
    "/api/v1/lockdowns/{lockdown_id}/lift": {"post"},
    "/api/v1/supply-requests": {"post"},
    "/api/v1/supply-requests/{request_id}/assign": {"post"},
    "/api/v1/supply-requests/{request_id}/delivered": {"post"},
    # checkpoints (issue 4)
    "/api/v1/gate/scan": {"post"},
    "/api/v1/gate/visitors": {"post"},
    "/api/v1/gate/vehicles": {"post"},
    "/api/v1/gate/entries": {"get"},
    # mass-testing rounds (issue 4)
    "/api/v1/rounds": {"get", "post"},
    "/api/v1/rounds/{round_id}/coverage": {"get"},
    "/api/v1/rounds/{round_id}/samples": {"post"},
    "/api/v1/rounds/{round_id}/results": {"post"},
    "/api/v1/rounds/imports/{job_id}": {"get"},
    "/api/v1/rounds/imports/{job_id}/confirm": {"post"},
    "/api/v1/urgent-reports": {"get", "post"},
    "/api/v1/stock-movements": {"get"},
    "/api/v1/stock-movements/in": {"post"},
    "/api/v1/stock-movements/out": {"post"},
    "/api/v1/disinfection-entries": {"get", "post"},
    "/api/v1/urgent-reports/{report_id}/acknowledge": {"post"},
    "/api/v1/inspections": {"get"},
    "/api/v1/inspection-findings": {"get"},
    "/api/v1/inspection-findings/{finding_id}/rectify": {"post"},
    "/api/v1/inspection-findings/{finding_id}/verify": {"post"},
    "/api/v1/roster/week": {"get"},
    "/api/v1/roster/mine": {"get"},
    "/api/v1/roster/duties/{duty_id}/handover": {"post"},
    "/api/v1/roster/duties/{duty_id}/swap": {"post"},
    "/api/v1/roster/swaps/{swap_id}/decide": {"post"},
    "/api/v1/tasks": {"get", "post"},
    "/api/v1/tasks/{task_id}": {"get"},
    "/api/v1/tasks/{task_id}/status": {"post"},
    "/api/v1/tasks/{task_id}/comments": {"post"},
    "/api/v1/daily-reports/completeness": {"get"},
    "/api/v1/daily-reports/{community_id}/{date}": {"get"},
    "/api/v1/daily-reports/{community_id}/{date}/submit": {"post"},
    "/api/v1/daily-reports/{community_id}/{date}/return": {"post"},
}


@pytest.fixture
def local_static(settings):
    """Pages render `{% static %}` without a collected manifest in tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_the_openapi_document_is_served_and_lists_every_path_and_method(db):
    response = ApiClient().get("/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {path: set(ops) for path, ops in paths.items()} == EXPECTED


def test_the_openapi_document_declares_bearer_and_session_auth(db):
    doc = ApiClient().get("/openapi.json").json()

    schemes = doc["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    assert schemes["SessionAuth"]["in"] == "cookie"
    token_op = doc["paths"]["/api/v1/auth/token"]["post"]
    assert "security" not in token_op  # the only endpoint open without credentials


def test_the_openapi_document_shows_masked_fields_and_enum_codes(db):
    schemas = ApiClient().get("/openapi.json").json()["components"]["schemas"]

    resident = schemas["ResidentOut"]["properties"]
    assert "masked_doc_number" in resident
    assert "masked_phone" in resident
    assert "doc_number" not in resident
    assert "phone" not in resident
    assert "elderly_alone" in schemas["VulnerableTag"]["enum"]


def test_the_docs_page_loads_its_assets_from_the_app_not_a_cdn(db, local_static):
    response = ApiClient().get("/docs")

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert all(s.startswith("/static/") for s in sources), sources
    assert "https://" not in html
    assert '"validatorUrl": null' in html  # no call to validator.swagger.io


def test_gate_reasons_are_documented_as_they_are_returned(db):
    doc = ApiClient().get("/openapi.json").json()
    schemas = doc["components"]["schemas"]

    for operation, status in (("/api/v1/gate/scan", "201"), ("/api/v1/gate/entries", "200")):
        method = "post" if operation.endswith("scan") else "get"
        body = doc["paths"][operation][method]["responses"][status]["content"]["application/json"]
        ref = body["schema"].get("$ref") or body["schema"]["items"]["$ref"]
        reasons = schemas[ref.rsplit("/", 1)[1]]["properties"]["reasons"]["items"]["$ref"]
        reason = schemas[reasons.rsplit("/", 1)[1]]
        assert set(reason["required"]) == {"code", "text"}


def test_no_two_api_schemas_share_a_name():
    """The OpenAPI components are keyed by class name: a second class of the same name would
    silently replace the first one's documentation."""
    from ninja import Schema

    import fangkong.api.api  # noqa: F401 - every router and its schemas

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    seen: dict[str, str] = {}
    for cls in subclasses(Schema):
        if not cls.__module__.startswith("fangkong.") or ".tests" in cls.__module__:
            continue
        where = f"{cls.__module__}.{cls.__qualname__}"
        assert seen.setdefault(cls.__name__, where) == where, (cls.__name__, seen[cls.__name__])


def test_every_operation_documents_its_refusals_with_the_error_body(db):
    doc = ApiClient().get("/openapi.json").json()
    error = doc["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"] and "errors" in error["properties"]

    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"422"}
            if "requestBody" in operation:
                expected |= {"400", "413"}
            if "security" in operation:
                expected |= {"401", "403", "404"}
            assert expected <= set(responses), (method, path, sorted(responses))
            for code in expected:
                schema = responses[code]["content"]["application/json"]["schema"]
                assert schema["$ref"].rsplit("/", 1)[1] in ("ErrorOut", "DetailOut"), (path, code)
    assert "429" in doc["paths"]["/api/v1/auth/token"]["post"]["responses"]


def test_the_document_has_no_key_twice(client):
    """A status declared by an endpoint and added as a refusal is one key: a document with a
    key twice is refused by the docs page's parser ("duplicated mapping key")."""
    import json

    twice: list[str] = []

    def pairs(items):
        keys = [key for key, _value in items]
        twice.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=pairs)
    assert twice == []
