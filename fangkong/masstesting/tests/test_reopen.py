"""Closing a round asks first and says how many are unsampled; a leader reopens a closed
round with a recorded reason until results are imported (issue 12 item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.core.spreadsheets import read_table
from fangkong.masstesting import actions
from fangkong.masstesting.models import RoundStatus
from fangkong.masstesting.results import RoundResults

from .helpers import community_round, write_csv

pytestmark = pytest.mark.django_db


def _closed(world, extra: int = 0):
    rnd = community_round(world, extra=extra)
    actions.close_round(world.user("leader_a1"), rnd)
    rnd.refresh_from_db()
    return rnd


def test_closing_without_confirmation_shows_what_will_happen_and_changes_nothing(
    client, world
) -> None:
    rnd = community_round(world, extra=2)
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    client.force_login(world.user("leader_a1"))
    response = client.post(reverse("masstesting:round_close", args=[rnd.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="confirmation"' in page
    expected = rnd.members.count()
    assert f"{expected - 1} of the {expected} people expected have not been sampled" in page
    assert 'name="confirm" value="1"' in page
    rnd.refresh_from_db()
    assert rnd.is_open

    response = client.post(reverse("masstesting:round_close", args=[rnd.pk]), {"confirm": "1"})
    assert response.status_code == 302
    rnd.refresh_from_db()
    assert not rnd.is_open


def test_the_round_page_puts_the_question_on_the_close_button(client, world) -> None:
    rnd = community_round(world)
    client.force_login(world.user("leader_a1"))
    page = client.get(reverse("masstesting:round_detail", args=[rnd.pk])).content.decode()
    assert 'id="close-button"' in page
    assert 'data-confirm="Close sampling of “全员核酸第一轮”? 3 of the 3 people expected' in page


def test_a_leader_reopens_with_a_reason_recorded_and_audited(client, world) -> None:
    rnd = _closed(world)
    client.force_login(world.user("leader_a1"))
    page = client.get(reverse("masstesting:round_detail", args=[rnd.pk])).content.decode()
    assert 'id="reopen-form"' in page
    response = client.post(
        reverse("masstesting:round_reopen", args=[rnd.pk]), {"reason": "  3 号楼漏采  "}
    )
    assert response.status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.OPEN and rnd.closed_at is None
    assert rnd.reopen_reason == "3 号楼漏采"
    assert rnd.reopened_by == world.user("leader_a1") and rnd.reopened_at is not None
    entry = AuditEntry.objects.filter(target_type="masstesting.round").latest("id")
    assert entry.reason == "3 号楼漏采"
    assert entry.changes["status"] == ["closed", "open"]
    page = client.get(reverse("masstesting:round_detail", args=[rnd.pk])).content.decode()
    assert 'id="reopened"' in page and "3 号楼漏采" in page
    # sampling works again
    actions.sample(None, rnd, tube_code="P9", pooled=True, resident=world.resident_g1)


@pytest.mark.parametrize("key", ["office_a1", "medic_a1", "grid_g1"])
def test_who_may_close_but_not_reopen_is_denied(client, world, key) -> None:
    rnd = _closed(world)
    client.force_login(world.user(key))
    page = client.get(reverse("masstesting:round_detail", args=[rnd.pk])).content.decode()
    assert 'id="reopen-form"' not in page
    response = client.post(reverse("masstesting:round_reopen", args=[rnd.pk]), {"reason": "x"})
    assert response.status_code == 403
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED
    with pytest.raises(DomainError):
        actions.reopen_round(world.user(key), rnd, reason="x")


def test_another_communitys_leader_gets_404(client, world) -> None:
    rnd = _closed(world)
    client.force_login(world.user("leader_a2"))
    response = client.post(reverse("masstesting:round_reopen", args=[rnd.pk]), {"reason": "x"})
    assert response.status_code == 404


def test_reopening_needs_a_reason_and_a_closed_round(world) -> None:
    rnd = community_round(world)
    with pytest.raises(DomainError, match="still sampling"):
        actions.reopen_round(world.user("leader_a1"), rnd, reason="x")
    actions.close_round(world.user("leader_a1"), rnd)
    with pytest.raises(DomainError, match="Say why"):
        actions.reopen_round(world.user("leader_a1"), rnd, reason="   ")
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED


def test_reopening_is_refused_once_results_are_imported(client, world, tmp_path: Path) -> None:
    rnd = community_round(world)
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    actions.close_round(world.user("leader_a1"), rnd)
    path = write_csv(tmp_path / "r.csv", [["试管编号", "检测结果"], ["P1", "阴性"]])
    table = read_table(path, filename="r.csv", max_bytes=10**8)
    RoundResults(world.user("medic_a1"), rnd).apply(table, filename="r.csv")
    with pytest.raises(DomainError, match="already imported"):
        actions.reopen_round(world.user("leader_a1"), rnd, reason="漏采")
    client.force_login(world.user("leader_a1"))
    page = client.get(reverse("masstesting:round_detail", args=[rnd.pk])).content.decode()
    assert "already imported" in page and 'id="reopen-form"' not in page
    response = client.post(
        reverse("masstesting:round_reopen", args=[rnd.pk]), {"reason": "漏采"}, follow=True
    )
    assert "already imported" in response.content.decode()
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED
