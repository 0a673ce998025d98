"""What apps contribute to pages and endpoints they do not own, by registration.

`core` sits at the ground and imports no other app; an app above it declares here what it
brings (its API router, its workbench panels, its answers to another app's questions) and the
owner of the page or of the API mounts whatever is registered. Adding an app then changes no
other app's code. docs/ARCHITECTURE.md explains the layers.

Registrations happen when the app's modules are imported: each app's `api.py` registers its
router at import (the aggregator's `discover("api")` imports them all); each app's `panels.py`
declares its workbench panels, navigation entries and answers, and is imported by
`CoreConfig.ready` (`discover("panels")`) once every model is loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from .roles import check_capability


def discover(module: str) -> None:
    """Import `<app>.<module>` of every installed Fangkong app that has one."""
    for config in apps.get_app_configs():
        if config.name.startswith("fangkong.") and module_has_submodule(config.module, module):
            import_module(f"{config.name}.{module}")


@dataclass(frozen=True)
class Registered:
    order: int
    name: str
    item: Any


class Registry:
    """Named items in a declared order; registering a name again replaces it (a re-import)."""

    def __init__(self) -> None:
        self._items: dict[str, Registered] = {}

    def add(self, name: str, item: Any, *, order: int) -> None:
        self._items[name] = Registered(order, name, item)

    def registered(self) -> list[Registered]:
        return sorted(self._items.values(), key=lambda r: (r.order, r.name))

    def __iter__(self) -> Any:
        return iter(r.item for r in self.registered())

    def get(self, name: str) -> Any:
        """The item registered as `name`, or None."""
        found = self._items.get(name)
        return found.item if found else None


#: The API routers (django-ninja `Router`) the aggregator mounts under /api/v1/, in order: URL
#: patterns are tried in turn, so the busiest (the gate scan) goes first.
api_routers = Registry()


def register_router(name: str, router: Any, *, order: int = 100) -> None:
    api_routers.add(name, router, order=order)


@dataclass(frozen=True)
class Panel:
    """A card of the workbench: `template` rendered with `context(request)`; no card when the
    context function returns None (the user's role does not see it)."""

    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]


#: The workbench's panels, in the order the page shows them.
workbench_panels = Registry()


def register_panel(name: str, panel: Panel, *, order: int) -> None:
    workbench_panels.add(name, panel, order=order)


@dataclass(frozen=True)
class NavEntry:
    """A link of the main navigation: shown when the user holds any of `any_of` (always when
    empty) and none of `none_of`; `label` is a lazy translation. `group` names the menu
    (`register_nav_group`) it is listed under; an entry without one stands at the top."""

    url_name: str
    label: Any
    any_of: frozenset[str] = frozenset()
    none_of: frozenset[str] = frozenset()
    group: str = ""

    def shown(self, caps: frozenset[str] | set[str]) -> bool:
        return (not self.any_of or bool(self.any_of & caps)) and not (self.none_of & caps)


@dataclass(frozen=True)
class NavGroup:
    """A drop-down of the main navigation (人员, 防控, …): its label, a lazy translation."""

    name: str
    label: Any


@dataclass(frozen=True)
class MenuItem:
    """One place of the top menu: a link (`entry`) or a group with its links (`entries`). A
    group of which the user sees one link only is that link, without a drop-down."""

    label: Any
    entry: NavEntry | None = None
    group: str = ""
    entries: tuple[NavEntry, ...] = ()


#: The main navigation, in order (base.html draws the entries the user may see).
navigation = Registry()
#: The groups of the main navigation, in order.
navigation_groups = Registry()


def register_nav(
    name: str,
    url_name: str,
    label: Any,
    *,
    order: int,
    group: str = "",
    any_of: tuple[str, ...] = (),
    none_of: tuple[str, ...] = (),
) -> None:
    """Add a link to the main navigation; `any_of` and `none_of` name registered capabilities
    (UnknownCapability for any other, so a typo cannot hide a link from everyone)."""
    for capability in (*any_of, *none_of):
        check_capability(capability)
    navigation.add(
        name,
        NavEntry(url_name, label, frozenset(any_of), frozenset(none_of), group),
        order=order,
    )


def register_nav_group(name: str, label: Any, *, order: int) -> None:
    navigation_groups.add(name, NavGroup(name, label), order=order)


def menu(
    caps: frozenset[str] | set[str],
    entries: Registry | None = None,
    groups: Registry | None = None,
) -> list[MenuItem]:
    """The top menu for a user holding `caps`: each entry they may see that has no group, and
    each group with at least one such entry, in the order of their registrations (of
    `navigation` and `navigation_groups` unless others are given)."""
    by_group: dict[str, list[NavEntry]] = {}
    places: list[tuple[int, str, MenuItem]] = []
    for r in (navigation if entries is None else entries).registered():
        entry: NavEntry = r.item
        if not entry.shown(caps):
            continue
        if entry.group:
            by_group.setdefault(entry.group, []).append(entry)
        else:
            places.append((r.order, r.name, MenuItem(entry.label, entry=entry)))
    known = {r.name: r for r in (navigation_groups if groups is None else groups).registered()}
    unknown = set(by_group) - set(known)
    if unknown:
        raise LookupError(f"navigation entries name unregistered groups: {sorted(unknown)}")
    for name, shown in by_group.items():
        r = known[name]
        if len(shown) == 1:
            item = MenuItem(shown[0].label, entry=shown[0], group=name)
        else:
            item = MenuItem(r.item.label, group=name, entries=tuple(shown))
        places.append((r.order, r.name, item))
    return [item for _, _, item in sorted(places, key=lambda p: (p[0], p[1]))]


#: Answers one app gives to a question another app asks, by name, so the asking app need not
#: import the answering one (which may sit above it).
_answers: dict[str, Callable[..., Any]] = {}


def provide(question: str, answer: Callable[..., Any]) -> None:
    _answers[question] = answer


def answer_to(question: str) -> Callable[..., Any]:
    """The function registered for `question`; LookupError when no app provides it."""
    try:
        return _answers[question]
    except KeyError:
        raise LookupError(f"no installed app answers {question!r}") from None


#: The policy page's "open records this version would treat differently": functions
#: (user, current PolicyVersion, new PolicyVersion) → list of rows, each with the record and
#: how the two versions differ.
policy_differences = Registry()


def register_policy_difference(name: str, rows: Callable[..., Any], *, order: int = 100) -> None:
    policy_differences.add(name, rows, order=order)


@dataclass(frozen=True)
class ResidentRecord:
    """One line of the resident page's epidemic-prevention section: a record another app
    keeps about the person (a registration, a case, an alert, a check-in, a test, a pass, a
    lockdown …). `when` is a date or an aware time; `url` the record's page, if any."""

    when: dt.datetime | dt.date
    kind: str
    text: str
    url: str = ""
    #: shown highlighted (an escalated alert, a positive result, an open case)
    alarm: bool = False

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, dt.datetime)

    @property
    def sort_key(self) -> dt.datetime:
        if isinstance(self.when, dt.datetime):
            return self.when
        return timezone.make_aware(dt.datetime.combine(self.when, dt.time.min))


#: records of one kind shown on the resident page (the newest of them)
RECORDS_SHOWN = 10

#: What the resident page (`people`) shows of the higher apps' records about a person:
#: functions (user, resident) → the ResidentRecords the user may see (each app checks the
#: capability and jurisdiction with `visible_to`), registered in the app's `panels.py`.
resident_records = Registry()


def register_resident_records(
    name: str, records: Callable[[Any, Any], list[ResidentRecord]], *, order: int = 100
) -> None:
    resident_records.add(name, records, order=order)


def records_of(user: Any, resident: Any) -> list[ResidentRecord]:
    """Every registered app's records about `resident` that `user` may see, newest first."""
    rows = [row for records in resident_records for row in records(user, resident)]
    return sorted(rows, key=lambda r: r.sort_key, reverse=True)


@dataclass(frozen=True)
class ReportFigure:
    """One figure of the community's daily report (plan 四(二)): `key` is stable ("health.
    alerts_raised") and stored with every submitted report; `label` a lazy translation.
    `counts_cases` marks a figure that, when not zero, means the community has something to
    report, so the day cannot be submitted as 无病例零报告."""

    key: str
    label: Any
    counts_cases: bool = False


@dataclass(frozen=True)
class FigureRecords:
    """The records counted by one figure of one community and day: the registered line list
    (`register_line_list`) that shows them, and the filter that picks them from its model.
    The figure's value is the number of records the filter picks (a test holds every section
    to it), so a township that doubts a figure can read the very records behind it."""

    line_list: str
    where: Q


@dataclass(frozen=True)
class ReportSection:
    """A section of the daily report, contributed by the app that holds the records.

    `compute(day, community_ids)` returns {community id: {figure key: value}} for every
    community asked about (a missing figure counts as 0), computed from the records with one
    grouped query per figure family, never per community. `records(key, community_id, day)`
    names the records behind a figure (`FigureRecords`, or None for a figure that counts no
    line of a list, such as a state); the report links such a figure to the page that lists
    them. `link(key, community_id, day)` is the URL of the app's own list for the other
    figures ("" for none); the list checks its own access."""

    title: Any
    figures: tuple[ReportFigure, ...]
    compute: Callable[[dt.date, Sequence[int]], Mapping[int, Mapping[str, int]]]
    link: Callable[[str, int, dt.date], str] | None = None
    records: Callable[[str, int, dt.date], FigureRecords | None] | None = None


#: The sections of the daily report (`reports`), in order; each app registers its own in its
#: `panels.py`, so a new section is added by its app, not by editing the report.
report_sections = Registry()


def register_report_section(name: str, section: ReportSection, *, order: int = 100) -> None:
    keys = [f.key for f in section.figures]
    if len(set(keys)) != len(keys):
        raise ValueError(f"report section {name!r} repeats a figure key")
    report_sections.add(name, section, order=order)


@dataclass(frozen=True)
class LineColumn:
    """A column of a line list: its header (a lazy translation), the `values_list` path it
    reads, its width; `mask` hides a sensitive value (a document number, a phone) unless the
    export reveals it; `labels` turns a stored code into its words; `when` writes an aware
    time in local time ("%Y-%m-%d %H:%M")."""

    header: Any
    path: str
    width: int = 12
    mask: Callable[[str], str] | None = None
    labels: Mapping[str, Any] | None = None
    when: bool = False


@dataclass(frozen=True)
class LineList:
    """A list of records exported line by line to .xlsx (issue 13 item 4): returnees, cases,
    tests, alerts, gate entries, deliveries. `rows(user, start, end)` is the user's scoped
    queryset of the period, ordered; `capability` is needed to export it (besides the
    export capability every export needs); `record_type` names the records in the audit log."""

    title: Any
    capability: str
    columns: tuple[LineColumn, ...]
    rows: Callable[[Any, dt.date, dt.date], Any]
    record_type: str


#: The line lists an export page offers, registered by the apps that hold the records.
line_lists = Registry()


def register_line_list(name: str, line_list: LineList, *, order: int = 100) -> None:
    check_capability(line_list.capability)
    line_lists.add(name, line_list, order=order)


@dataclass(frozen=True)
class FollowUp:
    """An action a higher app offers on a lower app's record ("create a task" on an alert):
    `label` a lazy translation, `url(obj)` the page that starts it, shown to a user holding
    `capability` when `applies(obj)` (always when None)."""

    label: Any
    url: Callable[[Any], str]
    capability: str
    applies: Callable[[Any], bool] | None = None


#: model label ("health.alert", lower case) -> the follow-ups offered on its records
follow_ups: dict[str, Registry] = {}


def register_follow_up(
    model_label: str,
    name: str,
    label: Any,
    url: Callable[[Any], str],
    *,
    capability: str,
    applies: Callable[[Any], bool] | None = None,
    order: int = 100,
) -> None:
    """Offer an action on the records of `model_label` (the page of the record shows it with
    `{% follow_ups obj %}`, without importing the app that offers it)."""
    check_capability(capability)
    follow_ups.setdefault(model_label.lower(), Registry()).add(
        name, FollowUp(label, url, capability, applies), order=order
    )


def follow_ups_for(user: Any, obj: Any) -> list[tuple[Any, str]]:
    """(label, url) of the follow-ups `user` may start on `obj`, in order."""
    registered = follow_ups.get(obj._meta.label_lower)
    if registered is None or not getattr(user, "is_authenticated", False):
        return []
    return [
        (f.label, f.url(obj))
        for f in registered
        if user.can(f.capability) and (f.applies is None or f.applies(obj))
    ]


@dataclass(frozen=True)
class WorkLine:
    """One line of "my work" on a person's phone pages (the guard's gate page, the
    volunteer's deliveries): what is theirs to do, where to see it, whether it is late."""

    text: str
    url: str
    late: bool = False


#: Functions (user) → list[WorkLine], registered by the apps that hold a person's work (their
#: shifts, their tasks), so pages of lower apps show it without importing them.
my_work = Registry()


def register_my_work(
    name: str, lines: Callable[[Any], list[WorkLine]], *, order: int = 100
) -> None:
    my_work.add(name, lines, order=order)


def my_work_of(user: Any) -> list[WorkLine]:
    """Every registered app's lines of `user`'s own work, in order."""
    return [line for lines in my_work for line in lines(user)]
