"""What the report pages, exports and API show, gathered once: one community's report of a
day (figures computed now or as submitted, corrections, versions) and the township's day
(completeness, totals, differences from yesterday)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from fangkong.core.models import Community, Township
from fangkong.core.registry import ReportSection

from . import figures, rules
from .models import LOCKED, Correction, DailyReport, ReportStatus, TownshipReport


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    computed: int
    value: int
    url: str
    correction: Correction | dict[str, Any] | None = None
    counts_cases: bool = False

    @property
    def corrected(self) -> bool:
        return self.correction is not None


@dataclass(frozen=True)
class SectionRows:
    title: str
    rows: list[FigureRow]


@dataclass
class CommunityDay:
    community: Community
    day: dt.date
    report: DailyReport | None
    sections: list[SectionRows]
    figures: dict[str, int]
    computed: dict[str, int]
    cases: list[str]
    deadline: str
    submissions: list[Any] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.report.status if self.report else ReportStatus.DRAFT

    @property
    def status_label(self) -> str:
        return str(ReportStatus(self.status).label)

    @property
    def locked(self) -> bool:
        return self.status in LOCKED

    @property
    def is_zero(self) -> bool:
        return not self.cases


def _figure_url(section: ReportSection, key: str, community_id: int, day: dt.date) -> str:
    """The records behind the figure when its section names them, else the app's list."""
    if section.records is not None:
        return reverse("reports:figure_records", args=[community_id, day.isoformat(), key])
    return section.link(key, community_id, day) if section.link else ""


def community_day(community: Community, day: dt.date, deadline: str) -> CommunityDay:
    """The report of `community` for `day`: as submitted when the township holds it, else
    computed from the records now with the office's corrections applied."""
    layout = figures.layout()
    report = DailyReport.objects.filter(community=community, date=day).first()
    submissions = list(report.submissions.order_by("-number")) if report else []
    if report is not None and report.locked and submissions:
        current = submissions[0]
        computed = {k: int(v) for k, v in current.computed.items()}
        values = {k: int(v) for k, v in current.figures.items()}
        corrections: dict[str, Any] = {c["key"]: c for c in current.corrections}
    else:
        computed = figures.compute(day, [community.pk])[community.pk]
        live = {c.key: c for c in report.corrections.all()} if report else {}
        corrections = dict(live)
        values = rules.apply_corrections(computed, {k: c.value for k, c in live.items()})
    sections = [
        SectionRows(
            str(section.title),
            [
                FigureRow(
                    key=f.key,
                    label=str(f.label),
                    computed=computed.get(f.key, 0),
                    value=values.get(f.key, 0),
                    url=_figure_url(section, f.key, community.pk, day),
                    correction=corrections.get(f.key),
                    counts_cases=f.counts_cases,
                )
                for f in section.figures
            ],
        )
        for section in layout.sections
    ]
    return CommunityDay(
        community=community,
        day=day,
        report=report,
        sections=sections,
        figures=values,
        computed=computed,
        cases=rules.cases_in(values, layout.case_keys),
        deadline=deadline,
        submissions=submissions,
    )


@dataclass(frozen=True)
class CommunityRow:
    community: Community
    report: DailyReport | None
    state: str  # on_time, late, missing, returned, after

    @property
    def status_label(self) -> str:
        return str(ReportStatus(self.report.status if self.report else "draft").label)


@dataclass
class TownshipDay:
    township: Township
    day: dt.date
    rows: list[CommunityRow]
    completeness: rules.Completeness
    totals: dict[str, int]
    yesterday: dict[str, int]
    differences: dict[str, int]
    consolidated: TownshipReport | None
    deadline: str
    labels: list[tuple[str, list[tuple[str, str]]]]

    def total_rows(self) -> list[tuple[str, list[tuple[str, str, int, int]]]]:
        """[(section title, [(key, label, total, difference from yesterday)])]."""
        return [
            (
                title,
                [
                    (k, label, self.totals.get(k, 0), self.differences.get(k, 0))
                    for k, label in figs
                ],
            )
            for title, figs in self.labels
        ]


def _state(report: DailyReport | None, included: set[int] | None = None) -> str:
    """missing, returned, after (sent after the consolidated report was approved), on_time
    or late."""
    if report is None or report.status == ReportStatus.DRAFT:
        return "missing"
    if report.status == ReportStatus.RETURNED:
        return "returned"
    if included is not None and report.pk not in included:
        return "after"
    return "on_time" if report.on_time else "late"


def _received(reports: dict[int, DailyReport]) -> list[rules.Received]:
    return [rules.Received(cid, r.status, r.on_time) for cid, r in reports.items()]


def township_day(township: Township, day: dt.date, deadline: str) -> TownshipDay:
    """Every community of the township with its report of `day` (three queries)."""
    communities = list(Community.objects.filter(township=township).order_by("sort_key", "id"))
    found = {
        r.community_id: r
        for r in DailyReport.objects.filter(township=township, date=day)
        .select_related("submitted_by")
        .order_by()
    }
    before = DailyReport.objects.filter(
        township=township, date=day - dt.timedelta(days=1), status__in=LOCKED
    ).values_list("figures", flat=True)
    layout = figures.layout()
    consolidated = TownshipReport.objects.filter(township=township, date=day).first()
    held = [r for r in found.values() if r.status in LOCKED]
    # once approved, the day's totals are the approved report's; a report sent after that is
    # shown as such and is not in them
    totals = (
        {k: int(consolidated.totals.get(k, 0)) for k in layout.keys}
        if consolidated is not None
        else rules.totals((r.figures for r in held), layout.keys)
    )
    included = set(consolidated.included) if consolidated is not None else None
    yesterday = rules.totals(before, layout.keys)
    return TownshipDay(
        township=township,
        day=day,
        rows=[
            CommunityRow(c, found.get(c.pk), _state(found.get(c.pk), included)) for c in communities
        ],
        completeness=rules.completeness((c.pk for c in communities), _received(found)),
        totals=totals,
        yesterday=yesterday,
        differences=rules.differences(totals, yesterday),
        consolidated=consolidated,
        deadline=deadline,
        labels=[
            (str(s.title), [(f.key, str(f.label)) for f in s.figures]) for s in layout.sections
        ],
    )
