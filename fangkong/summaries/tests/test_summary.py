"""The period summary (F18): figures, charts, events and aftercare from the records of the
user's jurisdiction; the .docx a township files; the township's assessment; aftercare
records. Permissions both ways; bad input changes nothing."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.quarantine.tests.factories import CaseFactory, IndexCaseFactory
from fangkong.summaries import actions, summary
from fangkong.summaries.models import Assessment, Decontamination, FamilyVisit

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def case(world, today):
    return IndexCaseFactory.create(
        township=world.township_a,
        community=world.community_a1,
        name="张三丰",
        reported_on=today - dt.timedelta(days=2),
    )


def _figures(data):
    return {f.label: f.value for _g, figures in data.figures for f in figures}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_summary_counts_the_period_and_masks_names(world, today, case):
    CaseFactory.create(resident=world.resident_g1, start_date=today - dt.timedelta(days=1))
    actions.record_visit(
        world.user("office_a1"),
        case,
        community=world.community_a1,
        visited_on=today,
        done="上门慰问，送去生活物资",
    )
    data = summary.build(world.user("admin_a"), today - dt.timedelta(days=6), today)
    figures = _figures(data)
    assert figures["Index cases reported"] == 1
    assert figures["Quarantines started"] == 1
    assert figures["Visits to patients' families"] == 1
    assert any("张**" in e.text for e in data.events)
    assert not any("张三丰" in e.text for e in data.events)
    other = summary.build(world.user("admin_b"), today - dt.timedelta(days=6), today)
    assert _figures(other)["Index cases reported"] == 0
    assert other.visits == []


def test_the_docx_holds_the_sections_the_charts_and_the_assessment(client, world, today, case):
    actions.write_assessment(
        world.user("admin_a"),
        world.township_a,
        start=today - dt.timedelta(days=13),
        end=today,
        text="本期疫情总体可控。\n发现病例一例，密接全部管控。",
    )
    client.force_login(world.user("admin_a"))
    response = client.get(reverse("summaries:docx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "本期疫情总体可控。" in text and "密接全部管控" in text
    assert len(doc.inline_shapes) >= 1  # the charts, as pictures
    assert AuditEntry.objects.filter(action="export", target_type="summaries.assessment").exists()


@pytest.mark.parametrize(
    ("key", "status"),
    [("admin_a", 200), ("leader_a1", 200), ("office_a1", 200), ("grid_g1", 403), ("guard_a1", 403)],
)
def test_who_sees_the_summary(client, world, key, status):
    client.force_login(world.user(key))
    for name in ("summaries:summary", "summaries:print", "summaries:docx"):
        assert client.get(reverse(name)).status_code == status, name


@pytest.mark.parametrize("key", ["leader_a1", "office_a1", "admin_b"])
def test_only_the_township_writes_its_assessment(world, today, key):
    with pytest.raises(DomainError):
        actions.write_assessment(
            world.user(key), world.township_a, start=today, end=today, text="评估"
        )
    assert not Assessment.objects.exists()


def test_an_assessment_needs_text_and_a_period_in_order(world, today):
    admin = world.user("admin_a")
    with pytest.raises(DomainError):
        actions.write_assessment(admin, world.township_a, start=today, end=today, text="  ")
    with pytest.raises(DomainError):
        actions.write_assessment(
            admin, world.township_a, start=today, end=today - dt.timedelta(days=1), text="x"
        )
    assert not Assessment.objects.exists()


def test_the_assessment_form_saves_and_rewrites(client, world, today):
    client.force_login(world.user("admin_a"))
    start = today - dt.timedelta(days=6)
    data = {"start": start.isoformat(), "end": today.isoformat(), "text": "第一稿"}
    client.post(reverse("summaries:assess"), data)
    client.post(reverse("summaries:assess"), {**data, "text": "第二稿"})
    assert Assessment.objects.get().text == "第二稿"
    page = client.get(reverse("summaries:summary"), {"start": start.isoformat(), "end": today})
    assert "第二稿" in page.content.decode()


def test_aftercare_refuses_bad_input_and_other_communities(client, world, today, case):
    office = world.user("office_a1")
    with pytest.raises(DomainError):
        actions.record_visit(office, case, community=world.community_a1, visited_on=today, done="")
    with pytest.raises(DomainError):
        actions.record_visit(
            office,
            case,
            community=world.community_a1,
            visited_on=today + dt.timedelta(days=1),
            done="慰问",
        )
    with pytest.raises(DomainError):
        actions.record_decontamination(
            world.user("leader_a2"),
            community=world.community_a1,
            place="3栋电梯",
            done_on=today,
            agent="含氯消毒液 500mg/L",
        )
    assert not FamilyVisit.objects.exists() and not Decontamination.objects.exists()
    client.force_login(office)
    response = client.post(
        reverse("summaries:aftercare"),
        {
            "kind": "decontamination",
            "clean-community": world.community_a1.pk,
            "clean-place": "1栋1单元楼道",
            "clean-done_on": today.isoformat(),
            "clean-agent": "含氯消毒液 500mg/L，2 升",
        },
    )
    assert response.status_code == 302
    assert Decontamination.objects.get().place == "1栋1单元楼道"
    client.force_login(world.user("leader_a2"))
    page = client.get(reverse("summaries:aftercare")).content.decode()
    assert "1栋1单元楼道" not in page
