"""The records behind one figure of a community's daily report (issue 13 item 1: "each a link
to the list behind it"): the section that owns the figure names them (`FigureRecords`: a
registered line list and a filter), and they are shown with that line list's columns under
its rules (its capability, the user's scope, document numbers and phones masked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from fangkong.core.access import require
from fangkong.core.models import User
from fangkong.core.registry import LineColumn, line_lists

from .figures import layout


@dataclass(frozen=True)
class FigureList:
    label: str
    section: str
    columns: tuple[LineColumn, ...]
    rows: QuerySet[Any]


def figure_list(user: User, key: str, community_id: int, day: dt.date) -> FigureList | None:
    """The records counted by figure `key` of the community and day that `user` may see, or
    None when the figure counts no records of a list (its section's `link` is the page)."""
    board = layout()
    section = board.section_of(key)
    if section is None or section.records is None:
        return None
    found = section.records(key, community_id, day)
    if found is None:
        return None
    line_list = line_lists.get(found.line_list)
    if line_list is None:
        return None
    require(user, line_list.capability)
    model = apps.get_model(line_list.record_type)
    rows = (
        model.objects.visible_to(user)
        .filter(found.where)
        .order_by("pk")
        .values_list(*(c.path for c in line_list.columns))
    )
    return FigureList(board.label(key), str(section.title), line_list.columns, rows)
