"""The workbench and the navigation are built from what the apps register (their panels.py):
the same links in the same order for every role as the hand-written menu had, and a new app's
panel or link appears without touching any other app."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from fangkong.core import registry
from fangkong.core.registry import Panel

WORKBENCH = reverse("core:workbench")

#: The menu base.html had by hand before the registry: (URL name, shown for these capabilities).
HAND_WRITTEN = [
    ("core:workbench", lambda c: True),
    ("people:resident_list", lambda c: "view_people" in c),
    ("screening:registration_list", lambda c: "view_cases" in c),
    ("quarantine:case_list", lambda c: "view_cases" in c),
    ("health:checkin_list", lambda c: "view_cases" in c),
    ("health:alert_list", lambda c: "view_cases" in c),
    ("urgent:list", lambda c: "view_urgent" in c),
    ("tasks:list", lambda c: "view_tasks" in c),
    ("inspections:list", lambda c: "view_inspections" in c),
    ("screening:refusal_list", lambda c: "view_referrals" in c),
    ("notices:notice_list", lambda c: "view_notices" in c),
    ("notices:media_list", lambda c: "approve_notices" in c),
    ("supplies:stock", lambda c: "view_supplies" in c),
    ("disinfection:today", lambda c: "view_disinfection" in c),
    ("policy:area_list", lambda c: "view_cases" in c or "view_people" in c),
    ("policy:version_list", lambda c: "view_cases" in c),
    ("closure:community_list", lambda c: "view_closure" in c),
    ("checkpoints:gate", lambda c: "guard_gate" in c),
    ("checkpoints:log", lambda c: "view_gate_log" in c),
    ("checkpoints:pass_buildings", lambda c: "issue_passes" in c),
    ("lockdown:list", lambda c: "view_lockdowns" in c),
    ("lockdown:my_deliveries", lambda c: "deliver_supplies" in c and "view_lockdowns" not in c),
    ("roster:week", lambda c: "view_roster" in c),
    ("reports:index", lambda c: "view_daily_reports" in c),
    ("dashboards:dashboard", lambda c: "view_dashboards" in c),
    ("summaries:summary", lambda c: "view_summaries" in c),
    ("summaries:aftercare", lambda c: "record_aftercare" in c),
    ("reports:line_lists", lambda c: "export_people" in c),
    ("masstesting:round_list", lambda c: "view_rounds" in c),
    ("core:tree", lambda c: "view_jurisdictions" in c),
    ("imports:job_list", lambda c: "import_people" in c),
    ("organisation:index", lambda c: "view_organisation" in c),
    ("core:staff_list", lambda c: "view_staff" in c),
    ("core:audit_list", lambda c: "view_audit" in c),
    ("admin:index", lambda c: "use_admin" in c),
    ("core:twofactor_setup", lambda c: True),
    ("core:my_tokens", lambda c: True),
]


def menu(html: str) -> list[str]:
    nav = html.split('<nav class="mainnav">', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)"', nav)


@pytest.mark.parametrize(
    "key",
    [
        "admin_a",
        "leader_a1",
        "office_a1",
        "grid_g1",
        "medic_a1",
        "guard_a1",
        "volunteer_a1",
        "police_a1",
    ],
)
def test_every_role_gets_the_menu_it_had(client, world, key) -> None:
    user = world.user(key)
    caps = {str(c) for c in user.capabilities}
    client.force_login(user)
    expected = [reverse(name) for name, shown in HAND_WRITTEN if shown(caps)]
    assert menu(client.get(WORKBENCH).content.decode()) == expected
    assert len(expected) > 3


def test_a_registered_link_appears_for_the_capabilities_it_names(client, world, monkeypatch):
    navigation = registry.Registry()
    for order, entry in enumerate(registry.navigation):
        navigation.add(entry.url_name, entry, order=order)
    navigation.add(
        "test.new",
        registry.NavEntry("core:audit_list", "测试链接", frozenset({"view_audit"})),
        order=999,
    )
    monkeypatch.setattr("fangkong.core.context_processors.registered_navigation", navigation)

    client.force_login(world.user("admin_a"))
    assert "测试链接" in client.get(WORKBENCH).content.decode()
    client.force_login(world.user("grid_g1"))  # no view_audit
    assert "测试链接" not in client.get(WORKBENCH).content.decode()


def test_the_workbench_renders_the_registered_panels_in_order(client, world, monkeypatch):
    panels = registry.Registry()
    monkeypatch.setattr("fangkong.web.views.workbench.workbench_panels", panels)
    panels.add("b", Panel("web/tests/panel.html", lambda r: {"text": "第二块"}), order=2)
    panels.add("a", Panel("web/tests/panel.html", lambda r: {"text": "第一块"}), order=1)
    panels.add("no", Panel("web/tests/panel.html", lambda r: None), order=3)

    client.force_login(world.user("grid_g1"))
    html = client.get(WORKBENCH).content.decode()
    assert html.index("第一块") < html.index("第二块")
    assert html.count('class="test-panel"') == 2


def test_the_nav_entry_checks_any_of_and_none_of() -> None:
    entry = registry.NavEntry("x", "x", frozenset({"a", "b"}), frozenset({"c"}))
    assert entry.shown({"a"}) and entry.shown({"b", "d"})
    assert not entry.shown({"d"}) and not entry.shown({"a", "c"})
    assert registry.NavEntry("x", "x").shown(set())


def test_asking_a_question_nobody_answers_is_an_error() -> None:
    with pytest.raises(LookupError):
        registry.answer_to("no such question")


ROLES = [
    "admin_a",
    "leader_a1",
    "office_a1",
    "grid_g1",
    "medic_a1",
    "guard_a1",
    "volunteer_a1",
    "police_a1",
]


def top_menu(html: str) -> list[tuple[str, str]]:
    """The top level of the menu: each group's summary, each link outside a group."""
    nav = html.split('<nav class="mainnav">', 1)[1].split("</nav>", 1)[0]
    nav = re.sub(r'<div class="navmenu">.*?</div>', "", nav, flags=re.S)
    return re.findall(r"<summary>([^<]+)</summary>|<a href=\"[^\"]+\">([^<]+)</a>", nav)


@pytest.mark.parametrize("key", ROLES)
def test_every_role_sees_a_short_grouped_menu(client, world, key) -> None:
    """Issue 12 item 15: 19–21 links in one row wrapped mid-word at 1366 px; the links now
    sit in the groups their registrations name, at most 8 places at the top (and log out):
    the reporting chain of issue 13 (报送) is a group of its own, one more short label."""
    client.force_login(world.user(key))
    top = top_menu(client.get(WORKBENCH).content.decode())
    assert 2 <= len(top) <= 8, top
    assert top[0] == ("", "工作台")


def test_the_menu_groups_links_by_their_registration() -> None:
    every = frozenset().union(*(e.any_of for e in registry.navigation)) | {"use_admin"}
    items = registry.menu(every)
    labels = [str(i.label) for i in items]
    assert labels == [
        "工作台",
        "人员",
        "防控",
        "政策",
        "卡口与封控",
        "报送",
        "核酸检测轮次",
        "管理",
    ]
    people = next(i for i in items if i.group == "people")
    assert [e.url_name for e in people.entries] == [
        "people:resident_list",
        "screening:registration_list",
    ]
    # every link but the workbench names a registered group
    groups = {g.name for g in registry.navigation_groups}
    assert all(e.group in groups for e in registry.navigation if e.url_name != "core:workbench")


def test_a_group_with_one_visible_link_is_that_link() -> None:
    items = registry.menu({"guard_gate"})
    assert [(i.entry.url_name if i.entry else i.group) for i in items] == [
        "core:workbench",
        "checkpoints:gate",
        "manage",
    ]


def test_a_link_naming_an_unregistered_group_is_an_error() -> None:
    entries = registry.Registry()
    entries.add("x", registry.NavEntry("core:workbench", "x", group="nowhere"), order=1)
    with pytest.raises(LookupError):
        registry.menu(set(), entries)
