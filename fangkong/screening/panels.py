"""What screening brings to pages it does not own (fangkong.core.registry): its links."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import (
    RECORDS_SHOWN,
    ResidentRecord,
    register_line_list,
    register_nav,
    register_report_section,
    register_resident_records,
)

from . import linelists
from .daily_report import SECTION as REPORT_SECTION
from .models import Registration

register_nav(
    "screening.returnees",
    "screening:registration_list",
    _("Returnees"),
    order=30,
    group="people",
    any_of=("view_cases",),
)
register_nav(
    "screening.refusals",
    "screening:refusal_list",
    _("Refusals"),
    order=70,
    group="prevention",
    any_of=("view_referrals",),
)


def _registrations(user: Any, resident: Any) -> list[ResidentRecord]:
    """The person's returnee registrations, for who may screen returnees in the grid."""
    regs = (
        Registration.objects.visible_to(user)
        .filter(resident=resident)
        .order_by("-created_at", "-id")[:RECORDS_SHOWN]
    )
    return [
        ResidentRecord(
            r.created_at,
            gettext("Returnee registration"),
            " · ".join(
                p
                for p in (
                    gettext("arrived %(day)s") % {"day": r.arrival_date.isoformat()},
                    r.get_status_display(),
                    r.get_measure_display() if r.measure else "",
                )
                if p
            ),
            reverse("screening:registration_detail", args=[r.pk]),
        )
        for r in regs
    ]


register_resident_records("screening.registrations", _registrations, order=10)

# The app's section of the community's daily report (fangkong/reports).
register_report_section("screening", REPORT_SECTION, order=10)

# Its line lists, exported to .xlsx (fangkong/reports).
register_line_list("returnees", linelists.RETURNEES, order=10)
register_line_list("refusals", linelists.REFUSALS, order=15)
