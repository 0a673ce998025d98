"""The figures of the daily report, gathered from the sections the apps register
(`core.registry.register_report_section`): the report's layout (sections, figures, in the
order registered) and the values for a day, for many communities at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from fangkong.core.registry import ReportFigure, ReportSection, report_sections


@dataclass(frozen=True)
class Layout:
    sections: tuple[ReportSection, ...]

    @property
    def figures(self) -> tuple[ReportFigure, ...]:
        return tuple(f for s in self.sections for f in s.figures)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.figures)

    @property
    def case_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.figures if f.counts_cases)

    def label(self, key: str) -> str:
        for figure in self.figures:
            if figure.key == key:
                return str(figure.label)
        return key

    def section_of(self, key: str) -> ReportSection | None:
        return next((s for s in self.sections if any(f.key == key for f in s.figures)), None)

    def link(self, key: str, community_id: int, day: dt.date) -> str:
        section = self.section_of(key)
        if section is None or section.link is None:
            return ""
        return section.link(key, community_id, day)


def layout() -> Layout:
    return Layout(tuple(report_sections))


def compute(day: dt.date, community_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """{community id: {figure key: value}} for every figure of every section (0 when a
    section says nothing of a community)."""
    ids = list(dict.fromkeys(community_ids))
    out: dict[int, dict[str, int]] = {cid: {} for cid in ids}
    if not ids:
        return out
    sections = layout().sections
    for section in sections:
        found = section.compute(day, ids)
        for cid in ids:
            values = found.get(cid, {})
            for figure in section.figures:
                out[cid][figure.key] = int(values.get(figure.key, 0))
    return out
