"""`core.prepared`: on PostgreSQL its statements are prepared once per connection and answer
as Django's own cursor does; elsewhere, and while queries are logged, it is the usual cursor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from fangkong.core import prepared
from fangkong.core.models import User

pytestmark = pytest.mark.django_db

STATEMENT = "SELECT id, username, date_joined FROM core_user WHERE username = %s"


def _prepared_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["SELECT id, username, date_joined FROM core_user%"],
        )
        return int(cursor.fetchone()[0])


def _run() -> tuple[int, str, dt.datetime | str]:
    with prepared.cursor(connection) as cursor:
        cursor.execute(STATEMENT, ["prep_user"])
        return cursor.fetchone()


def test_answers_as_the_usual_cursor() -> None:
    user = User.objects.create(username="prep_user")
    with connection.cursor() as cursor:
        cursor.execute(STATEMENT, ["prep_user"])
        usual = cursor.fetchone()
    assert _run() == _run() == usual
    assert usual[:2] == (user.pk, "prep_user")
    if connection.vendor == "postgresql":  # read as aware datetimes, as Django's cursor does
        assert usual[2] == user.date_joined and usual[2].tzinfo is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_postgresql_prepares_the_statement_once() -> None:
    User.objects.create(username="prep_user")
    before = _prepared_count()
    for _ in range(3):
        _run()
    assert _prepared_count() == before + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
@override_settings(PREPARED_STATEMENTS=False)
def test_switched_off_nothing_is_prepared() -> None:
    User.objects.create(username="prep_user")
    before = _prepared_count()
    _run()
    assert _prepared_count() == before


def test_logged_queries_show_the_statement_text() -> None:
    User.objects.create(username="prep_user")
    with CaptureQueriesContext(connection) as captured:
        _run()
    assert [q["sql"].split()[0] for q in captured] == ["SELECT"]
    assert "core_user" in captured[0]["sql"]
