"""The import template: the spreadsheet people download, fill in and upload.

One sheet with the headers and an example row, every column formatted as text so Excel keeps
ID and phone numbers as typed, and a sheet explaining each column and its allowed values.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from fangkong.core.spreadsheets import XlsxStream

from .columns import (
    COLUMNS,
    DOC_TYPE_VALUES,
    RELATION_VALUES,
    RESIDENCE_VALUES,
    TAG_VALUES,
    TEMPLATE_HEADERS,
)


def write_template(path: str | Path) -> None:
    """The import template: headers, one example row, and a sheet explaining each column."""
    book = XlsxStream(path)
    book.add_sheet("居民", TEMPLATE_HEADERS)
    # Every column is text, so Excel keeps ID numbers and phone numbers exactly as typed.
    text = book.workbook.add_format({"num_format": "@"})
    for col, c in enumerate(COLUMNS):
        book.sheet.set_column(col, col, c.width, text)
    book.write_row(c.example for c in COLUMNS)
    allowed = {
        "doc_type": "、".join(v[0] for v in DOC_TYPE_VALUES.values()),
        "gender": "男、女",
        "relation": "、".join(v[0] for v in RELATION_VALUES.values()),
        "residence_type": "、".join(v[0] for v in RESIDENCE_VALUES.values()),
        "tags": "、".join(v[0] for v in TAG_VALUES.values()),
        "party_member": "是、否",
        "works_away": "是、否",
    }
    book.add_sheet(
        "填写说明",
        [
            str(_("Column")),
            str(_("Required")),
            str(_("How to fill it in")),
            str(_("Allowed values")),
        ],
        [16, 8, 70, 60],
    )
    for c in COLUMNS:
        book.write_row(
            [c.header, "是" if c.required else "", str(c.help), allowed.get(c.key, "")],
            wrap=True,
        )
    book.write_row([])
    for line in (
        _("One row per person. Rows of the same room or house number form one household."),
        _(
            "The check lists every problem by row and column before anything is written. By "
            "default nothing is imported while any row has an error."
        ),
        _(
            "A document number already registered, or given twice in the file, is an error: "
            "records are never merged by an import."
        ),
        _("Do not use formulas; type the values."),
    ):
        book.write_row([str(line)], wrap=False)
    book.close()
