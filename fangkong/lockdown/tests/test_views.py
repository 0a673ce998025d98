"""The lockdown pages: who may do what (role matrix), the register, the index-case offer, the
volunteer's page, the public request page, the workbench panel."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.core.roles import Role
from fangkong.core.tests.factories import UserFactory
from fangkong.health import actions as health_actions
from fangkong.lockdown import actions
from fangkong.lockdown.models import (
    DisinfectionTask,
    Lockdown,
    LockdownStatus,
    RequestVia,
    SupplyRequest,
    SupplyStatus,
)
from fangkong.people.models import ResidentTag
from fangkong.quarantine import actions as quarantine
from fangkong.quarantine.models import Case, CaseKind

from .conftest import TODAY, at


def login(client, world, key):
    client.force_login(world.user(key))
    return client


@pytest.fixture
def locked(world):
    return actions.lock(world.user("leader_a1"), building=world.building_g1, reason="确诊病例")


def _request(world, lockdown, **kw):
    return actions.request_supplies(
        world.user("office_a1"),
        household=world.household_g1,
        kind=kw.pop("kind", "food"),
        urgency=kw.pop("urgency", "normal"),
        details=kw.pop("details", "米和蔬菜"),
    )


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("leader_a1", 200),
        ("admin_a", 200),
        ("grid_g1", 200),
        ("medic_a1", 200),
        ("guard_a1", 403),
        ("volunteer_a1", 403),
        ("police_a1", 403),
    ],
)
def test_who_sees_the_lockdown_list(client, world, key, status):
    assert login(client, world, key).get(reverse("lockdown:list")).status_code == status


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("leader_a1", 200),
        ("admin_a", 200),
        ("grid_g1", 403),
        ("office_a1", 403),
        ("volunteer_a1", 403),
        ("guard_a1", 403),
        ("police_a1", 403),
    ],
)
def test_who_may_open_the_lock_form(client, world, key, status):
    assert login(client, world, key).get(reverse("lockdown:lock")).status_code == status


def test_a_grid_worker_cannot_lock_by_post(client, world):
    response = login(client, world, "grid_g1").post(
        reverse("lockdown:lock"), {"building": world.building_g1.pk, "reason": "x"}
    )
    assert response.status_code == 403
    assert not Lockdown.objects.exists()


def test_the_leader_locks_through_the_form_and_sees_the_register(client, world):
    ResidentTag.objects.create(resident=world.resident_g1_spouse, tag="chronic")
    c = login(client, world, "leader_a1")
    response = c.post(
        reverse("lockdown:lock"),
        {"building": world.building_g1.pk, "reason": "确诊病例", "areas": "单元门，电梯"},
    )
    lockdown = Lockdown.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "lockdown:detail", args=[lockdown.pk]
    )
    assert lockdown.areas == ["单元门", "电梯"]
    page = c.get(response.url)
    html = page.content.decode()
    assert "张三丰" in html and "李秀英" in html and "王二小" not in html
    # masked document numbers only
    assert world.resident_g1.doc_number not in html
    assert world.resident_g1.masked_doc_number in html
    s = page.context["s"]
    assert (s.people, s.households, s.cases_open) == (2, 1, 2)
    assert (s.coverage.expected, s.coverage.sampled) == (2, 0)
    assert s.checks_missing == 2 * lockdown.policy.as_rules().lockdown_checks_per_day
    assert len(s.slots) == 2 * lockdown.policy.as_rules().lockdown_disinfections_per_day
    assert page.context["blocking"]


def test_a_lock_refused_shows_the_message_and_writes_nothing(client, world):
    from fangkong.core.tests.factories import BuildingFactory

    empty = BuildingFactory.create(grid=world.grid_g1, name="空楼")
    response = login(client, world, "leader_a1").post(
        reverse("lockdown:lock"), {"building": empty.pk, "reason": "病例"}
    )
    assert response.status_code == 422
    assert "add the residents first" in response.content.decode()
    assert not Lockdown.objects.exists() and not Case.objects.exists()


def test_the_index_case_page_offers_to_lock_the_unit_or_building(client, world):
    index = quarantine.register_index_case(
        world.user("leader_a1"),
        township=world.township_a,
        name="病例1",
        kind="confirmed",
        reported_on=TODAY,
        resident=world.resident_g1,
    )
    c = login(client, world, "leader_a1")
    html = c.get(reverse("quarantine:index_detail", args=[index.pk])).content.decode()
    assert 'id="lockdown-offer"' in html
    assert "Lock unit 1栋1单元" in html and "Lock building 1栋" in html
    form = c.get(reverse("lockdown:lock") + f"?index={index.pk}&scope=unit").context["form"]
    assert form.initial["building"] == world.building_g1.pk
    assert form.initial["unit"] == world.unit_g1.pk
    assert form.initial["index_case"] == index.pk
    form = c.get(reverse("lockdown:lock") + f"?index={index.pk}&scope=building").context["form"]
    assert "unit" not in form.initial
    # a grid worker sees the case but no offer
    html = (
        login(client, world, "grid_g1")
        .get(reverse("quarantine:index_detail", args=[index.pk]))
        .content.decode()
    )
    assert 'id="lockdown-offer"' not in html


def test_lockdown_outside_the_jurisdiction_is_not_found(client, world, locked):
    url = reverse("lockdown:detail", args=[locked.pk])
    assert login(client, world, "leader_a2").get(url).status_code == 404
    assert login(client, world, "grid_g2").get(url).status_code == 404
    assert login(client, world, "grid_g1").get(url).status_code == 200
    assert login(client, world, "admin_b").get(url).status_code == 404


def test_adding_a_new_person_through_the_registry(client, world, locked):
    c = login(client, world, "leader_a1")
    response = c.post(
        reverse("lockdown:add_member", args=[locked.pk]),
        {
            "household": world.household_g1.pk,
            "relation": "other",
            "name": "刘新来",
            "doc_type": "none",
            "doc_number": "",
            "no_doc_reason": "外地来人，证件遗失",
            "phone": "",
        },
    )
    assert response.status_code == 302
    member = locked.members.get(resident__name="刘新来")
    assert member.added_later
    assert Case.objects.get(resident=member.resident).kind == CaseKind.LOCKDOWN
    # bad input: nothing written
    response = c.post(
        reverse("lockdown:add_member", args=[locked.pk]),
        {"household": world.household_g1.pk, "relation": "other", "name": "", "doc_type": "none"},
    )
    assert response.status_code == 422
    assert locked.members.count() == 3


def test_marking_a_disinfection_done(client, world, locked):
    task = DisinfectionTask.objects.filter(lockdown=locked, slot=1)[0]
    c = login(client, world, "grid_g1")
    c.post(reverse("lockdown:disinfected", args=[task.pk]))
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == world.user("grid_g1")
    assert (
        login(client, world, "volunteer_a1")
        .post(reverse("lockdown:disinfected", args=[task.pk]))
        .status_code
        == 403
    )


def test_staff_take_a_request_and_assign_a_volunteer(client, world, locked):
    c = login(client, world, "office_a1")
    response = c.post(
        reverse("lockdown:supply_create", args=[locked.pk]),
        {
            "household": world.household_g1.pk,
            "kind": "medicine",
            "urgency": "urgent",
            "details": "降压药",
        },
    )
    assert response.status_code == 302
    req = SupplyRequest.objects.get()
    assert req.lockdown == locked and req.via == RequestVia.STAFF
    c.post(
        reverse("lockdown:supply_assign", args=[req.pk]),
        {"volunteer": world.user("volunteer_a1").pk},
    )
    req.refresh_from_db()
    assert req.status == SupplyStatus.ASSIGNED and req.volunteer == world.user("volunteer_a1")
    # someone who is not a volunteer of the community cannot be assigned
    c.post(
        reverse("lockdown:supply_assign", args=[req.pk]), {"volunteer": world.user("grid_g1").pk}
    )
    req.refresh_from_db()
    assert req.volunteer == world.user("volunteer_a1")


def test_volunteer_sees_only_their_own_deliveries_in_order(client, world, locked):
    other = UserFactory.create(
        username="volunteer_2",
        role=Role.VOLUNTEER,
        township=world.township_a,
        community=world.community_a1,
    )
    from fangkong.people.tests.factories import HouseholdFactory, ResidentFactory

    h_old = HouseholdFactory.create(
        grid=world.grid_g1,
        building=world.building_g1,
        unit=world.unit_g1,
        number="102",
        address="1栋1单元102",
    )
    elderly = ResidentFactory.create(household=h_old, name="孤老人")
    ResidentTag.objects.create(resident=elderly, tag="elderly_alone")
    office, vol = world.user("office_a1"), world.user("volunteer_a1")
    normal = _request(world, locked)
    urgent = _request(world, locked, kind="medicine", urgency="urgent")
    vulnerable = actions.request_supplies(office, household=h_old, kind="food")
    theirs = _request(world, locked)
    for r in (normal, urgent, vulnerable):
        actions.assign(office, r, volunteer=vol)
    actions.assign(office, theirs, volunteer=other)
    page = login(client, world, "volunteer_a1").get(reverse("lockdown:my_deliveries"))
    assert page.status_code == 200
    order = [row.request.pk for row, _v, _phone in page.context["rows"]]
    assert order == [vulnerable.pk, urgent.pk, normal.pk]
    # not theirs: cannot be marked nor its photo seen
    assert client.post(reverse("lockdown:supply_delivered", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == SupplyStatus.ASSIGNED
    # volunteers see no registry, no lockdown page, no staff request list
    assert client.get(reverse("lockdown:supply_list")).status_code == 403
    assert client.get(reverse("lockdown:detail", args=[locked.pk])).status_code == 403


def test_the_assigned_volunteer_sees_the_households_phone_while_the_delivery_is_open(
    client, world, locked
):
    office = world.user("office_a1")
    other = UserFactory.create(
        username="volunteer_2",
        role=Role.VOLUNTEER,
        township=world.township_a,
        community=world.community_a1,
    )
    mine = _request(world, locked)
    actions.assign(office, mine, volunteer=world.user("volunteer_a1"))
    head = world.resident_g1  # the householder: the number to call
    url = reverse("lockdown:delivery_phone", args=[mine.pk])
    page = login(client, world, "volunteer_a1").get(reverse("lockdown:my_deliveries"))
    assert head.phone not in page.content.decode()  # not shown until asked for
    assert url in page.content.decode()
    response = client.post(url)
    assert response.status_code == 200
    assert f'href="tel:{head.phone}"' in response.content.decode()
    entry = AuditEntry.objects.filter(action="reveal").latest("pk")
    assert (entry.actor, entry.target_type, entry.target_id, entry.changes) == (
        world.user("volunteer_a1"),
        "people.resident",
        str(head.pk),
        {"field": "phone"},
    )
    # an htmx tap gets only the card's phone block
    partial = client.post(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert (
        partial.content.decode()
        .lstrip()
        .startswith(f'<div class="delivery-phone" id="phone-{mine.pk}"')
    )
    # Another volunteer of the same community: no such delivery, nothing recorded.
    reveals = AuditEntry.objects.filter(action="reveal").count()
    client.force_login(other)
    assert client.post(url).status_code == 404
    # The community's staff and a guard are not volunteers: refused.
    assert login(client, world, "office_a1").post(url).status_code == 403
    assert login(client, world, "guard_a1").post(url).status_code == 403
    assert AuditEntry.objects.filter(action="reveal").count() == reveals
    # Once delivered the request is closed: the phone is no longer given.
    actions.mark_delivered(world.user("volunteer_a1"), mine)
    assert login(client, world, "volunteer_a1").post(url).status_code == 404
    assert AuditEntry.objects.filter(action="reveal").count() == reveals


def test_the_phone_of_a_cancelled_or_reassigned_delivery_is_not_given(client, world, locked):
    office, vol = world.user("office_a1"), world.user("volunteer_a1")
    other = UserFactory.create(
        username="volunteer_2",
        role=Role.VOLUNTEER,
        township=world.township_a,
        community=world.community_a1,
    )
    cancelled, moved = _request(world, locked), _request(world, locked)
    for r in (cancelled, moved):
        actions.assign(office, r, volunteer=vol)
    actions.cancel(office, cancelled, reason="重复登记")
    actions.assign(office, moved, volunteer=other)
    c = login(client, world, "volunteer_a1")
    for r in (cancelled, moved):
        assert c.post(reverse("lockdown:delivery_phone", args=[r.pk])).status_code == 404
    # The action refuses the same, whoever calls it.
    with pytest.raises(DomainError, match="no longer open"):
        actions.reveal_contact_phone(vol, cancelled)
    with pytest.raises(DomainError, match="not assigned to you"):
        actions.reveal_contact_phone(vol, moved)
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_without_a_householder_phone_another_members_is_given_or_the_volunteer_is_told(
    client, world, locked
):
    head, spouse = world.resident_g1, world.resident_g1_spouse
    head.phone = ""
    head.save()
    req = _request(world, locked)
    actions.assign(world.user("office_a1"), req, volunteer=world.user("volunteer_a1"))
    c = login(client, world, "volunteer_a1")
    url = reverse("lockdown:delivery_phone", args=[req.pk])
    assert f"tel:{spouse.phone}" in c.post(url).content.decode()
    spouse.phone = ""
    spouse.save()
    response = c.post(url)
    assert response.status_code == 422
    assert "No phone number is registered for this household" in response.content.decode()


@pytest.mark.parametrize("key", ["guard_a1", "police_a1"])
def test_guard_and_police_are_denied_the_delivery_pages(client, world, locked, key):
    c = login(client, world, key)
    assert c.get(reverse("lockdown:my_deliveries")).status_code == 403
    assert c.get(reverse("lockdown:supply_list")).status_code == 403
    req = _request(world, locked)
    assert c.post(reverse("lockdown:supply_delivered", args=[req.pk])).status_code == 403


def _png() -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    buf.seek(0)
    buf.name = "door.png"
    return buf


def test_delivered_with_a_photo_then_twice_is_refused_and_nothing_doubles(
    client, world, locked, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    req = _request(world, locked)
    actions.assign(world.user("office_a1"), req, volunteer=world.user("volunteer_a1"))
    c = login(client, world, "volunteer_a1")
    response = c.post(
        reverse("lockdown:supply_delivered", args=[req.pk]), {"photo": _png()}, follow=True
    )
    assert "Delivery recorded" in response.content.decode()
    req.refresh_from_db()
    assert req.status == SupplyStatus.DELIVERED and req.photo
    audits = AuditEntry.objects.count()
    response = c.post(reverse("lockdown:supply_delivered", args=[req.pk]), follow=True)
    assert "already delivered" in response.content.decode()
    assert AuditEntry.objects.count() == audits
    # the photo: the volunteer and the community staff, nobody else
    url = reverse("lockdown:supply_photo", args=[req.pk])
    for response in (c.get(url), login(client, world, "office_a1").get(url)):
        assert response.status_code == 200
        # read to the end: the test client then closes the file it streamed
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert login(client, world, "leader_a2").get(url).status_code == 404
    assert login(client, world, "guard_a1").get(url).status_code == 404


def test_a_photo_that_is_not_an_image_is_refused(client, world, locked):
    req = _request(world, locked)
    actions.assign(world.user("office_a1"), req, volunteer=world.user("volunteer_a1"))
    fake = io.BytesIO(b"<html>not a picture</html>")
    fake.name = "door.jpg"
    response = login(client, world, "volunteer_a1").post(
        reverse("lockdown:supply_delivered", args=[req.pk]), {"photo": fake}, follow=True
    )
    assert "not a picture" in response.content.decode()
    req.refresh_from_db()
    assert req.status == SupplyStatus.ASSIGNED


def test_the_household_asks_through_its_personal_link(client, world, locked):
    case = Case.objects.get(resident=world.resident_g1)
    _link, token = health_actions.create_report_link(world.user("grid_g1"), world.household_g1)
    report = client.get(reverse("health:report", args=[token])).content.decode()
    url = reverse("lockdown:public_request", args=[token])
    assert url in report
    response = client.post(url, {"kind": "food", "urgency": "normal", "details": "牛奶"})
    assert response.status_code == 302
    req = SupplyRequest.objects.get()
    assert (req.via, req.household, req.lockdown, req.requested_by) == (
        RequestVia.LINK,
        world.household_g1,
        locked,
        None,
    )
    assert response["Cache-Control"] == "no-store"
    assert client.get(reverse("lockdown:public_request", args=["nope"])).status_code == 404
    assert case.pk


def test_the_public_page_is_rate_limited_per_link(client, world, locked, settings):
    settings.FANGKONG_LINK_RATE = "2/min"
    _link, token = health_actions.create_report_link(world.user("grid_g1"), world.household_g1)
    url = reverse("lockdown:public_request", args=[token])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 429


def test_guessed_links_do_not_lock_out_the_genuine_one_from_the_same_address(
    client, world, locked, settings
):
    settings.FANGKONG_REPORT_RATE = "2/min"
    _link, token = health_actions.create_report_link(world.user("grid_g1"), world.household_g1)
    guesses = [
        client.get(reverse("lockdown:public_request", args=[f"nope{i}"])).status_code
        for i in range(6)
    ]
    assert guesses == [404, 404, 429, 429, 429, 429]
    assert client.get(reverse("lockdown:public_request", args=[token])).status_code == 200


def test_the_workbench_panel_shows_overdue_and_missed(client, world, locked, clock):
    req = _request(world, locked, urgency="urgent")
    clock.move_to(at(TODAY, 13))
    page = login(client, world, "leader_a1").get(reverse("core:workbench"))
    html = page.content.decode()
    assert 'id="lockdown-panel"' in html
    assert "1 delivery overdue" in html
    assert f"{len(locked.areas)} disinfections missed" in html
    assert req.pk
    vol = login(client, world, "volunteer_a1").get(reverse("core:workbench")).content.decode()
    assert "deliveries wait for you" in vol or "delivery waits for you" in vol


def test_lifting_through_the_page(client, world, locked):
    from fangkong.masstesting.models import MemberResult, RoundMember

    c = login(client, world, "leader_a1")
    url = reverse("lockdown:lift", args=[locked.pk])
    refused = c.post(url, {"reason": "全员阴性"})
    assert refused.status_code == 422
    assert "has not been sampled" in refused.content.decode()
    assert login(client, world, "grid_g1").post(url, {"reason": "x"}).status_code == 403
    RoundMember.objects.filter(round__lockdown=locked).update(
        sampled_at=timezone.now(), result=MemberResult.NEGATIVE
    )
    asked = login(client, world, "leader_a1").post(url, {"reason": "全员阴性"})
    assert asked.status_code == 200 and 'id="confirmation"' in asked.content.decode()
    n = locked.members.count()
    assert f"isolation of the {n} people on its register ends" in asked.content.decode()
    assert Lockdown.objects.get(pk=locked.pk).status == LockdownStatus.ACTIVE
    done = client.post(url, {"reason": "全员阴性", "confirm": "1"})
    assert done.status_code == 302
    page = client.get(reverse("lockdown:detail", args=[locked.pk])).content.decode()
    assert "全员阴性" in page and 'id="lift"' not in page
    assert not Case.objects.filter(kind=CaseKind.LOCKDOWN).exclude(status="released").exists()


def test_staff_cancel_a_request_with_a_reason_once(client, world, locked):
    req = _request(world, locked)
    c = login(client, world, "office_a1")
    url = reverse("lockdown:supply_cancel", args=[req.pk])

    response = c.post(url, {"reason": "  "}, follow=True)
    assert "Say why" in response.content.decode()
    req.refresh_from_db()
    assert req.status != SupplyStatus.CANCELLED

    response = c.post(url, {"reason": "邻居已代购"}, follow=True)
    assert "cancelled" in response.content.decode()
    req.refresh_from_db()
    assert req.status == SupplyStatus.CANCELLED
    entry = AuditEntry.objects.get(target_type="lockdown.supplyrequest", reason="邻居已代购")
    assert entry.changes["status"][1] == "cancelled"

    audits = AuditEntry.objects.count()
    response = c.post(url, {"reason": "again"}, follow=True)
    assert "was cancelled" in response.content.decode()
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize(("key", "status"), [("volunteer_a1", 403), ("leader_a2", 404)])
def test_a_volunteer_or_another_community_cannot_cancel(client, world, locked, key, status):
    req = _request(world, locked)
    url = reverse("lockdown:supply_cancel", args=[req.pk])
    assert login(client, world, key).post(url, {"reason": "x"}).status_code == status
    req.refresh_from_db()
    assert req.status != SupplyStatus.CANCELLED


def test_next_after_assigning_never_leaves_the_site(client, world, locked):
    req = _request(world, locked)
    response = login(client, world, "office_a1").post(
        reverse("lockdown:supply_assign", args=[req.pk]),
        {"volunteer": world.user("volunteer_a1").pk, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("lockdown:supply_list")
