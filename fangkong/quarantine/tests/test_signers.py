"""Release sign-off by the case's own 包保 staff (issue 12 item 1): only the cadre and the
medical worker assigned to the case sign; a leader who needs someone else to sign changes the
assignment first, a decision with its reason, in the case's history and the audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from fangkong.api.tests.client import ApiClient
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.core.roles import Role
from fangkong.core.tests.factories import UserFactory
from fangkong.quarantine import actions
from fangkong.quarantine.models import Case, CaseEvent, CaseStatus, EventAction, SignOff, SignRole

from .cases import SERVED, in_review, on, open_case, started

NOT_ASSIGNED_CADRE = (
    "Only the cadre assigned to this case (包保干部: grid_g1) may sign as the cadre. If someone "
    "else must sign, a community leader first changes the responsible staff, with the reason."
)


@pytest.fixture
def other_g1(world):
    """A second grid worker of grid G1, not assigned to the case."""
    return UserFactory.create(
        username="grid_g1b",
        display_name="grid_g1b",
        role=Role.GRID_WORKER,
        township=world.township_a,
        community=world.community_a1,
        grid=world.grid_g1,
    )


def reassign(world, case, *, cadre="grid_g1", medic="medic_a1", by="leader_a1", reason="病假"):
    with on(SERVED):
        return actions.change_responsible(
            case,
            by=world.user(by),
            cadre=world.user(cadre) if cadre else None,
            medic=world.user(medic) if medic else None,
            reason=reason,
        )


# --- the action ------------------------------------------------------------------------------


def test_the_assigned_cadre_and_medical_worker_sign(world):
    case = in_review(world)
    with on(SERVED):
        actions.sign(case, by=world.user("grid_g1"), role=SignRole.CADRE)
        actions.sign(case, by=world.user("medic_a1"), role=SignRole.MEDIC)
        assert actions.release(case, by=world.user("grid_g1")).status == CaseStatus.RELEASED


def test_a_leader_is_refused_as_the_cadre_of_a_case_assigned_to_a_grid_worker(world):
    case = in_review(world)
    with on(SERVED), pytest.raises(DomainError) as exc:
        actions.sign(case, by=world.user("leader_a1"), role=SignRole.CADRE)
    assert exc.value.errors == {"role": [NOT_ASSIGNED_CADRE]}
    assert not SignOff.objects.exists()


def test_another_grid_worker_of_the_grid_is_refused_as_the_cadre(world, other_g1):
    case = in_review(world)
    with on(SERVED), pytest.raises(DomainError, match="Only the cadre assigned to this case"):
        actions.sign(case, by=other_g1, role=SignRole.CADRE)
    assert not SignOff.objects.exists()


def test_nobody_signs_for_a_role_nobody_is_assigned_to(world):
    case = in_review(world)
    reassign(world, case, medic="")
    with on(SERVED), pytest.raises(DomainError, match="No responsible medical worker"):
        actions.sign(case, by=world.user("medic_a1"), role=SignRole.MEDIC)
    assert not SignOff.objects.exists()


def test_after_a_recorded_reassignment_the_leader_signs_as_the_cadre(world):
    case = in_review(world)
    reassign(world, case, cadre="leader_a1", reason="网格员病假，由社区书记包保")
    with on(SERVED):
        actions.sign(case, by=world.user("leader_a1"), role=SignRole.CADRE)
    event = CaseEvent.objects.filter(case=case, action=EventAction.CHANGE_RESPONSIBLE).latest("id")
    assert (event.by, event.reason) == (world.user("leader_a1"), "网格员病假，由社区书记包保")
    assert event.data == {"cadre": ["grid_g1", "leader_a1"]}
    entry = AuditEntry.objects.filter(action="update", target_id=str(case.pk)).latest("id")
    assert entry.reason == "网格员病假，由社区书记包保"
    assert entry.changes["cadre"] == [world.user("grid_g1").pk, world.user("leader_a1").pk]


def test_a_signature_by_someone_replaced_no_longer_counts(world):
    case = in_review(world)
    with on(SERVED):
        actions.sign(case, by=world.user("grid_g1"), role=SignRole.CADRE)
        actions.sign(case, by=world.user("medic_a1"), role=SignRole.MEDIC)
    reassign(world, case, cadre="leader_a1", reason="改由书记签字")
    assert list(SignOff.objects.values_list("role", "user__username")) == [("medic", "medic_a1")]
    event = CaseEvent.objects.filter(case=case, action=EventAction.CHANGE_RESPONSIBLE).latest("id")
    assert event.data["withdrawn"] == [{"role": "cadre", "user": "grid_g1"}]
    entry = AuditEntry.objects.filter(action="update", target_id=str(case.pk)).latest("id")
    assert entry.changes["cadre_signature"] == ["grid_g1", ""]
    with on(SERVED), pytest.raises(DomainError, match="responsible cadre"):
        actions.release(case, by=world.user("leader_a1"))
    with on(SERVED):
        actions.sign(case, by=world.user("leader_a1"), role=SignRole.CADRE)
        assert actions.release(case, by=world.user("leader_a1")).status == CaseStatus.RELEASED


def test_a_reassignment_needs_its_reason_and_changes_nothing_without_it(world):
    case = in_review(world)
    with pytest.raises(DomainError, match="Say why the responsible staff change") as exc:
        reassign(world, case, cadre="leader_a1", reason="  ")
    assert "reason" in exc.value.errors
    assert Case.objects.get(pk=case.pk).cadre == world.user("grid_g1")


@pytest.mark.parametrize("key", ["grid_g1", "medic_a1", "office_a1"])
def test_only_a_leader_or_the_township_reassigns(world, key):
    case = in_review(world)
    with pytest.raises(DomainError, match="Only a community leader or the township"):
        reassign(world, case, cadre="leader_a1", by=key)
    assert Case.objects.get(pk=case.pk).cadre == world.user("grid_g1")
    reassign(world, case, cadre="leader_a1", by="admin_a")
    assert Case.objects.get(pk=case.pk).cadre == world.user("leader_a1")


def test_the_refusal_is_in_chinese(world):
    case = in_review(world)
    with translation.override("zh-hans"), on(SERVED), pytest.raises(DomainError) as exc:
        actions.sign(case, by=world.user("leader_a1"), role=SignRole.CADRE)
    message = exc.value.errors["role"][0]
    assert "grid_g1" in message and "包保干部" in message and "Only" not in message


# --- the page --------------------------------------------------------------------------------


def page(client, world, key, case):
    client.force_login(world.user(key))
    return client.get(reverse("quarantine:case_detail", args=[case.pk]))


def test_the_assigned_cadre_sees_the_button_and_the_leader_the_reason_why_not(client, world):
    case = in_review(world)
    with on(SERVED):
        html = page(client, world, "grid_g1", case).content.decode()
        assert 'id="sign-cadre"' in html and 'id="sign-refusals"' not in html
        html = page(client, world, "leader_a1", case).content.decode()
    assert 'id="sign-cadre"' not in html
    assert "Only the cadre assigned to this case (包保干部: grid_g1)" in html


def test_a_leader_signing_on_the_page_is_refused_and_the_assigned_cadre_accepted(
    client, world, other_g1
):
    case = in_review(world)
    url = reverse("quarantine:case_sign", args=[case.pk])
    with on(SERVED):
        for key in ("leader_a1", "grid_g1b"):
            client.force_login(world.user(key) if key != "grid_g1b" else other_g1)
            response = client.post(url, {"role": "cadre"})
            assert response.status_code == 422
            assert "Only the cadre assigned to this case" in response.content.decode()
        assert not SignOff.objects.exists()
        client.force_login(world.user("grid_g2"))
        assert client.post(url, {"role": "cadre"}).status_code == 404
        client.force_login(world.user("grid_g1"))
        asked = client.post(url, {"role": "cadre"})
        assert asked.status_code == 200 and "cannot be withdrawn" in asked.content.decode()
        assert not SignOff.objects.exists()
        assert client.post(url, {"role": "cadre", "confirm": "1"}).status_code == 302
    assert SignOff.objects.get().user == world.user("grid_g1")


def test_a_leader_reassigns_on_the_page_with_the_reason_shown_in_the_history(client, world):
    case = in_review(world)
    url = reverse("quarantine:case_responsible", args=[case.pk])
    people = {"cadre": world.user("leader_a1").pk, "medic": world.user("medic_a1").pk}
    with on(SERVED):
        client.force_login(world.user("grid_g1"))
        assert "responsible_form" not in page(client, world, "grid_g1", case).context
        assert client.post(url, {**people, "reason": "x"}).status_code == 403
        client.force_login(world.user("leader_a1"))
        refused = client.post(url, people)
        assert refused.status_code == 422
        assert "Say why the responsible staff change." in refused.content.decode()
        assert Case.objects.get(pk=case.pk).cadre == world.user("grid_g1")
        assert client.post(url, {**people, "reason": "网格员病假"}).status_code == 302
        html = page(client, world, "leader_a1", case).content.decode()
    assert 'id="sign-cadre"' in html
    history = html[html.index('id="history"') :]
    assert "网格员病假" in history and "grid_g1 → <strong>leader_a1</strong>" in history


# --- the API ---------------------------------------------------------------------------------


def api(world, key):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = "en"
    return client


def test_over_the_api_a_leader_is_refused_until_a_recorded_reassignment(world, other_g1):
    case = in_review(world)
    sign, responsible = f"/cases/{case.pk}/sign", f"/cases/{case.pk}/responsible"
    people = {"cadre": world.user("leader_a1").pk, "medic": world.user("medic_a1").pk}
    same_grid = ApiClient(other_g1)
    same_grid.headers["Accept-Language"] = "en"
    with on(SERVED):
        refused = api(world, "leader_a1").post(sign, {"role": "cadre"})
        assert refused.status_code == 422
        assert refused.json()["errors"]["role"] == [NOT_ASSIGNED_CADRE]
        also_refused = same_grid.post(sign, {"role": "cadre"})
        assert also_refused.status_code == 422
        assert also_refused.json()["errors"]["role"] == [NOT_ASSIGNED_CADRE]
        assert api(world, "grid_g2").post(sign, {"role": "cadre"}).status_code == 404
        assert api(world, "leader_a2").post(sign, {"role": "cadre"}).status_code == 404
        assert api(world, "admin_b").post(sign, {"role": "cadre"}).status_code == 403
        assert not SignOff.objects.exists()
        assert api(world, "admin_b").post(responsible, {**people, "reason": "x"}).status_code == 404
        assert api(world, "grid_g1").post(responsible, {**people, "reason": "x"}).status_code == 403
        missing = api(world, "leader_a1").post(responsible, {**people, "reason": " "})
        assert missing.status_code == 422 and "reason" in missing.json()["errors"]
        moved = api(world, "leader_a1").post(responsible, {**people, "reason": "网格员病假"})
        assert moved.status_code == 200 and moved.json()["cadre"]["name"] == "leader_a1"
        signed = api(world, "leader_a1").post(sign, {"role": "cadre"})
    assert signed.status_code == 200
    assert [(s["role"], s["user"]["name"]) for s in signed.json()["signoffs"]] == [
        ("cadre", "leader_a1")
    ]


def test_over_the_api_a_refusal_is_in_chinese(world):
    case = in_review(world)
    client = ApiClient(world.user("leader_a1"))
    client.headers["Accept-Language"] = "zh-hans"
    with on(SERVED):
        message = client.post(f"/cases/{case.pk}/sign", {"role": "cadre"}).json()["errors"]["role"]
    assert "包保干部" in message[0] and "Only" not in message[0]


def test_someone_outside_the_grid_cannot_be_made_responsible_over_the_api(world):
    case = started(world, open_case(world))
    response = api(world, "leader_a1").post(
        f"/cases/{case.pk}/responsible",
        {"cadre": world.user("grid_g2").pk, "medic": None, "reason": "x"},
    )
    assert response.status_code == 422 and "cadre" in response.json()["errors"]
    assert Case.objects.get(pk=case.pk).cadre is None
