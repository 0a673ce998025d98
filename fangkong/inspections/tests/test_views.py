"""The inspection pages: who may see and do what (allowed and denied, at four distances),
what they show, bad input refused with nothing written, and the workbench panel."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.inspections.models import Finding, FindingStatus, Inspection, Merit

from .helpers import a_finding, a_round

pytestmark = pytest.mark.django_db


def _as(client, world, key):
    client.force_login(world.user(key))
    return client


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("leader_a1", 200),
        ("grid_g1", 200),  # same community
        ("admin_a", 200),
        ("leader_a2", 404),  # other community
        ("admin_b", 404),  # other township
        ("volunteer_a1", 403),  # no capability
    ],
)
def test_who_sees_an_inspection_and_a_finding(client, world, key, status):
    finding = a_finding(world)
    c = _as(client, world, key)
    assert c.get(reverse("inspections:detail", args=[finding.inspection_id])).status_code == status
    assert c.get(reverse("inspections:finding", args=[finding.pk])).status_code == status


@pytest.mark.parametrize(
    ("key", "status"), [("leader_a1", 200), ("office_a1", 200), ("grid_g1", 403)]
)
def test_who_may_start_an_inspection(client, world, key, status):
    assert _as(client, world, key).get(reverse("inspections:new")).status_code == status


def test_the_leader_starts_a_round_records_the_checklist_a_finding_and_finishes(
    client, world, photo
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = _as(client, world, "leader_a1")
    today = timezone.localdate()
    r = c.post(
        reverse("inspections:new"),
        {
            "community": world.community_a1.pk,
            "by": "community",
            "on": today,
            "inspectors": "王督查",
        },
    )
    item = Inspection.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("inspections:detail", args=[item.pk])
    page = c.get(r["Location"]).content.decode()
    assert "One entrance" in page and 'id="checks-form"' in page
    results = {f"result_{k}": "met" for k in item.checks.values_list("item", flat=True)}
    results["result_publicity"] = "unmet"
    r = c.post(reverse("inspections:checks", args=[item.pk]), results)
    assert r.status_code == 302
    # finishing with an item not met and no finding: refused, nothing changes
    r = c.post(reverse("inspections:finish", args=[item.pk]), {"confirm": "1"})
    assert r.status_code == 422 and "needs a finding" in r.content.decode()
    r = c.post(
        reverse("inspections:finding_new", args=[item.pk]),
        {
            "item": "publicity",
            "what": "宣传栏未张贴通告",
            "owner": world.user("grid_g1").pk,
            "deadline": today + dt.timedelta(days=2),
            "photo": SimpleUploadedFile("p.png", photo, content_type="image/png"),
        },
    )
    assert r.status_code == 302
    finding = Finding.objects.get()
    assert finding.photo
    photo_url = reverse("inspections:photo", args=[finding.pk, "found"])
    assert b"".join(c.get(photo_url).streaming_content) == photo
    # the finish asks first, and says what will happen
    r = c.post(reverse("inspections:finish", args=[item.pk]))
    assert r.status_code == 200 and "can no longer be changed" in r.content.decode()
    item.refresh_from_db()
    assert item.finished_at is None
    c.post(reverse("inspections:finish", args=[item.pk]), {"confirm": "1"})
    item.refresh_from_db()
    assert item.finished_at is not None


def test_a_finding_with_an_owner_of_another_community_is_refused(client, world):
    item = a_round(world)
    r = _as(client, world, "leader_a1").post(
        reverse("inspections:finding_new", args=[item.pk]),
        {
            "what": "x",
            "owner": world.user("leader_a2").pk,
            "deadline": timezone.localdate() + dt.timedelta(days=2),
        },
    )
    assert r.status_code == 422
    assert not Finding.objects.exists()


def test_the_owner_rectifies_and_the_leader_verifies_from_the_pages(client, world):
    finding = a_finding(world)
    owner = _as(client, world, "grid_g1")
    page = owner.get(reverse("inspections:finding", args=[finding.pk])).content.decode()
    assert 'id="rectify-form"' in page and 'id="verify-form"' not in page
    r = owner.post(reverse("inspections:rectify", args=[finding.pk]), {"evidence": ""})
    assert r.status_code == 422 and "only with evidence" in r.content.decode()
    r = owner.post(reverse("inspections:rectify", args=[finding.pk]), {"evidence": "已值守"})
    assert r.status_code == 302
    # someone else of the community, not the owner and not an inspector, may not
    r = _as(client, world, "grid_g2").post(
        reverse("inspections:verify", args=[finding.pk]), {"accepted": "1"}
    )
    assert r.status_code == 403
    r = _as(client, world, "leader_a1").post(
        reverse("inspections:verify", args=[finding.pk]), {"accepted": "1"}
    )
    assert r.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED


def test_overdue_rectifications_are_on_the_leaders_and_the_owners_workbench(client, world):
    finding = a_finding(world, what="垃圾点未清运")
    Finding.objects.filter(pk=finding.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    for key in ("leader_a1", "grid_g1"):
        page = _as(client, world, key).get(reverse("core:workbench")).content.decode()
        assert 'id="inspections-panel"' in page and "垃圾点未清运" in page, key
    page = _as(client, world, "grid_g2").get(reverse("core:workbench")).content.decode()
    assert 'id="inspections-panel"' not in page  # not theirs, and not an inspector
    listed = _as(client, world, "leader_a1").get(reverse("inspections:findings") + "?show=overdue")
    assert "垃圾点未清运" in listed.content.decode()


def test_decisions_are_listed_and_recorded_by_the_leader_only(client, world):
    c = _as(client, world, "leader_a1")
    r = c.post(
        reverse("inspections:merit_new"),
        {
            "community": world.community_a1.pk,
            "kind": "penalty",
            "subject_kind": "person",
            "subject": "张某",
            "reason": "擅离卡口",
            "decision": "诫勉谈话",
            "decided_on": timezone.localdate(),
        },
    )
    assert r.status_code == 302
    assert "擅离卡口" in c.get(reverse("inspections:merits")).content.decode()
    r = c.post(reverse("inspections:merit_new"), {"kind": "penalty"})
    assert r.status_code == 422 and Merit.objects.count() == 1
    assert _as(client, world, "office_a1").get(reverse("inspections:merit_new")).status_code == 403
    assert (
        "擅离卡口"
        not in _as(client, world, "leader_a2").get(reverse("inspections:merits")).content.decode()
    )
