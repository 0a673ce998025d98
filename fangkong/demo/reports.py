"""Demo data of the daily reports (F16, plan 四(二)): the week before today as the township
lived it. Each community's office submitted its report every day (a 无病例零报告 when the day
had no case), mostly by the deadline, once late; one report was corrected with a reason;
the township approved its consolidated report each day. Yesterday one report was returned
for correction and one community did not report, so both offices and the township find work
today; today's reports are still to be submitted.

Everything goes through `fangkong.reports.actions`, as the staff would do it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fangkong.core.models import Community, Township, User
from fangkong.core.roles import Role
from fangkong.demo.staff import first_staff
from fangkong.reports import actions, figures, rules

#: days before today with reports
DAYS = 6


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _submit(office: User, community: Community, day: dt.date, at: dt.datetime) -> None:
    computed = figures.compute(day, [community.pk])[community.pk]
    zero = not rules.cases_in(computed, figures.layout().case_keys)
    actions.submit(office, community, day, zero_report=zero, now=at)


@transaction.atomic
def build_demo_reports(township: Township, *, today: dt.date) -> int:
    """The daily reports of the `DAYS` days before `today`; how many were submitted."""
    admin = (
        User.objects.filter(township=township, role=Role.TOWNSHIP_ADMIN, is_active=True)
        .order_by("id")
        .first()
    )
    if admin is None:
        return 0
    communities = list(Community.objects.filter(township=township).order_by("sort_key", "id"))
    offices = {c.pk: first_staff(c, Role.OFFICE_STAFF, Role.COMMUNITY_LEADER) for c in communities}
    submitted = 0
    for back in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        yesterday = back == 1
        for i, community in enumerate(communities):
            office = offices[community.pk]
            if office is None:
                continue
            if yesterday and i == len(communities) - 1 and len(communities) > 1:
                continue  # did not report yesterday: the township reminds it today
            if back == 3 and i == 0:
                actions.correct(
                    office,
                    community,
                    day,
                    key="screening.returnees",
                    value=figures.compute(day, [community.pk])[community.pk]["screening.returnees"]
                    + 1,
                    reason="一名返乡人员当晚电话报备，次日补录登记",
                )
            late = back == 4 and i == 1
            _submit(office, community, day, _at(day, 17, 40) if late else _at(day, 15, 10 + i))
            submitted += 1
        if yesterday:
            if len(communities) > 1:
                report = actions.report_for(communities[0], day)
                actions.return_report(
                    admin, report, comment="返乡人员数与登记台账不一致，请核对后重报"
                )
            continue
        unstaffed = any(offices[c.pk] is None for c in communities)
        actions.approve(admin, township, day, note="部分社区电话报送" if unstaffed else "")
    return submitted
