"""The retention numbers of a policy version (issue 10, item 14): checked like the others,
editable on the form, shown in words, and 30 days in the first version."""

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from fangkong.policy.display import RETENTION_RULES, RULE_LABELS, SECTIONS, value_text
from fangkong.policy.forms import PolicyForm
from fangkong.policy.models import Policy
from fangkong.policy.rules import DEFAULT_RULES, PolicyRules
from fangkong.policy.tests.test_views_versions import form_data, login, versions  # noqa: F401
from fangkong.policy.validity import problems

NAMES = (
    "retention_case_days",
    "retention_registration_days",
    "retention_checkin_days",
    "retention_alert_days",
    "retention_gate_entry_days",
    "retention_visitor_days",
)


def test_the_first_version_keeps_personal_data_30_days_after_closing():
    for name in NAMES:
        assert getattr(DEFAULT_RULES, name) == 30, name
    assert problems(DEFAULT_RULES) == []


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("value", "ok"), [(0, False), (1, True), (365, True), (366, False)])
def test_a_retention_window_runs_from_one_day_to_a_year(name, value, ok):
    found = {p.key for p in problems(replace(DEFAULT_RULES, **{name: value}))}
    assert (name not in found) is ok


def test_old_versions_without_the_numbers_read_as_the_defaults():
    data = DEFAULT_RULES.to_data()
    for name in NAMES:
        del data[name]
    assert PolicyRules.from_data(data) == DEFAULT_RULES


def test_the_retention_numbers_are_on_the_page_in_words(settings):
    settings.LANGUAGE_CODE = "en"
    shown = {n for _t, names in SECTIONS for n in names}
    assert set(RETENTION_RULES) == set(NAMES) <= shown
    assert set(NAMES) <= set(RULE_LABELS)
    assert value_text("retention_case_days", 30) == "30 days, then only counts are kept"


@pytest.mark.django_db
def test_the_form_round_trips_the_retention_numbers(world):
    numbers: dict[str, Any] = {n: 10 + i for i, n in enumerate(NAMES)}
    changed = replace(DEFAULT_RULES, **numbers)
    policy = Policy(rules=changed.to_data(), name="x", effective_from=dt.date(2026, 1, 1))
    data = form_data(policy, source_title="文件")
    form = PolicyForm(data)
    assert form.is_valid(), form.errors
    assert form.rules() == changed


@pytest.mark.django_db
class TestPage:
    @pytest.fixture(autouse=True)
    def frozen(self):
        with time_machine.travel(dt.datetime(2026, 1, 20, 9, 0), tick=False):
            yield

    def test_the_admin_edits_a_retention_window(self, client, world, versions):  # noqa: F811
        draft = versions["a3"]
        c = login(client, world, "admin_a")
        page = c.get(reverse("policy:version_edit", args=[draft.pk])).content.decode()
        for name in NAMES:
            assert f'name="{name}"' in page, name

        response = c.post(
            reverse("policy:version_edit", args=[draft.pk]),
            form_data(draft, retention_checkin_days="14"),
        )
        assert response.status_code == 302
        assert Policy.objects.get(pk=draft.pk).as_rules().retention_checkin_days == 14

    def test_a_window_of_zero_days_is_refused_on_its_field(self, client, world, versions):  # noqa: F811
        draft = versions["a3"]
        c = login(client, world, "admin_a")
        response = c.post(
            reverse("policy:version_edit", args=[draft.pk]),
            form_data(draft, retention_alert_days="0"),
        )
        assert response.status_code in (200, 422)
        assert "from 1 to 365" in response.content.decode()
        assert Policy.objects.get(pk=draft.pk).as_rules().retention_alert_days == 30
