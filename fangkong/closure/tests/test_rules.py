"""The pure rules: the level in force (`state.py`) and what is missing (`checklist.py`)."""

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.closure import checklist as rule
from fangkong.closure.state import COUNTY, TOWNSHIP, Entry, level_now
from fangkong.policy.rules import DEFAULT_RULES, Level

AT = dt.datetime(2026, 1, 18, 9, 0, tzinfo=dt.UTC)
levels = st.sampled_from(list(Level))


@pytest.mark.parametrize(
    ("entry", "county", "level", "source", "closed"),
    [
        (None, Level.LOW, Level.LOW, COUNTY, False),
        (None, Level.MEDIUM, Level.MEDIUM, COUNTY, True),
        (Entry(TOWNSHIP, Level.MEDIUM, AT), Level.LOW, Level.MEDIUM, TOWNSHIP, True),
        (Entry(TOWNSHIP, Level.LOW, AT), Level.HIGH, Level.LOW, TOWNSHIP, False),
        (Entry(TOWNSHIP, Level.HIGH, AT), Level.LOW, Level.HIGH, TOWNSHIP, True),
        (Entry(COUNTY, None, AT), Level.HIGH, Level.HIGH, COUNTY, True),
        (Entry(COUNTY, None, AT), Level.LOW, Level.LOW, COUNTY, False),
    ],
)
def test_the_level_in_force(entry, county, level, source, closed):
    now = level_now(entry, county, DEFAULT_RULES)
    assert (now.level, now.source, now.closed_management) == (level, source, closed)
    assert now.since == (entry.at if entry else None)


@given(levels, levels, levels)
def test_closed_management_is_the_level_reaching_the_policys(set_level, county, threshold):
    rules = replace(DEFAULT_RULES, closed_management_from=threshold)
    by_township = level_now(Entry(TOWNSHIP, set_level, AT), county, rules)
    following = level_now(Entry(COUNTY, None, AT), county, rules)
    assert by_township.closed_management == (set_level.rank >= threshold.rank)
    assert following.closed_management == (county.rank >= threshold.rank)
    assert level_now(None, county, rules) == replace(following, since=None)


def test_a_township_entry_without_a_level_is_refused():
    with pytest.raises(ValueError):
        level_now(Entry(TOWNSHIP, None, AT), Level.LOW, DEFAULT_RULES)


# --- the checklist ----------------------------------------------------------------------------

FULL = {
    rule.ENTRANCE: rule.ItemFacts(rule.ENTRANCE, rule.DONE, gates=3, open_gates=1),
    rule.TEAM: rule.ItemFacts(rule.TEAM, rule.DONE, members=2),
    rule.PUBLICITY: rule.ItemFacts(rule.PUBLICITY, rule.DONE, photos=1),
    rule.EQUIPMENT: rule.ItemFacts(
        rule.EQUIPMENT,
        rule.DONE,
        details={"thermometers": 2, "masks": 500, "disinfectant": 10, "sprayers": 1},
    ),
    rule.RULES: rule.ItemFacts(
        rule.RULES,
        rule.DONE,
        details={"duty_24h": True, "daily_disinfection": True, "entry_registration": True},
    ),
    rule.INSPECTION: rule.ItemFacts(rule.INSPECTION, rule.DONE, members=1),
}


def codes(found):
    return {m.kind: [r.code for r in m.reasons] for m in found}


def test_nothing_is_missing_when_every_item_is_in_place():
    assert rule.missing(FULL.values()) == []
    assert rule.progress(FULL.values()) == (6, 6)


def test_every_item_is_missing_when_none_is_set_up():
    found = rule.missing([])
    assert [m.kind for m in found] == list(rule.KINDS)
    assert all(m.reasons[0].code == "not_set_up" for m in found)


@pytest.mark.parametrize(
    ("kind", "change", "code"),
    [
        (rule.ENTRANCE, {"gates": 0, "open_gates": 0}, "no_gate"),
        (rule.ENTRANCE, {"open_gates": 0}, "all_sealed"),
        (rule.ENTRANCE, {"open_gates": 2}, "gates_open"),
        (rule.TEAM, {"members": 0}, "no_member"),
        (rule.INSPECTION, {"members": 0}, "no_member"),
        (rule.PUBLICITY, {"photos": 0}, "no_photo"),
        (rule.EQUIPMENT, {"details": {"thermometers": 2, "masks": 5, "disinfectant": 1}}, None),
        (
            rule.EQUIPMENT,
            {"details": {"thermometers": 0, "masks": 5, "disinfectant": 1, "sprayers": 1}},
            "none_on_hand",
        ),
        (rule.RULES, {"details": {"duty_24h": True, "daily_disinfection": True}}, "rules_off"),
        (
            rule.RULES,
            {"details": {"duty_24h": True, "daily_disinfection": "yes", "entry_registration": 1}},
            "rules_off",
        ),
        (rule.TEAM, {"state": rule.IN_PROGRESS}, "in_progress"),
        (rule.TEAM, {"state": rule.MISSING}, "not_marked"),
    ],
)
def test_an_item_is_missing_and_says_why(kind, change, code):
    items = dict(FULL)
    items[kind] = replace(FULL[kind], **change)
    found = codes(rule.missing(items.values()))
    assert list(found) == [kind]
    assert found[kind] == [code or "none_on_hand"]


def test_the_missing_equipment_names_each_empty_quantity():
    facts = rule.ItemFacts(rule.EQUIPMENT, details={"masks": 3, "sprayers": "x"})
    (reason,) = rule.blockers(facts)
    assert reason.params["items"] == ["thermometers", "disinfectant", "sprayers"]


@given(st.dictionaries(st.sampled_from(rule.EQUIPMENT_KEYS), st.integers(-5, 50)))
def test_equipment_is_in_place_exactly_when_every_quantity_is_above_zero(details):
    facts = rule.ItemFacts(rule.EQUIPMENT, rule.DONE, details=details)
    expected = all(details.get(k, 0) > 0 for k in rule.EQUIPMENT_KEYS)
    assert rule.in_place(facts) == expected


@given(st.dictionaries(st.sampled_from(rule.RULE_SWITCHES), st.booleans()))
def test_rules_are_in_place_exactly_when_all_three_switches_are_on(details):
    facts = rule.ItemFacts(rule.RULES, rule.DONE, details=details)
    assert rule.in_place(facts) == all(details.get(k) is True for k in rule.RULE_SWITCHES)


@given(st.integers(0, 6), st.integers(0, 6))
def test_the_entrance_is_in_place_exactly_with_one_open_gate(gates, open_gates):
    open_gates = min(open_gates, gates)
    facts = rule.ItemFacts(rule.ENTRANCE, rule.DONE, gates=gates, open_gates=open_gates)
    assert rule.in_place(facts) == (open_gates == 1)
