"""The worklists of the workbench (F8): what is waiting for the user, in their jurisdiction.

Check-ins missing today, fever/symptom alerts (escalated ones flagged; shown on their own,
first, to community leaders and township admins), tests due today or overdue, cases ready
for release review, pending self-registrations, and refusals referred to the police.

Each list is `visible_to(user)` (a role without the capability gets none of it) and is a
count and its first `ROWS` rows. The cost is fixed however much there is to do: one query
for the policy versions of the cases under watch, one query for every count at once
(`count_each`), then the rows of each list that is not empty — at most 9 queries. The two
lists whose count is as dear as their rows (missing check-ins, release review) are counted
with their first rows instead, in one query each (a window count), and only when some case
is under watch.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, FilteredRelation, Q, QuerySet, Window
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.access import can
from fangkong.core.models import User
from fangkong.core.roles import Role
from fangkong.policy.capabilities import PolicyCapability
from fangkong.policy.models import Policy
from fangkong.quarantine.lists import ready_for_review
from fangkong.quarantine.models import OPEN_STATUSES, Case, CaseKind, CaseStatus, ScheduledTest
from fangkong.screening.capabilities import ScreeningCapability
from fangkong.screening.models import (
    ArrivalTest,
    Refusal,
    RefusalKind,
    RefusalStatus,
    Registration,
    RegistrationStatus,
)

from .actions import MONITORED_STATUSES
from .models import Alert, AlertSource, AlertStatus, SymptomReview

#: rows shown per list on the workbench
ROWS = 10
#: roles to whom escalated alerts go (shown first, on their own)
ESCALATION_ROLES = (Role.COMMUNITY_LEADER, Role.TOWNSHIP_ADMIN)
#: roles who review symptoms reported in free text (the medical worker)
REVIEW_ROLES = (Role.MEDICAL_WORKER,)


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    detail: str
    url: str = ""
    #: "escalated", "overdue": shown highlighted
    flag: str = ""


@dataclass(frozen=True, slots=True)
class Worklist:
    key: str
    title: str
    count: int
    rows: list[Row] = field(default_factory=list)
    more_url: str = ""
    empty: str = ""
    #: how many of `count` are flagged (escalated alerts, overdue tests)
    flagged: int = 0
    flagged_label: str = ""
    prominent: bool = False


# ---- helpers shared with the check-in pages ----------------------------------------------------


def url_or_blank(name: str, *args: object, query: str = "") -> str:
    """The URL of a page that may not exist in this deployment (another app's)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{query}" if query else url


def linker(name: str) -> Callable[[int], str]:
    """pk → the URL of page `name` for that record, reversing once per list rather than once
    per row; blank URLs when the page does not exist."""
    marker = 2_147_483_647
    url = url_or_blank(name, marker)
    if not url:
        return lambda pk: ""
    head, tail = url.split(str(marker), 1)
    return lambda pk: f"{head}{pk}{tail}"


def with_checks_done(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    """Cases annotated with `done`: how many check-ins they have today (one join on today's
    check-ins, read through the (date, case) index)."""
    return cases.annotate(
        today_checkins=FilteredRelation("checkins", condition=Q(checkins__date=today))
    ).annotate(done=Count("today_checkins"))


def checks_per_day_of(policy_ids: Any) -> dict[int, tuple[int, int]]:
    """{policy id: (checks per day, checks per day of a lockdown isolation)} for the given
    versions (one query)."""
    out: dict[int, tuple[int, int]] = {}
    for pk, rules in Policy.objects.filter(pk__in=policy_ids).values_list("pk", "rules"):
        parsed = Policy(rules=rules).as_rules()
        out[pk] = (parsed.checks_per_day, parsed.lockdown_checks_per_day)
    return out


def missing_filter(cases: QuerySet[Case], per_day: dict[int, tuple[int, int]]) -> QuerySet[Case]:
    """The cases (annotated with `done`) with fewer check-ins today than their policy's
    checks per day (a lockdown isolation: the policy's lockdown checks per day)."""
    by_count: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, n in per_day.items():
        by_count[n].append(pk)
    if not by_count:
        return cases.none()
    lockdown = Q(kind=CaseKind.LOCKDOWN)
    return cases.filter(
        reduce(
            or_,
            (
                Q(policy_id__in=ids) & ((~lockdown & Q(done__lt=n)) | (lockdown & Q(done__lt=m)))
                for (n, m), ids in sorted(by_count.items())
            ),
        )
    )


def count_each(querysets: Mapping[str, QuerySet[Any]]) -> dict[str, int]:
    """{name: number of rows} for every queryset, in one query (scalar subqueries)."""
    counts: dict[str, int] = {}
    parts: list[str] = []
    params: list[Any] = []
    names: list[str] = []
    using = "default"
    for name, qs in querysets.items():
        try:
            sql, args = qs.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # visible_to(...).none(): nothing to count
            counts[name] = 0
            continue
        using = qs.db
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{len(parts)})")
        params.extend(args)
        names.append(name)
    if parts:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
        counts.update(zip(names, (int(n) for n in row), strict=True))
    return counts


# strftime rather than formats.date_format: the same "m-d" and "m-d H:i" (digits only, no
# localized names), without building a DateFormat for each of some 30 values per workbench.


def _day(day: dt.date | None) -> str:
    return day.strftime("%m-%d") if day else "—"


def _time(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M") if moment else "—"


# ---- the lists ---------------------------------------------------------------------------------


@dataclass
class _List:
    """A list before it is read: what to count, and how to fetch its first rows."""

    key: str
    title: str
    queryset: QuerySet[Any]
    rows: Callable[[], list[Row]]
    more_url: str = ""
    empty: str = ""
    flagged_by: QuerySet[Any] | None = None
    flagged_label: str = ""
    #: (count, first rows) in one query, for a list whose count is as dear as its rows (the
    #: count is then left out of `count_each`)
    counted: Callable[[], tuple[int, list[Row]]] | None = None


def _watched(user: User) -> tuple[QuerySet[Case], dict[int, tuple[int, int]]]:
    """The user's cases under watch and {policy id: checks per day} of their policy versions
    (one query; empty when no case is under watch, every case having a policy)."""
    cases = Case.objects.visible_to(user).filter(status__in=MONITORED_STATUSES)
    return cases, checks_per_day_of(cases.order_by().values("policy_id").distinct())


def _missing_checkins(
    cases: QuerySet[Case], per_day: dict[int, tuple[int, int]], today: dt.date
) -> _List:
    missing: Any = missing_filter(with_checks_done(cases, today), per_day)

    def counted() -> tuple[int, list[Row]]:
        # The first ROWS ids without joins, with how many there are in all (a window over the
        # same grouping: the count would otherwise group every case's check-ins a second
        # time), then their people: the sort needs every case's count, the names only ten.
        first = list(
            missing.annotate(total=Window(Count("*")))
            .order_by("done", "start_date", "pk")
            .values_list("pk", "done", "total")[:ROWS]
        )
        if not first:
            return 0, []
        people = {
            pk: (name, grid, policy, kind)
            for pk, name, grid, policy, kind in Case.objects.filter(
                pk__in=[pk for pk, _n, _t in first]
            ).values_list("pk", "resident__name", "grid__name", "policy_id", "kind")
        }
        case_url = linker("quarantine:case_detail")
        out = []
        for pk, done, _total in first:
            name, grid, policy, kind = people[pk]
            general, lockdown = per_day[policy]
            detail = _("%(grid)s · %(done)d of %(n)d checks today") % {
                "grid": grid,
                "done": done,
                "n": lockdown if kind == CaseKind.LOCKDOWN else general,
            }
            out.append(Row(name, detail, case_url(pk)))
        return int(first[0][2]), out

    return _List(
        "missing-checkins",
        _("Check-ins missing today"),
        missing,
        lambda: [],
        more_url=url_or_blank("health:checkin_list", query="missing=1"),
        empty=_("Every person in quarantine has all of today's check-ins."),
        counted=counted,
    )


def _alerts(user: User, now: dt.datetime) -> _List:
    active = Alert.objects.visible_to(user).active()

    def rows() -> list[Row]:
        labels = dict(AlertStatus.choices)
        alert_url = linker("health:alert_detail")
        out = []
        sources = dict(AlertSource.choices)
        for (
            pk,
            name,
            person_name,
            grid,
            community,
            source,
            temperature,
            symptoms,
            status,
            raised,
            escalate,
        ) in active.escalated_first(now).values_list(
            "pk",
            "resident__name",
            "person_name",
            "grid__name",
            "community__name",
            "source",
            "temperature",
            "symptoms",
            "status",
            "raised_at",
            "escalate_at",
        )[:ROWS]:
            what = [f"{temperature} °C"] if temperature is not None else []
            what += symptoms
            parts = [grid or community, "、".join(what), str(labels[status]), _time(raised)]
            if source != AlertSource.CHECKIN:
                parts.insert(1, str(sources.get(source, source)))
            detail = " · ".join(parts)
            name = name or person_name
            escalated = status == AlertStatus.OPEN and escalate <= now
            out.append(Row(name, detail, alert_url(pk), "escalated" if escalated else ""))
        return out

    return _List(
        "alerts",
        _("Fever and symptom alerts"),
        active,
        rows,
        more_url=reverse("health:alert_list"),
        empty=_("No active alert."),
        flagged_by=active.escalated(now),
        flagged_label=_("escalated: nobody acknowledged them in time"),
    )


def _reviews(user: User) -> _List:
    waiting = SymptomReview.objects.visible_to(user).open()

    def rows() -> list[Row]:
        more = url_or_blank("health:review_list")
        return [
            Row(
                name or person_name,
                " · ".join([grid or community, "、".join(symptoms), _time(raised)]),
                f"{more}#review-{pk}" if more else "",
            )
            for pk, name, person_name, grid, community, symptoms, raised in waiting.order_by(
                "raised_at", "pk"
            ).values_list(
                "pk",
                "resident__name",
                "person_name",
                "grid__name",
                "community__name",
                "symptoms",
                "raised_at",
            )[:ROWS]
        ]

    return _List(
        "symptom-reviews",
        _("Symptoms to review (not on the policy's list)"),
        waiting,
        rows,
        more_url=url_or_blank("health:review_list"),
        empty=_("No symptom is waiting for review."),
    )


def _tests_due(user: User, today: dt.date) -> _List:
    items = ScheduledTest.objects.visible_to(user).filter(
        case__status__in=OPEN_STATUSES, result="", due_date__lte=today
    )

    def rows() -> list[Row]:
        case_url = linker("quarantine:case_detail")
        out = []
        for case_id, name, day, due in items.order_by("due_date", "pk").values_list(
            "case_id", "case__resident__name", "day", "due_date"
        )[:ROWS]:
            detail = (
                _("Test of day %(day)d, due %(due)s") % {"day": day, "due": _day(due)}
                if day
                else _("First test at once, due %(due)s") % {"due": _day(due)}
            )
            out.append(Row(name, detail, case_url(case_id), "overdue" if due < today else ""))
        return out

    return _List(
        "tests-due",
        _("Tests due today and overdue"),
        items,
        rows,
        more_url=url_or_blank("quarantine:case_list", query="flag=overdue"),
        empty=_("No test is due today and none is overdue."),
        flagged_by=items.filter(due_date__lt=today),
        flagged_label=_("overdue"),
    )


def _arrival_tests_overdue(user: User, now: dt.datetime) -> _List:
    """Low-risk returnees whose test at the township sampling point (plan 三(二)2, within
    the policy's 24 hours) is past due with no result."""
    overdue = ArrivalTest.objects.visible_to(user).filter(result="", due_at__lt=now)

    def rows() -> list[Row]:
        registration_url = linker("screening:registration_detail")
        return [
            Row(
                name or claimed or "—",
                _("%(grid)s · arrived %(day)s · due %(due)s")
                % {"grid": grid, "day": _day(arrival), "due": _time(due)},
                registration_url(reg),
                "overdue",
            )
            for reg, name, claimed, grid, arrival, due in overdue.order_by(
                "due_at", "pk"
            ).values_list(
                "registration_id",
                "registration__resident__name",
                "registration__claimed_name",
                "registration__grid__name",
                "registration__arrival_date",
                "due_at",
            )[:ROWS]
        ]

    return _List(
        "arrival-tests-overdue",
        _("Returnees' 24-hour tests overdue"),
        overdue,
        rows,
        more_url=url_or_blank("screening:registration_list", query="test=overdue"),
        empty=_("No returnee's 24-hour test is overdue."),
    )


def _release_review(user: User, today: dt.date, *, watched: bool) -> _List:
    # Under review, or ready for it by the quarantine app's own rule (period served, every
    # test in force negative): the same cases its "ready for release review" filter shows.
    # Both are cases under watch (in quarantine or under review): none when `watched` is
    # false. The rule is as dear to count as to list (it looks through every test in force),
    # so the count comes with the first rows, in one query.
    visible = Case.objects.visible_to(user)
    cases = visible.filter(status=CaseStatus.RELEASE_REVIEW) | ready_for_review(visible, today)

    def counted() -> tuple[int, list[Row]]:
        if not watched:
            return 0, []
        first = list(
            cases.annotate(total=Window(Count("*")))
            .order_by("planned_end", "pk")
            .values_list("pk", "resident__name", "grid__name", "planned_end", "status", "total")[
                :ROWS
            ]
        )
        if not first:
            return 0, []
        labels = dict(CaseStatus.choices)
        case_url = linker("quarantine:case_detail")
        return int(first[0][5]), [
            Row(
                name,
                _("%(grid)s · last day %(end)s · %(status)s")
                % {"grid": grid, "end": _day(end), "status": labels[status]},
                case_url(pk),
            )
            for pk, name, grid, end, status, _total in first
        ]

    return _List(
        "release-review",
        _("Cases ready for release review"),
        cases,
        lambda: [],
        more_url=url_or_blank("quarantine:case_list", query="flag=ready"),
        empty=_("No case has served its period."),
        counted=counted,
    )


def _pending_registrations(user: User) -> _List:
    pending = Registration.objects.visible_to(user).filter(status=RegistrationStatus.PENDING)

    def rows() -> list[Row]:
        registration_url = linker("screening:registration_detail")
        return [
            Row(
                claimed or resident or "—",
                _("%(grid)s · arrives %(day)s · sent %(sent)s")
                % {"grid": grid, "day": _day(arrival), "sent": _time(sent)},
                registration_url(pk),
            )
            for pk, claimed, resident, grid, arrival, sent in pending.order_by(
                "created_at", "pk"
            ).values_list(
                "pk", "claimed_name", "resident__name", "grid__name", "arrival_date", "created_at"
            )[:ROWS]
        ]

    return _List(
        "pending-registrations",
        _("Self-registrations waiting for confirmation"),
        pending,
        rows,
        more_url=url_or_blank("screening:registration_list", query="status=pending"),
        empty=_("No self-registration is waiting."),
    )


def _referred_refusals(user: User) -> _List:
    referred = Refusal.objects.visible_to(user).filter(status=RefusalStatus.REFERRED)

    def rows() -> list[Row]:
        kinds = dict(RefusalKind.choices)
        refusal_url = linker("screening:refusal_detail")
        return [
            Row(
                name,
                _("%(kind)s · %(grid)s · %(at)s")
                % {"kind": kinds.get(kind, kind), "grid": grid, "at": _time(at)},
                refusal_url(pk),
            )
            for pk, name, kind, grid, at in referred.order_by("recorded_at", "pk").values_list(
                "pk", "resident__name", "kind", "grid__name", "recorded_at"
            )[:ROWS]
        ]

    return _List(
        "refusals",
        _("Refusals referred to the police officer"),
        referred,
        rows,
        more_url=url_or_blank("screening:refusal_list"),
        empty=_("No refusal is waiting."),
    )


def worklists_for(user: User, *, now: dt.datetime | None = None) -> list[Worklist]:
    """The user's worklists, in the order the workbench shows them; none for a role that
    works no cases (guards, volunteers)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    pending: list[_List] = []
    if can(user, PolicyCapability.VIEW_CASES):
        watched, per_day = _watched(user)
        pending.append(_alerts(user, now))
        if user.is_superuser or user.role in REVIEW_ROLES:
            pending.append(_reviews(user))
        pending += [
            _missing_checkins(watched, per_day, today),
            _tests_due(user, today),
        ]
        if can(user, ScreeningCapability.SCREEN_RETURNEES):
            pending.append(_arrival_tests_overdue(user, now))
        pending += [
            _release_review(user, today, watched=bool(per_day)),
            _pending_registrations(user),
        ]
    if can(user, ScreeningCapability.VIEW_REFERRALS):
        pending.append(_referred_refusals(user))
    if not pending:
        return []
    to_count: dict[str, QuerySet[Any]] = {}
    for item in pending:
        if item.counted is None:
            to_count[item.key] = item.queryset
        if item.flagged_by is not None:
            to_count[f"{item.key}:flagged"] = item.flagged_by
    counts = count_each(to_count)
    lists = []
    for item in pending:
        if item.counted is not None:
            count, rows = item.counted()
        else:
            count = counts[item.key]
            rows = item.rows() if count else []
        lists.append(
            Worklist(
                item.key,
                item.title,
                count,
                rows,
                more_url=item.more_url,
                empty=item.empty,
                flagged=counts.get(f"{item.key}:flagged", 0),
                flagged_label=item.flagged_label,
            )
        )
    if lists[0].key == "alerts" and (user.is_superuser or user.role in ESCALATION_ROLES):
        alerts = lists[0]
        lists.insert(
            0,
            Worklist(
                "escalated-alerts",
                _("Escalated alerts: nobody acknowledged them in time"),
                alerts.flagged,
                [r for r in alerts.rows if r.flag == "escalated"],
                more_url=reverse("health:alert_list") + "?show=escalated",
                empty=_("No escalated alert."),
                flagged=alerts.flagged,
                prominent=bool(alerts.flagged),
            ),
        )
    return lists
