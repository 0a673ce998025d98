"""Writing a line list (`core.registry.LineList`) to .xlsx under the rules of the resident
export: the export capability, document numbers and phones masked unless the user may reveal
them and gives a reason, rows streamed (`values_list(...).iterator()` into xlsxwriter's
constant-memory writer, every cell text and never a formula), one audit entry per export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, User
from fangkong.core.registry import LineColumn, LineList
from fangkong.core.spreadsheets import XlsxStream

from .capabilities import PeopleCapability
from .exporting import ITERATOR_CHUNK, check_reveal


def cell(column: LineColumn, value: Any, reveal: bool) -> Any:
    """What a line list shows of `value` in `column`: local times, words for codes, masks."""
    if value is None:
        return ""
    if column.when and isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if column.labels is not None:
        if isinstance(value, list):
            return "；".join(str(column.labels.get(v, v)) for v in value)
        return str(column.labels.get(value, value))
    if column.mask is not None and not reveal:
        return column.mask(str(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def write(
    user: User,
    line_list: LineList,
    path: str | Path,
    *,
    start: dt.date,
    end: dt.date,
    reveal: bool = False,
    reason: str = "",
) -> int:
    """Write the user's `line_list` of the period to `path`; the rows written. Refused (a
    DomainError) without the capabilities or, to reveal, without a reason."""
    if not user.can(PeopleCapability.EXPORT_PEOPLE) or not user.can(line_list.capability):
        raise DomainError(_("Your role may not export this list."))
    reason = reason.strip()
    check_reveal(user, reveal=reveal, reason=reason)
    if start > end:
        raise DomainError(_("The end date is before the start date."), field="end")
    columns = line_list.columns
    book = XlsxStream(path)
    book.add_sheet(
        str(line_list.title), [str(c.header) for c in columns], [c.width for c in columns]
    )
    rows = (
        line_list.rows(user, start, end)
        .values_list(*(c.path for c in columns))
        .iterator(chunk_size=ITERATOR_CHUNK)
    )
    count = book.write_rows(
        [cell(c, v, reveal) for c, v in zip(columns, row, strict=True)] for row in rows
    )
    book.close()
    audit.record(
        user,
        AuditAction.EXPORT,
        target_type=line_list.record_type,
        target_repr=_("%(list)s, %(start)s to %(end)s (%(count)s rows)")
        % {"list": line_list.title, "start": start, "end": end, "count": count},
        changes={
            "filter": {"from": start.isoformat(), "to": end.isoformat()},
            "rows": count,
            "revealed": reveal,
        },
        reason=reason,
    )
    return count
