"""A cursor for the few fixed statements on a hot path, which PostgreSQL plans once.

Django runs every statement with client-side binding and no prepared statements (so that
connection poolers work), which makes PostgreSQL parse and plan each one anew. For a
statement that runs on every request of an endpoint with a throughput target (the gate
scan: token, lookup, insert), planning is a large share of its cost. `cursor(connection)`
gives, on PostgreSQL, a server-side-binding cursor that prepares every statement it runs
(psycopg keeps the prepared statements per connection, `CONN_MAX_AGE` keeps the connection),
wrapped as Django wraps its own cursors: errors and `execute_wrappers` work as usual; while
queries are logged it is Django's usual cursor. Elsewhere (SQLite) it is the usual cursor.

Only for statements whose text is fixed and whose parameters are values: each distinct text
takes a slot in psycopg's per-connection cache. Behind a transaction-pooling bouncer set
`PREPARED_STATEMENTS=0` (settings.PREPARED_STATEMENTS) to turn it off.

Measured (bench/gate_scan.py's database, one connection, 3,000 runs each): PostgreSQL's CPU
per token check 0.083 → 0.027 ms, per gate-and-pass lookup 0.240 → 0.043 ms.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper


def cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A cursor of `connection` whose statements PostgreSQL prepares (see the module)."""
    if (
        connection.vendor != "postgresql"
        or not settings.PREPARED_STATEMENTS
        # Logged (DEBUG, assertNumQueries): the usual cursor, whose log shows the statement's
        # text (psycopg keeps none for a prepared statement's execution).
        or connection.queries_logged
    ):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = _preparing_cursor_class()(connection.connection)
        _match_timezone(connection, raw)
    connection.validate_thread_sharing()
    return connection.make_cursor(raw)


def _match_timezone(connection: Any, raw: Any) -> None:
    """What Django's `create_cursor` does: aware datetimes read in the connection's zone."""
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    if connection.timezone != loader.timezone:
        register_tzloader(connection.timezone, raw)


@functools.cache
def _preparing_cursor_class() -> Any:
    """psycopg's server-binding cursor (as Django's backend defines it), preparing always."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            kwargs["prepare"] = True
            return super().execute(query, params, **kwargs)  # type: ignore[misc]

    return PreparingCursor
