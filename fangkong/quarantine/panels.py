"""What quarantine brings to pages it does not own (fangkong.core.registry): its link, and its
open cases for the policy page's "open cases this version would treat differently"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import User
from fangkong.core.registry import (
    RECORDS_SHOWN,
    ResidentRecord,
    register_line_list,
    register_nav,
    register_policy_difference,
    register_report_section,
    register_resident_records,
)
from fangkong.policy.impact import OpenCase
from fangkong.policy.models import Policy

from . import linelists
from .daily_report import SECTION as REPORT_SECTION
from .models import Case, IndexCase, ScheduledTest, TestItemResult


def open_cases_for_policy(user: User, policy: Policy) -> Iterator[OpenCase]:
    """The open cases of the user's jurisdiction that `policy` applies to (its township's, or
    all for a default version), oldest first, as the policy's impact rule reads them (one
    query)."""
    qs = Case.objects.visible_to(user).open()
    if policy.township_id is not None:
        qs = qs.filter(township_id=policy.township_id)
    rows = qs.order_by("start_date", "id").values_list(
        "id",
        "reason",
        "kind",
        "days",
        "test_days",
        "registration__level",
        "start_date",
        "resident__name",
        "policy__version",
        "policy__township__code",
    )
    for pk, reason, kind, days, test_days, level, start, name, version, where in rows:
        yield OpenCase(
            id=pk,
            reason=reason,
            kind=kind,
            days=days,
            test_days=tuple(int(d) for d in test_days or ()),
            level=level or None,
            start_date=start,
            name=name,
            policy_label=f"{where or 'default'}-v{version}",
        )


register_policy_difference("quarantine.cases", open_cases_for_policy)
register_nav(
    "quarantine",
    "quarantine:case_list",
    _("Quarantine"),
    order=40,
    group="prevention",
    any_of=("view_cases",),
)


def _cases_and_tests(user: Any, resident: Any) -> list[ResidentRecord]:
    """The person's quarantine cases, their scheduled tests and an index case, for who may
    see cases in that jurisdiction; an open case and a positive result stand out."""
    rows = []
    cases = (
        Case.objects.visible_to(user)
        .filter(resident=resident)
        .order_by("-start_date", "-id")[:RECORDS_SHOWN]
    )
    for c in cases:
        text = gettext("%(kind)s · %(status)s · %(start)s to %(end)s") % {
            "kind": c.get_kind_display(),
            "status": c.get_status_display(),
            "start": c.start_date.isoformat(),
            "end": c.planned_end.isoformat(),
        }
        url = reverse("quarantine:case_detail", args=[c.pk])
        rows.append(ResidentRecord(c.start_date, gettext("Quarantine case"), text, url, c.is_open))
    tests = (
        ScheduledTest.objects.visible_to(user)
        .filter(case__resident=resident)
        .exclude(result="", due_date__gt=timezone.localdate())
        .order_by("-due_date", "-id")[:RECORDS_SHOWN]
    )
    for t in tests:
        text = gettext("Day %(day)s test · %(result)s") % {
            "day": t.day,
            "result": t.get_result_display() if t.result else gettext("no result yet"),
        }
        url = reverse("quarantine:case_detail", args=[t.case_id])
        rows.append(
            ResidentRecord(
                t.result_at or t.due_date,
                gettext("Test"),
                text,
                url,
                t.result == TestItemResult.POSITIVE,
            )
        )
    for i in IndexCase.objects.visible_to(user).filter(resident=resident)[:RECORDS_SHOWN]:
        text = f"{i.get_kind_display()} · {i.name}"
        url = reverse("quarantine:index_detail", args=[i.pk])
        rows.append(ResidentRecord(i.reported_on, gettext("Index case"), text, url, True))
    return rows


register_resident_records("quarantine.cases", _cases_and_tests, order=20)

# The app's section of the community's daily report (fangkong/reports).
register_report_section("quarantine", REPORT_SECTION, order=20)

# Its line lists, exported to .xlsx (fangkong/reports).
register_line_list("cases", linelists.CASES, order=20)
register_line_list("tests", linelists.TESTS, order=30)
