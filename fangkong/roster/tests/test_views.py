"""The roster's pages: who sees them (and another community's rows: 404), filling a shift,
copying a week with confirmation, my shifts with the handover, swaps, the gate page's and the
workbench's "on duty now", the daily report's section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from fangkong.checkpoints.duty import on_duty
from fangkong.checkpoints.views import SESSION_GATE
from fangkong.roster import actions, daily_report
from fangkong.roster.models import Duty, Swap, SwapStatus

from .conftest import TODAY, at
from .factories import on, posts

pytestmark = pytest.mark.django_db
TOMORROW = TODAY + dt.timedelta(days=1)
WEEK = reverse("roster:week")


@pytest.mark.parametrize(
    "key", ["leader_a1", "office_a1", "grid_g1", "guard_a1", "volunteer_a1", "admin_a"]
)
def test_community_staff_see_the_roster(client, world, key) -> None:
    p = posts(world)
    on(world, p["gate"], "guard_a1", day=TOMORROW)
    client.force_login(world.user(key))
    html = client.get(f"{WEEK}?community={world.community_a1.pk}&day={TOMORROW}").content.decode()
    assert "南门" in html and "guard_a1" in html
    assert ('name="person"' in html) is (key in ("leader_a1", "office_a1", "admin_a"))


def test_another_communitys_roster_is_not_found(client, world) -> None:
    posts(world)
    client.force_login(world.user("leader_a2"))
    assert client.get(f"{WEEK}?community={world.community_a1.pk}").status_code == 404
    client.force_login(world.user("admin_b"))
    assert client.get(f"{WEEK}?community={world.community_a1.pk}").status_code == 404


def test_fill_a_shift_from_the_page(client, world) -> None:
    p = posts(world)
    client.force_login(world.user("office_a1"))
    response = client.post(
        reverse("roster:fill"),
        {
            "post": p["gate"].pk,
            "day": TOMORROW.isoformat(),
            "slot": 0,
            "person": world.user("volunteer_a1").pk,
        },
    )
    assert response.status_code == 302
    assert Duty.objects.get().person == world.user("volunteer_a1")


def test_a_guard_cannot_fill_and_another_community_is_not_found(client, world) -> None:
    p = posts(world)
    data = {
        "post": p["gate"].pk,
        "day": TOMORROW.isoformat(),
        "slot": 0,
        "person": world.user("guard_a1").pk,
    }
    client.force_login(world.user("guard_a1"))
    assert client.post(reverse("roster:fill"), data).status_code == 403
    client.force_login(world.user("leader_a2"))
    assert client.post(reverse("roster:fill"), data).status_code == 404
    assert not Duty.objects.exists()


def test_copy_asks_for_confirmation_first(client, world, clock) -> None:
    p = posts(world)
    clock.move_to(at(TODAY - dt.timedelta(days=8)))
    on(world, p["gate"], "guard_a1", day=TODAY - dt.timedelta(days=5))
    clock.move_to(at())
    client.force_login(world.user("leader_a1"))
    data = {"community": world.community_a1.pk, "day": TODAY.isoformat()}
    response = client.post(reverse("roster:copy"), data)
    assert response.status_code == 200 and "Copy the roster" in response.content.decode()
    assert Duty.objects.count() == 1
    response = client.post(reverse("roster:copy"), {**data, "confirm": "1"})
    assert response.status_code == 302
    assert Duty.objects.count() == 2


def test_my_shifts_handover_and_reading(client, world, clock) -> None:
    p = posts(world)
    clock.move_to(at(hour=6))
    mine = on(world, p["gate"], "guard_a1", day=TODAY, slot=1)
    theirs = on(world, p["gate"], "volunteer_a1", day=TODAY, slot=2)
    clock.move_to(at(hour=15, minute=30))
    client.force_login(world.user("guard_a1"))
    html = client.get(reverse("roster:mine")).content.decode()
    assert 'id="current-shift"' in html and "南门" in html and "Write the handover" in html
    client.post(reverse("roster:handover", args=[mine.pk]), {"note": "一切正常，测温枪电量低"})
    clock.move_to(at(hour=16, minute=1))
    client.force_login(world.user("volunteer_a1"))
    html = client.get(reverse("roster:mine")).content.decode()
    assert "测温枪电量低" in html
    client.post(reverse("roster:read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.handover_read_at is not None


def test_a_handover_posted_for_someone_elses_shift_changes_nothing(client, world, clock) -> None:
    p = posts(world)
    clock.move_to(at(hour=6))
    mine = on(world, p["gate"], "guard_a1", day=TODAY, slot=1)
    clock.move_to(at(hour=15, minute=30))
    client.force_login(world.user("volunteer_a1"))
    response = client.post(
        reverse("roster:handover", args=[mine.pk]), {"note": "冒名"}, follow=True
    )
    assert "Only the person on this shift" in response.content.decode()
    mine.refresh_from_db()
    assert mine.handover == ""
    client.force_login(world.user("leader_a2"))
    assert client.post(reverse("roster:handover", args=[mine.pk]), {"note": "x"}).status_code == 404


def test_swap_from_my_shifts_to_the_leaders_list(client, world) -> None:
    p = posts(world)
    duty = on(world, p["gate"], "guard_a1", day=TOMORROW)
    client.force_login(world.user("guard_a1"))
    client.post(
        reverse("roster:swap", args=[duty.pk]),
        {"to_person": world.user("volunteer_a1").pk, "reason": "病假"},
    )
    swap = Swap.objects.get()
    client.force_login(world.user("office_a1"))
    assert (
        client.post(
            reverse("roster:swap_decide", args=[swap.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    client.force_login(world.user("leader_a1"))
    assert "病假" in client.get(reverse("roster:swaps")).content.decode()
    client.post(reverse("roster:swap_decide", args=[swap.pk]), {"decision": "approve"})
    swap.refresh_from_db()
    assert swap.status == SwapStatus.APPROVED


def test_on_duty_now_on_the_gate_page_and_the_workbench(client, world, clock) -> None:
    p = posts(world)
    clock.move_to(at(hour=6))
    on(world, p["gate"], "guard_a1", day=TODAY, slot=1)
    on(world, p["patrol"], "volunteer_a1", day=TOMORROW, slot=0)
    clock.move_to(at())
    assert on_duty(p["gate"].gate_id or 0) == ["guard_a1"]
    client.force_login(world.user("guard_a1"))
    session = client.session
    session[SESSION_GATE] = p["gate"].gate_id
    session.save()
    html = client.get(reverse("checkpoints:gate")).content.decode()
    assert "guard_a1" in html.split('id="on-duty"')[1].split("</p>")[0]
    client.force_login(world.user("leader_a1"))
    html = client.get(reverse("core:workbench")).content.decode()
    panel = html.split('id="roster-panel"')[1].split("</section>")[0]
    assert "南门：guard_a1" in panel
    # tomorrow: the gate and the office have nobody on any shift, the patrol two of three
    assert "Tomorrow: 8 shifts with nobody on them" in panel


def test_nobody_on_duty_is_an_empty_list(world) -> None:
    p = posts(world)
    assert on_duty(p["gate"].gate_id or 0) == []


def test_the_daily_report_section(world, clock) -> None:
    p = posts(world)
    clock.move_to(at(hour=6))
    mine = on(world, p["gate"], "guard_a1", day=TODAY, slot=1)
    on(world, p["office"], "office_a1", day=TODAY, slot=1)
    clock.move_to(at(hour=15))
    actions.write_handover(world.user("guard_a1"), mine, note="无异常")
    figures = daily_report.compute(TODAY, [world.community_a1.pk, world.community_a2.pk])
    assert figures[world.community_a1.pk] == {
        daily_report.SHIFTS: 9,
        daily_report.EMPTY: 7,
        daily_report.HANDOVERS: 1,
    }
    assert figures[world.community_a2.pk] == {
        daily_report.SHIFTS: 0,
        daily_report.EMPTY: 0,
        daily_report.HANDOVERS: 0,
    }


def test_the_posts_page_sets_up_the_missing_posts(client, world) -> None:
    from fangkong.roster.models import Post

    from .factories import gate

    gate(world)
    url = f"{reverse('roster:posts')}?community={world.community_a1.pk}"
    client.force_login(world.user("guard_a1"))
    assert client.get(url).status_code == 200
    assert client.post(url, {"community": world.community_a1.pk}).status_code == 403
    assert not Post.objects.exists()
    client.force_login(world.user("leader_a2"))
    assert client.get(url).status_code == 404
    client.force_login(world.user("office_a1"))
    client.post(reverse("roster:posts"), {"community": world.community_a1.pk})
    assert Post.objects.filter(community=world.community_a1).count() == 3
    client.post(reverse("roster:posts"), {"community": world.community_a1.pk, "name": "第二巡逻组"})
    assert Post.objects.filter(community=world.community_a1).count() == 4
    response = client.post(
        reverse("roster:posts"),
        {"community": world.community_a1.pk, "name": "第二巡逻组"},
        follow=True,
    )
    assert "already has a post of this name" in response.content.decode()
    assert Post.objects.filter(community=world.community_a1).count() == 4
