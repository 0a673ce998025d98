"""`ApiToken.objects.authenticate`: one statement for the token and its user, the user as the
ORM loads it, refused at once when deactivated or revoked, last_used_at written at most
every five minutes."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.core.models import TOKEN_USE_INTERVAL, ApiToken, User


def test_the_user_comes_back_whole_in_one_statement(world) -> None:
    guard = world.user("guard_a1")
    raw = ApiToken.issue(guard)
    ApiToken.objects.update(last_used_at=timezone.now())
    with CaptureQueriesContext(connection) as captured:
        user = ApiToken.objects.authenticate(raw)
    assert len(captured) == 1
    assert isinstance(user, User) and user.pk == guard.pk
    expected = User.objects.get(pk=guard.pk)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert not user.get_deferred_fields()
    assert not hasattr(user, "token_id") and not hasattr(user, "token_stale")
    assert not user._state.adding and user.scope == ("community", guard.community_id)


def test_unknown_deactivated_and_revoked_are_refused_at_once(world) -> None:
    user = world.user("guard_a1")
    raw = ApiToken.issue(user)
    assert ApiToken.objects.authenticate(raw) is not None
    assert ApiToken.objects.authenticate(raw + "x") is None
    assert ApiToken.objects.authenticate("") is None
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert ApiToken.objects.authenticate(raw) is None
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert ApiToken.objects.authenticate(raw) is not None
    ApiToken.objects.all().delete()
    assert ApiToken.objects.authenticate(raw) is None


def test_last_used_is_written_at_most_every_five_minutes(world) -> None:
    raw = ApiToken.issue(world.user("guard_a1"))
    start = dt.datetime(2026, 1, 20, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        with CaptureQueriesContext(connection) as first:
            ApiToken.objects.authenticate(raw)
        assert ApiToken.objects.get().last_used_at == start
        assert [q["sql"].split()[0] for q in first] == ["SELECT", "UPDATE"]
        clock.shift(dt.timedelta(seconds=TOKEN_USE_INTERVAL))
        with CaptureQueriesContext(connection) as within:
            ApiToken.objects.authenticate(raw)
        assert len(within) == 1
        assert ApiToken.objects.get().last_used_at == start
        clock.shift(dt.timedelta(seconds=1))
        ApiToken.objects.authenticate(raw)
        assert ApiToken.objects.get().last_used_at == start + dt.timedelta(
            seconds=TOKEN_USE_INTERVAL + 1
        )
