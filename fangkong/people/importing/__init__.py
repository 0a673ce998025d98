"""Importing residents from a spreadsheet: the template's columns and the import rules.

`ResidentImport(user).check(table)` is the dry run: it validates every row with the same rules
as the forms (`registry.clean_person` for a person's fields) and lists every problem by row,
column and reason. `write(result, ...)` then stores the rows in one transaction: households
and residents go in with one multi-row statement per chunk (executemany on SQLite, COPY on
PostgreSQL) with ids allocated up front, never with `save()` per row, and the whole batch
gets ONE audit entry. Jurisdiction places (community, grid, building, unit) are matched by
name and never created; a new room number in a known unit or village group creates the
household.

The template's headers and values are Chinese by design (it is the format people fill in);
messages and explanations are translated source strings.

The modules: `columns` (the spreadsheet's columns, accepted values, header matching),
`rows` (checking one row), `duplicates` (within the file and against the database),
`results` (problems, check result, write summary), `writing` (the writer thread and raw
inserts), `template` (the downloadable template) and `resident_import` (`ResidentImport`, which
runs them). The names other code uses are re-exported here.
"""

from .columns import (
    COLUMNS,
    DOC_TYPE_VALUES,
    GENDER_VALUES,
    RELATION_VALUES,
    RESIDENCE_VALUES,
    TAG_VALUES,
    TEMPLATE_HEADERS,
    Column,
    header_key,
)
from .resident_import import ResidentImport
from .results import MAX_STORED_PROBLEMS, CheckResult, Problem, WriteSummary, id_ranges
from .rows import fast_person
from .template import write_template
from .writing import SQLITE_CACHE_KIB, BatchWriter, allocate_ids, insert_rows

__all__ = [
    "COLUMNS",
    "DOC_TYPE_VALUES",
    "GENDER_VALUES",
    "MAX_STORED_PROBLEMS",
    "RELATION_VALUES",
    "RESIDENCE_VALUES",
    "SQLITE_CACHE_KIB",
    "TAG_VALUES",
    "TEMPLATE_HEADERS",
    "BatchWriter",
    "CheckResult",
    "Column",
    "Problem",
    "ResidentImport",
    "WriteSummary",
    "allocate_ids",
    "fast_person",
    "header_key",
    "id_ranges",
    "insert_rows",
    "write_template",
]
