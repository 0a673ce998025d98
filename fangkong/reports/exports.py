"""The daily report as .xlsx, in the layout such reports are sent in: a title, the sections
over their figures, one row per community, one column per figure, a totals row. Figures are
numbers (they add up in the spreadsheet); names are text and never formulas. Each export is
audited."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.days import full_date
from fangkong.core.models import AuditAction, User
from fangkong.core.spreadsheets import neutralise

from .board import CommunityDay, TownshipDay
from .models import ReportStatus

#: columns before the figures: community, status, submitted at, zero report
LEAD = 4


class _Book:
    def __init__(self, path: Path, title: str, sections: list[tuple[str, list[tuple[str, str]]]]):
        self.book = xlsxwriter.Workbook(
            str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
        )
        self.sheet = self.book.add_worksheet(_("Daily report"))
        bold = {"bold": True, "border": 1, "align": "center", "valign": "vcenter"}
        self.title = self.book.add_format({"bold": True, "font_size": 14, "align": "center"})
        self.head = self.book.add_format({**bold, "bg_color": "#F2F2F2", "text_wrap": True})
        self.cell = self.book.add_format({"border": 1})
        self.total = self.book.add_format({"border": 1, "bold": True})
        self.keys = [k for _t, figs in sections for k, _l in figs]
        width = LEAD + len(self.keys)
        self.sheet.merge_range(0, 0, 0, width - 1, neutralise(title), self.title)
        lead = [_("Community"), _("Status"), _("Submitted at"), _("Zero report")]
        for col, text in enumerate(lead):
            self.sheet.merge_range(1, col, 2, col, text, self.head)
        col = LEAD
        for section_title, figs in sections:
            if len(figs) > 1:
                self.sheet.merge_range(1, col, 1, col + len(figs) - 1, section_title, self.head)
            else:
                self.sheet.write_string(1, col, section_title, self.head)
            for _k, label in figs:
                self.sheet.write_string(2, col, label, self.head)
                col += 1
        self.sheet.set_row(2, 60)
        self.sheet.set_column(0, 0, 16)
        self.sheet.set_column(1, 3, 11)
        self.sheet.set_column(LEAD, width - 1, 9)
        self.sheet.freeze_panes(3, 1)
        self.row = 3

    def line(self, lead: list[str], values: dict[str, int], *, total: bool = False) -> None:
        fmt = self.total if total else self.cell
        for col, text in enumerate(lead):
            self.sheet.write_string(self.row, col, neutralise(text), fmt)
        for i, key in enumerate(self.keys):
            self.sheet.write_number(self.row, LEAD + i, int(values.get(key, 0)), fmt)
        self.row += 1

    def close(self) -> None:
        self.book.close()


def _labels(data: CommunityDay) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(s.title, [(r.key, r.label) for r in s.rows]) for s in data.sections]


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def community_xlsx(user: User, data: CommunityDay, path: Path) -> None:
    title = _("Daily report of epidemic prevention: %(community)s, %(day)s") % {
        "community": data.community.name,
        "day": full_date(data.day),
    }
    book = _Book(path, title, _labels(data))
    report = data.report
    submitted = (
        timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
        if report and report.submitted_at
        else ""
    )
    book.line([data.community.name, data.status_label, submitted, _yes(data.is_zero)], data.figures)
    book.close()
    audit.record(
        user,
        AuditAction.EXPORT,
        target_type="reports.dailyreport",
        target_id=report.pk if report else "",
        target_repr=title,
        township=data.community.township_id,
        changes={"community": data.community.name, "date": data.day.isoformat()},
    )


def township_xlsx(user: User, data: TownshipDay, path: Path) -> None:
    title = _("Daily report of epidemic prevention: %(township)s, %(day)s") % {
        "township": data.township.name,
        "day": full_date(data.day),
    }
    book = _Book(path, title, data.labels)
    for row in data.rows:
        report = row.report
        held = report is not None and report.status in (
            ReportStatus.SUBMITTED,
            ReportStatus.APPROVED,
        )
        submitted = (
            timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
            if report and report.submitted_at
            else ""
        )
        book.line(
            [
                row.community.name,
                row.status_label,
                submitted,
                _yes(report.zero_report) if held and report else "",
            ],
            report.figures if held and report else {},
        )
    n = len(data.completeness.submitted)
    book.line(
        [
            _("Total"),
            _("%(n)d of %(due)d reported") % {"n": n, "due": data.completeness.due},
            "",
            "",
        ],
        data.totals,
        total=True,
    )
    book.close()
    audit.record(
        user,
        AuditAction.EXPORT,
        target_type="reports.townshipreport",
        target_repr=title,
        township=data.township.pk,
        changes={"date": data.day.isoformat(), "communities": n},
    )
