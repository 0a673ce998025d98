"""The closed-management, lockdown and mass-testing numbers of a policy version (issue 4):
checked like the others, editable on the form, shown in words and in a preview."""

import datetime as dt
from dataclasses import fields, replace

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fangkong.policy.display import CLOSURE_RULES, RULE_LABELS, SECTIONS, changes, value_text
from fangkong.policy.forms import PolicyForm
from fangkong.policy.models import Policy
from fangkong.policy.rules import DEFAULT_RULES, Level, Measure, MeasureKind, PolicyRules
from fangkong.policy.tests.test_views_versions import form_data, login, versions  # noqa: F401
from fangkong.policy.validity import RulesProblems, problems, rules_from_json

HQ = MeasureKind.HOME_QUARANTINE


def keys(rules):
    return sorted({p.key for p in problems(rules)})


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"lockdown": Measure(MeasureKind.HEALTH_MONITORING, 14, ())}, ["lockdown_kind"]),
        ({"lockdown": Measure(HQ, 0, ())}, ["lockdown_days"]),
        ({"lockdown": Measure(HQ, 14, (15,))}, ["lockdown_test_days"]),
        ({"lockdown_checks_per_day": 0}, ["lockdown_checks_per_day"]),
        ({"lockdown_checks_per_day": 7}, ["lockdown_checks_per_day"]),
        ({"lockdown_disinfections_per_day": 0}, ["lockdown_disinfections_per_day"]),
        ({"pool_size": 0}, ["pool_size"]),
        ({"pool_size": 21}, ["pool_size"]),
        ({"delivery_limit_hours": 0}, ["delivery_limit_hours", "urgent_delivery_limit_hours"]),
        ({"urgent_delivery_limit_hours": 0}, ["urgent_delivery_limit_hours"]),
        ({"urgent_delivery_limit_hours": 30}, ["urgent_delivery_limit_hours"]),
        ({"gate_stop_health_codes": ("yellow",)}, ["gate_stop_health_codes"]),
        ({"gate_stop_health_codes": ("red", "purple")}, ["gate_stop_health_codes"]),
        ({"gate_stop_health_codes": ("red", "red")}, ["gate_stop_health_codes"]),
    ],
)
def test_a_closure_number_that_cannot_be_right_is_named_by_its_rule(change, expected):
    assert keys(replace(DEFAULT_RULES, **change)) == expected


@pytest.mark.parametrize(
    "change",
    [
        {"closed_management_from": Level.HIGH},
        {"closed_management_from": Level.LOW},
        {"refuse_non_essential_visits": False},
        {"gate_stop_health_codes": ("red",)},
        {"gate_stop_health_codes": ("yellow", "red", "none")},
        {"lockdown": Measure(MeasureKind.CENTRALISED_QUARANTINE, 7, (1, 7))},
        {"pool_size": 1, "lockdown_checks_per_day": 2, "lockdown_disinfections_per_day": 3},
        {"delivery_limit_hours": 12, "urgent_delivery_limit_hours": 12},
    ],
)
def test_sensible_closure_numbers_are_accepted(change):
    assert problems(replace(DEFAULT_RULES, **change)) == []


@given(
    st.integers(min_value=1, max_value=168),
    st.integers(min_value=1, max_value=72),
)
def test_an_urgent_limit_is_accepted_exactly_when_not_longer_than_the_ordinary(ordinary, urgent):
    rules = replace(
        DEFAULT_RULES, delivery_limit_hours=ordinary, urgent_delivery_limit_hours=urgent
    )
    assert (keys(rules) == []) == (urgent <= ordinary)


def test_closure_rules_read_from_json():
    rules = rules_from_json(
        {
            "closed_management_from": "high",
            "gate_stop_health_codes": ["red"],
            "lockdown": {"days": 7},
            "pool_size": 5,
            "refuse_non_essential_visits": False,
        },
        DEFAULT_RULES,
    )

    assert rules.closed_management_from is Level.HIGH
    assert rules.gate_stop_health_codes == ("red",)
    assert rules.lockdown == Measure(HQ, 7, ())
    assert rules.pool_size == 5
    assert rules.refuse_non_essential_visits is False
    assert rules.is_closed_management(Level.MEDIUM) is False


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"closed_management_from": "severe"}, ("closed_management_from",)),
        ({"closed_management_from": 2}, ("closed_management_from",)),
        ({"refuse_non_essential_visits": "yes"}, ("refuse_non_essential_visits",)),
        ({"gate_stop_health_codes": "red"}, ("gate_stop_health_codes",)),
        ({"lockdown": {"kind": "curfew"}}, ("lockdown", "kind")),
        ({"pool_size": "10"}, ("pool_size",)),
    ],
)
def test_closure_json_of_the_wrong_shape_is_refused(data, path):
    with pytest.raises(RulesProblems) as caught:
        rules_from_json(data, DEFAULT_RULES)

    assert [p.path for p in caught.value.problems] == [path]


def test_every_rule_has_a_label_and_a_section():
    in_sections = {n for _title, names in SECTIONS for n in names}
    for f in fields(PolicyRules):
        assert f.name in RULE_LABELS, f.name
        assert f.name in in_sections, f.name
    assert set(CLOSURE_RULES) <= in_sections


def test_closure_values_read_as_words(settings):
    settings.LANGUAGE_CODE = "en"
    data = DEFAULT_RULES.to_data()
    assert value_text("closed_management_from", data["closed_management_from"]) == (
        "Medium risk and above"
    )
    assert value_text("gate_stop_health_codes", data["gate_stop_health_codes"]) == "yellow, red"
    assert value_text("refuse_non_essential_visits", True) == "refused"
    assert value_text("pool_size", 10) == "10 in 1"
    assert value_text("lockdown", data["lockdown"]) == "Home quarantine, 14 days, no scheduled test"
    assert value_text("urgent_delivery_limit_hours", 4) == "4 hours"


# --- the form -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_round_trips_every_rule(world):
    """Every rule, set away from its default, comes back from the form unchanged."""
    changed = replace(
        DEFAULT_RULES,
        closed_management_from=Level.HIGH,
        refuse_non_essential_visits=False,
        gate_stop_health_codes=("yellow", "red", "none"),
        lockdown=Measure(MeasureKind.CENTRALISED_QUARANTINE, 7, (1, 7)),
        lockdown_checks_per_day=2,
        lockdown_disinfections_per_day=3,
        pool_size=5,
        delivery_limit_hours=12,
        urgent_delivery_limit_hours=2,
        duty_shift_starts="08:00,20:00",
        checks_per_day=3,
        high=Measure(MeasureKind.CENTRALISED_QUARANTINE, 21, (1, 21)),
    )
    policy = Policy(rules=changed.to_data(), name="x", effective_from=dt.date(2026, 1, 1))
    initial = PolicyForm.initial_for(policy)
    data = {k: v for k, v in initial.items() if v is not None and v is not False}
    data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}
    data["source_title"] = "文件"
    from django.http import QueryDict

    qd = QueryDict(mutable=True)
    for k, v in data.items():
        if isinstance(v, list):
            qd.setlist(k, [str(x) for x in v])
        else:
            qd[k] = str(v)
    form = PolicyForm(qd)

    assert form.is_valid(), form.errors
    assert form.rules() == changed
    for f in fields(PolicyRules):
        assert getattr(form.rules(), f.name) == getattr(changed, f.name), f.name


@pytest.mark.django_db
class TestPages:
    @pytest.fixture(autouse=True)
    def frozen(self):
        with time_machine.travel(dt.datetime(2026, 1, 20, 9, 0), tick=False):
            yield

    def test_the_admin_edits_the_closure_numbers(self, client, world, versions):  # noqa: F811
        draft = versions["a3"]
        c = login(client, world, "admin_a")
        page = c.get(reverse("policy:version_edit", args=[draft.pk])).content.decode()
        for name in (
            "closed_management_from",
            "refuse_non_essential_visits",
            "gate_stop_health_codes",
            "lockdown_kind",
            "lockdown_days",
            "lockdown_checks_per_day",
            "lockdown_disinfections_per_day",
            "pool_size",
            "delivery_limit_hours",
            "urgent_delivery_limit_hours",
            "duty_shift_starts",
        ):
            assert f'name="{name}"' in page, name

        response = c.post(
            reverse("policy:version_edit", args=[draft.pk]),
            form_data(
                draft,
                closed_management_from="high",
                gate_stop_health_codes=["red", "none"],
                pool_size="5",
                lockdown_days="7",
                duty_shift_starts="07:00，19:00",
            ),
        )

        assert response.status_code == 302
        rules = Policy.objects.get(pk=draft.pk).as_rules()
        assert rules.closed_management_from is Level.HIGH
        assert rules.gate_stop_health_codes == ("red", "none")
        assert rules.pool_size == 5
        assert rules.lockdown == Measure(HQ, 7, ())
        assert rules.refuse_non_essential_visits is True
        assert rules.duty_shift_starts == "07:00,19:00"

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"pool_size": "0"}, "pool_size", "from 1 to 20"),
            ({"gate_stop_health_codes": ["yellow"]}, "gate_stop_health_codes", "red health code"),
            ({"lockdown_kind": "health_monitoring"}, "lockdown_kind", "isolated"),
            ({"urgent_delivery_limit_hours": "30"}, "urgent_delivery_limit_hours", "cannot wait"),
            ({"closed_management_from": "severe"}, "closed_management_from", "valid choice"),
            ({"duty_shift_starts": "16:00,08:00"}, "duty_shift_starts", "start times in order"),
        ],
    )
    def test_a_bad_closure_number_is_shown_on_its_field_and_nothing_is_saved(
        self,
        client,
        world,
        versions,  # noqa: F811
        changes,
        field,
        message,
    ):
        draft = versions["a3"]
        response = login(client, world, "admin_a").post(
            reverse("policy:version_edit", args=[draft.pk]), form_data(draft, **changes)
        )

        assert response.status_code == 422
        errors = response.context["form"].errors
        assert list(errors) == [field]
        assert message in " ".join(errors[field])
        assert Policy.objects.get(pk=draft.pk).rules == draft.rules

    def test_a_draft_changing_closure_numbers_previews_the_difference(
        self,
        client,
        world,
        versions,  # noqa: F811
    ):
        versions["a2"].delete()
        draft = versions["a3"]
        draft.rules = replace(
            DEFAULT_RULES, closed_management_from=Level.HIGH, pool_size=5
        ).to_data()
        draft.save()

        html = (
            login(client, world, "admin_a")
            .get(reverse("policy:version_detail", args=[draft.pk]))
            .content.decode()
        )

        assert "Closed management of a community from" in html
        assert "High risk and above" in html
        assert "Mass testing: people per pooled tube" in html
        assert "5 in 1" in html
        assert "Closed management, lockdown and mass testing" in html

    def test_the_changes_list_names_closure_rules_in_page_order(self, settings):
        settings.LANGUAGE_CODE = "en"
        diff = {
            "pool_size": (10, 5),
            "closed_management_from": ("medium", "high"),
            "fever_threshold": ("37.3", "37.5"),
        }
        assert [c.name for c in changes(diff)] == [
            "fever_threshold",
            "closed_management_from",
            "pool_size",
        ]
