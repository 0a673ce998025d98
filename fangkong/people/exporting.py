"""Exporting a list of residents to .xlsx, streaming: memory stays flat for a million rows.

Rows come from `.values_list(...).iterator()` (no model instances; a server-side cursor on
PostgreSQL) and go straight into xlsxwriter's constant-memory writer. Document numbers,
phones and contacts are masked unless the caller reveals them (the view decides who may, and
the audit entry records it). Every text cell is written as a string and neutralised against
formula injection (`core.spreadsheets.XlsxStream`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db.models import Func, OuterRef, QuerySet, Subquery, TextField
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.masking import mask_phone
from fangkong.core.models import AuditAction, User
from fangkong.core.spreadsheets import XlsxStream
from fangkong.people.capabilities import PeopleCapability

from .importing import DOC_TYPE_VALUES, RELATION_VALUES, RESIDENCE_VALUES, TAG_VALUES
from .models import Resident, ResidentTag
from .search import ResidentFilterForm

ITERATOR_CHUNK = 2000
#: a progress callback hears of the rows written every this many rows
PROGRESS_EVERY = 5000

# (values_list path, column header in the sheet, width). The headers follow the import
# template, so an export can be corrected and imported elsewhere.
EXPORT_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("id", "编号", 9),
    ("community__name", "社区/村", 12),
    ("grid__name", "网格/村民组", 12),
    ("household__address", "地址", 30),
    ("name", "姓名", 10),
    ("doc_type", "证件类型", 12),
    ("doc_number", "证件号码", 20),
    ("no_doc_reason", "无证件原因", 12),
    ("gender", "性别", 6),
    ("birth_date", "出生日期", 11),
    ("phone", "联系电话", 14),
    ("relation", "与户主关系", 10),
    ("residence_type", "居住类型", 10),
    ("tag_list", "重点人群", 16),
    ("party_member", "党员", 6),
    ("works_away", "在外务工", 8),
    ("away_place", "务工地点", 16),
    ("away_contact", "在外联系方式", 14),
    ("notes", "备注", 24),
)
EXPORT_HEADERS = tuple(f[1] for f in EXPORT_FIELDS)
MASKED_PATHS = {"doc_number": "doc_masked", "phone": "phone_masked"}


class _TagList(Func):
    """The tags of one resident joined by ',' (GROUP_CONCAT / STRING_AGG)."""

    function = "GROUP_CONCAT"
    output_field = TextField()

    def as_postgresql(self, compiler: Any, conn: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, conn, function="STRING_AGG", template="%(function)s(%(expressions)s, ',')"
        )


def _labels(values: dict[Any, tuple[str, ...]]) -> dict[str, str]:
    return {str(choice.value): names[0] for choice, names in values.items()}


def export_rows(qs: QuerySet[Resident], *, reveal: bool) -> Any:
    """The rows of the sheet for `qs`, lazily, in the list's order."""
    tags = (
        ResidentTag.objects.filter(resident=OuterRef("pk"))
        .order_by()
        .values("resident")
        .annotate(tags=_TagList("tag"))
        .values("tags")
    )
    paths = [f[0] for f in EXPORT_FIELDS]
    if not reveal:
        # The numbers are sealed; a masked export reads their masked forms, kept in clear,
        # instead of opening every one.
        paths = [MASKED_PATHS.get(p, p) for p in paths]
    rows = (
        qs.annotate(tag_list=Subquery(tags, output_field=TextField()))
        .values_list(*paths)
        .iterator(chunk_size=ITERATOR_CHUNK)
    )
    doc_types = _labels(DOC_TYPE_VALUES)
    relations = _labels(RELATION_VALUES)
    residences = _labels(RESIDENCE_VALUES)
    tag_labels = _labels(TAG_VALUES)
    genders = {"M": "男", "F": "女", "": ""}
    yes_no = {True: "是", False: "否"}
    for (
        pk,
        community,
        grid,
        address,
        name,
        doc_type,
        doc_number,
        no_doc_reason,
        gender,
        birth_date,
        phone,
        relation,
        residence,
        tag_list,
        party,
        away,
        away_place,
        away_contact,
        notes,
    ) in rows:
        if not reveal:
            away_contact = mask_phone(away_contact)
        yield (
            pk,
            community,
            grid,
            address or "",
            name,
            doc_types.get(doc_type, doc_type),
            doc_number,
            no_doc_reason,
            genders.get(gender, gender),
            birth_date.isoformat() if birth_date else "",
            phone,
            relations.get(relation, relation),
            residences.get(residence, residence),
            "、".join(tag_labels.get(t, t) for t in sorted(tag_list.split(",")))
            if tag_list
            else "",
            yes_no[bool(party)],
            yes_no[bool(away)],
            away_place,
            away_contact,
            notes,
        )


def write_residents_xlsx(
    path: str | Path,
    qs: QuerySet[Resident],
    *,
    reveal: bool,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the residents of `qs` to an .xlsx at `path`; the number of rows written.

    `progress`, if given, is called with the rows written so far every `PROGRESS_EVERY` rows.
    """
    book = XlsxStream(path)
    book.add_sheet(str(_("Residents")), EXPORT_HEADERS, [f[2] for f in EXPORT_FIELDS])
    rows = export_rows(qs, reveal=reveal)
    count = book.write_rows(_counting(rows, progress) if progress else rows)
    book.close()
    return count


def _counting(rows: Iterable[Any], progress: Callable[[int], None]) -> Iterator[Any]:
    n = 0
    for row in rows:
        yield row
        n += 1
        if n % PROGRESS_EVERY == 0:
            progress(n)
    progress(n)


def filters_of(params: Any) -> dict[str, str]:
    """The list filters in request parameters, as recorded in the export's audit entry."""
    return {
        key: value
        for key in ResidentFilterForm.base_fields
        if (value := str(params.get(key, "")).strip())
    }


def check_reveal(user: User, *, reveal: bool, reason: str) -> None:
    """DomainError unless `user` may export full values now and has given a reason."""
    if not reveal:
        return
    if not user.can(PeopleCapability.REVEAL_SENSITIVE):
        raise DomainError(_("Your role may not export full document numbers and phones."))
    if len(reason.strip()) < 2:
        raise DomainError(
            _("Give the reason for exporting full document numbers and phones."),
            field="reason",
        )


def export_residents(
    user: User,
    qs: QuerySet[Resident],
    path: str | Path,
    *,
    filters: dict[str, str],
    reveal: bool,
    reason: str = "",
    progress: Callable[[int], None] | None = None,
) -> int:
    """The export as a user action: write the file, then ONE audit entry for it.

    `qs` must already be the user's list (`search.filtered_residents`). Revealing needs
    `PeopleCapability.REVEAL_SENSITIVE` and a reason; without both the values stay masked.
    """
    reason = reason.strip()
    check_reveal(user, reveal=reveal, reason=reason)
    count = write_residents_xlsx(path, qs, reveal=reveal, progress=progress)
    audit.record(
        user,
        AuditAction.EXPORT,
        target_type="people.resident",
        target_repr=_("Resident list (%(count)s rows)") % {"count": count},
        changes={"filter": filters, "rows": count, "revealed": reveal},
        reason=reason,
    )
    return count
