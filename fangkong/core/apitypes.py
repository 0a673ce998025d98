"""Bounded types shared by the API's schemas, so that no request value can overflow a database
integer, a date computation or a decimal: out of range is a 422 naming the field, never a 500.

- `Id`: a record id, 1 … 2^63−1 (PostgreSQL's bigint and SQLite's INTEGER).
- `Offset`: how many rows a page skips, 0 … one billion.
- `Temperature`: °C as a finite decimal with at most two decimal places (the policy's plausible
  range is checked by the domain code after it).
- `Day`: a date in a request, 1890-01-01 … 2999-12-31, so a day's start and end (and
  any time zone conversion) stay within Python's and the database's calendars.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field

MAX_ID = 2**63 - 1
MAX_OFFSET = 1_000_000_000
FIRST_DAY = dt.date(1890, 1, 1)  # the earliest birth date the registry takes
LAST_DAY = dt.date(2999, 12, 31)

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="Rows to skip (0 … 10⁹)")]
Temperature = Annotated[
    Decimal, Field(allow_inf_nan=False, max_digits=5, decimal_places=2, ge=-100, le=200)
]
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY)]
