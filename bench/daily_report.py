"""Benchmark: the day's report for every community of a district, and the township's page
(PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/daily_report.py [--residents 1000000] [--communities 300] \
        [--cases 20000] [--checkins 5000000] [--repeats 5] [--requests 30]

Creates its own throwaway database (`fangkong_bench_daily` on the server of DATABASE_URL),
migrates it (the general policy version 1 comes with the migrations) and fills one township:
`--residents` people in `--communities` communities (`bench.population.populate`, with grids,
buildings, units and households), then — raw `INSERT … SELECT` over generate_series and the
residents, in the shapes the actions write —

- `--cases` quarantine cases spread over the communities: centralised, home and lockdown
  isolation, returnees and close contacts, started on each of the last 15 days, a few only
  registered, a few under release review, a few released today; their scheduled tests (days 1,
  4, 7, 14: results in, some overdue, some due today, some recorded today, a few positive);
- past cases (released before the open ones started) carrying the bulk of `--checkins`
  check-ins (two a day over 14 days), plus the open cases' check-ins up to today's (some of
  today's missing);
- alerts (raised today and yesterday: open, acknowledged, collected, closed, escalated),
  returnees registered today and yesterday (confirmed with a level and a measure, pending,
  rejected), refusals, index cases (today and yesterday), two gates per community with
  `--gate-entries` passages today and as many yesterday (some stopped, with reasons),
  lockdowns of a building in force, lifted today and lifted before, with every resident of
  the building as a member, supply requests of their households (normal and urgent, made at
  various hours, delivered, cancelled, late), and community levels set by the township
  (closed management on in one community of ten; one in twenty back to following the
  county today, the county being of low risk).

and runs VACUUM (ANALYZE), leaving the tables as autovacuum would.

Measured then, same run, same data:

1. `fangkong.reports.figures.compute(today, every community)` (what the township's day and the
   API compute), `--repeats` times: median and best; each section's share of one run;
2. the floor: ONE hand-written SQL statement computing the same figures for every community
   (a CTE per table, grouped by community with FILTER clauses, all joined to the
   communities; the policy's numbers — checks per day, delivery hours, the level from which
   closed management applies — as parameters, read once; the "六个一" counted as missing
   by kind, the data having no checklist item); every figure of every community is compared
   with compute()'s and any mismatch printed; the ratio compute / floor (target ≤ 2);
3. every community's report submitted for yesterday and today (DailyReport rows written
   with the figures compute() gives, as `reports.actions.submit` leaves them), then GET
   `/daily/t/<today>/` as the township admin (second factor passed) `--requests` times:
   median, p95, queries; and as a baseline in the same run `/daily/` (the report index, a
   redirect to that page) (target: median < 300 ms).

Target (issue 13): compute ≤ 2 × the floor; the township page's median < 300 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.workbench import _admin_sql, _p95, _QueryTimer

BENCH_DB = "fangkong_bench_daily"
PAGE_TARGET_MS = 300
RATIO_TARGET = 2.0


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time the daily report on PostgreSQL.")
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--communities", type=int, default=300)
    parser.add_argument("--cases", type=int, default=20_000, help="open quarantine cases")
    parser.add_argument("--checkins", type=int, default=5_000_000)
    parser.add_argument("--gate-entries", type=int, default=60_000, help="per day")
    parser.add_argument("--repeats", type=int, default=5, help="of compute() and the floor")
    parser.add_argument("--requests", type=int, default=30, help="per page")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def main() -> None:
    args = _parse()
    parts = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(
            "DATABASE_URL must point at PostgreSQL for this benchmark "
            "(e.g. postgres://postgres@127.0.0.1:5432/postgres); SQLite is not supported"
        )
    bench_url = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    maintenance_url = urlunsplit(parts._replace(path="/postgres"))
    _admin_sql(
        maintenance_url,
        f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)",
        f"CREATE DATABASE {BENCH_DB}",
        f"ALTER DATABASE {BENCH_DB} SET random_page_cost = 1.1",
    )
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DEBUG"] = "1"  # staticfiles without a manifest
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    try:
        _run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin_sql(maintenance_url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            print(f"dropped {BENCH_DB}")


# ---- filling -----------------------------------------------------------------------------------


class Fill:
    """The records of a district's day, written with INSERT … SELECT."""

    def __init__(self, args: argparse.Namespace) -> None:
        from django.utils import timezone

        from fangkong.core.days import day_span
        from fangkong.policy.models import Policy

        self.args = args
        self.today = timezone.localdate()
        self.start, self.end = day_span(self.today)
        self.now = timezone.now()
        # "earlier today": between midnight and now, whatever the hour
        self.span = self.now - self.start
        self.policy = Policy.objects.get(township__isnull=True, version=1)
        self.counts: dict[str, int] = {}

    def params(self, **more: Any) -> dict[str, Any]:
        return {
            "today": self.today,
            "t_start": self.start,
            "t_end": self.end,
            "t_now": self.now,
            "t_span": self.span,
            "policy": self.policy.pk,
            **more,
        }

    def insert(self, model: Any, exprs: dict[str, str], tail: str, **params: Any) -> int:
        """INSERT INTO model's table (every concrete column but id) SELECT exprs (SQL, by
        column) … tail; a column not given gets the model field's default."""
        from django.db import connection, models

        columns, select = [], []
        values = self.params(**params)
        for f in model._meta.concrete_fields:
            if f.column == "id":
                continue
            columns.append(connection.ops.quote_name(f.column))
            if f.column in exprs:
                select.append(exprs[f.column])
                continue
            if f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif isinstance(f, models.CharField | models.TextField) and f.blank:
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{f.column} needs a value")
            name = f"d_{f.column}"
            values[name] = f.get_db_prep_save(value, connection)
            select.append(f"%({name})s::{f.db_type(connection)}")
        table = connection.ops.quote_name(model._meta.db_table)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(select)} {tail}"
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            n = cursor.rowcount
        label = model._meta.verbose_name_plural
        self.counts[str(label)] = self.counts.get(str(label), 0) + n
        return int(n)

    def run(self) -> None:
        from django.db import transaction

        from bench.population import _indexes_rebuilt_after, _skip_foreign_key_checks
        from fangkong.health.models import CheckIn
        from fangkong.quarantine.models import Case, ScheduledTest

        with transaction.atomic():
            _skip_foreign_key_checks()
            with _indexes_rebuilt_after((Case, ScheduledTest, CheckIn)):
                self.cases()
                self.tests()
                self.checkins()
            self.index_cases()
            self.alerts()
            self.registrations()
            self.gates()
            self.lockdowns()
            self.levels()

    def cases(self) -> None:
        from fangkong.quarantine.models import Case

        n_res = self.args.residents
        stride = max(1, n_res // math.ceil(self.args.cases / 0.95))
        self.stride = stride
        k = "p.k"
        # the open cases: one resident in `stride`, spread over every community
        self.insert(
            Case,
            {
                "township_id": "p.township_id",
                "community_id": "p.community_id",
                "grid_id": "p.grid_id",
                "resident_id": "p.id",
                "kind": f"CASE WHEN mod({k}, 10) < 3 THEN 'centralised' "
                f"WHEN mod({k}, 10) < 9 THEN 'home' ELSE 'lockdown' END",
                "reason": f"CASE WHEN mod({k}, 10) = 9 THEN 'lockdown' "
                f"WHEN mod({k} * 7, 4) = 0 THEN 'close_contact' ELSE 'returnee' END",
                "status": f"CASE WHEN mod({k}, 100) < 3 THEN 'registered' "
                f"WHEN mod({k}, 100) < 8 THEN 'released' "
                f"WHEN mod({k}, 100) < 13 THEN 'release_review' ELSE 'in_quarantine' END",
                "address": "'基准地址'",
                "start_date": f"%(today)s::date - (CASE WHEN mod({k}, 100) < 3 THEN 0 "
                f"WHEN mod({k}, 100) < 8 THEN 13 ELSE mod({k}, 15) END)",
                "planned_end": f"%(today)s::date - (CASE WHEN mod({k}, 100) < 3 THEN 0 "
                f"WHEN mod({k}, 100) < 8 THEN 13 ELSE mod({k}, 15) END) + 13",
                "policy_id": "%(policy)s",
                "days": "14",
                "test_days": "'[1, 4, 7, 14]'::jsonb",
                "created_at": "%(t_start)s",
                "closed_at": f"CASE WHEN mod({k}, 100) BETWEEN 3 AND 7 "
                "THEN %(t_start)s + %(t_span)s * 0.5 END",
            },
            "FROM (SELECT r.id, r.township_id, r.community_id, r.grid_id, "
            "(row_number() OVER (ORDER BY r.id))::int - 1 AS k FROM people_resident r "
            "WHERE mod(r.id, %(stride)s) = 0 ORDER BY r.id LIMIT %(cases)s) p",
            stride=stride,
            # one in twenty is released today: `--cases` stay open at the end of the day
            cases=math.ceil(self.args.cases / 0.95),
        )

    def tests(self, where: str = "c.status <> 'registered'", *, all_done: bool = False) -> None:
        from fangkong.quarantine.models import ScheduledTest

        h = "mod(c.id * 31 + d.day, 100)"
        due = "(c.start_date + d.day - 1)"
        recorded_today = (
            f"(({due} = %(today)s::date AND {h} < 40) OR "
            f"({due} = %(today)s::date - 1 AND {h} BETWEEN 88 AND 91))"
        )
        done_before = f"({due} < %(today)s::date AND {h} < 88)"
        if all_done:  # released cases: every test negative (the release rule's condition)
            done_before = "true"
        self.insert(
            ScheduledTest,
            {
                "case_id": "c.id",
                "day": "d.day",
                "due_date": due,
                "result": f"CASE WHEN {recorded_today} AND {h} < 3 THEN 'positive' "
                f"WHEN {recorded_today} OR {done_before} THEN 'negative' ELSE '' END",
                "sampled_on": f"CASE WHEN {recorded_today} OR {done_before} THEN {due} END",
                "result_at": f"CASE WHEN {recorded_today} THEN %(t_start)s + %(t_span)s * 0.6 "
                f"WHEN {done_before} THEN %(t_start)s + make_interval(days => {due} - "
                "%(today)s::date, hours => 20) END",
            },
            f"FROM quarantine_case c CROSS JOIN (VALUES (1), (4), (7), (14)) d(day) WHERE {where}",
        )

    def checkins(self) -> None:
        from django.db import connection

        from fangkong.health.models import CheckIn
        from fangkong.quarantine.models import Case

        def write(where: str, limit: int | None = None) -> int:
            day = "(c.start_date + g.d)"
            tail = (
                "FROM quarantine_case c CROSS JOIN LATERAL generate_series(0, "
                "LEAST(%(today)s::date - c.start_date, 13)) g(d) "
                "CROSS JOIN (VALUES (1), (2)) s(slot) "
                f"WHERE c.status <> 'registered' AND {where} AND ({day} < %(today)s::date "
                "OR (s.slot = 1 AND mod(c.id, 10) < 7) OR (s.slot = 2 AND mod(c.id, 10) < 3))"
            )
            if limit is not None:
                tail += f" LIMIT {int(limit)}"
            return self.insert(
                CheckIn,
                {
                    "township_id": "c.township_id",
                    "community_id": "c.community_id",
                    "grid_id": "c.grid_id",
                    "case_id": "c.id",
                    "resident_id": "c.resident_id",
                    "date": day,
                    "slot": "s.slot",
                    "temperature": "36.5",
                    "via": "'link'",
                    "policy_id": "%(policy)s",
                    "created_at": "%(t_start)s + make_interval(days => g.d - "
                    "(%(today)s::date - c.start_date), hours => 8 * s.slot - 8)",
                },
                tail,
            )

        last_open = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        open_n = write("true")
        rest = self.args.checkins - open_n
        if rest <= 0:
            return
        # past cases (released before any open one started) carry the rest: 28 each
        past = math.ceil(rest / 28)
        self.insert(
            Case,
            {
                "township_id": "p.township_id",
                "community_id": "p.community_id",
                "grid_id": "p.grid_id",
                "resident_id": "p.id",
                "kind": "CASE WHEN mod(p.k, 3) = 0 THEN 'centralised' ELSE 'home' END",
                "reason": "'returnee'",
                "status": "'released'",
                "address": "'基准地址'",
                "start_date": "%(today)s::date - 30 - mod(p.k, 60)",
                "planned_end": "%(today)s::date - 30 - mod(p.k, 60) + 13",
                "policy_id": "%(policy)s",
                "days": "14",
                "test_days": "'[1, 4, 7, 14]'::jsonb",
                "created_at": "%(t_start)s - make_interval(days => (30 + mod(p.k, 60))::int)",
                "closed_at": "%(t_start)s - make_interval(days => (16 + mod(p.k, 60))::int)",
            },
            "FROM (SELECT r.id, r.township_id, r.community_id, r.grid_id, "
            "(row_number() OVER (ORDER BY mod(r.id * 7919, 1000003), r.id))::int - 1 AS k "
            "FROM people_resident r ORDER BY mod(r.id * 7919, 1000003), r.id "
            "LIMIT %(past)s) p",
            past=past,
        )
        self.counts["of them past cases"] = past
        self.tests(f"c.id > {int(last_open)}", all_done=True)
        write(f"c.id > {int(last_open)}", limit=rest)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM quarantine_case WHERE closed_at IS NULL")
            self.counts["open cases (closed_at empty)"] = cursor.fetchone()[0]

    def index_cases(self) -> None:
        from fangkong.quarantine.models import IndexCase

        self.insert(
            IndexCase,
            {
                "township_id": "c.township_id",
                "community_id": "c.community_id",
                "resident_id": "c.resident_id",
                "name": "'病例'",
                "kind": "'confirmed'",
                "reported_on": "%(today)s::date - mod(c.id, 2)::int",
                "created_at": "%(t_start)s",
            },
            "FROM quarantine_case c WHERE c.status = 'in_quarantine' AND mod(c.id, 200) = 50",
        )

    def alerts(self) -> None:
        from fangkong.health.models import Alert

        kind = "mod(c.id / 40, 6)"  # 0 open, 1 acknowledged, 2 collected, 3 closed, 4 yesterday
        raised = (
            f"CASE WHEN {kind} = 4 THEN %(t_start)s - interval '5 hours' "
            "ELSE %(t_start)s + %(t_span)s * (0.1 + 0.6 * mod(c.id, 97) / 97.0) END"
        )
        self.insert(
            Alert,
            {
                "township_id": "c.township_id",
                "community_id": "c.community_id",
                "grid_id": "c.grid_id",
                "resident_id": "c.resident_id",
                "case_id": "c.id",
                "source": "'checkin'",
                "status": f"CASE {kind} WHEN 1 THEN 'acknowledged' WHEN 2 THEN 'collected' "
                "WHEN 3 THEN 'closed' ELSE 'open' END",
                "temperature": "38.2",
                "raised_at": raised,
                # escalated: a minute after it was raised; or not due before tomorrow night
                "escalate_at": f"CASE WHEN mod(c.id, 80) < 40 OR {kind} = 4 "
                f"THEN ({raised}) + interval '1 minute' ELSE %(t_now)s + interval '3 hours' END",
                "acknowledged_at": f"CASE WHEN {kind} IN (1, 2, 3) "
                f"THEN ({raised}) + interval '2 minutes' END",
                "contacted_at": f"CASE WHEN {kind} IN (2, 3) "
                f"THEN ({raised}) + interval '3 minutes' END",
                "institution": f"CASE WHEN {kind} IN (2, 3) THEN '社区卫生服务中心' ELSE '' END",
                "collected_at": f"CASE WHEN {kind} = 2 THEN ({raised}) + interval '4 minutes' END",
                "outcome": f"CASE WHEN {kind} = 3 THEN 'ruled_out' ELSE '' END",
                "closed_at": f"CASE WHEN {kind} = 3 THEN ({raised}) + interval '5 minutes' END",
                "policy_id": "%(policy)s",
            },
            "FROM quarantine_case c WHERE c.status = 'in_quarantine' AND mod(c.id, 40) = 1",
        )

    def registrations(self) -> None:
        from fangkong.screening.models import Refusal, Registration

        stride = self.stride
        q = "(r.id / %(stride)s)"  # 0, 1, 2, … over the residents chosen
        h = f"mod({q} * 37, 100)"
        created = (
            f"CASE WHEN {h} >= 80 THEN %(t_start)s - interval '6 hours' "
            f"ELSE %(t_start)s + %(t_span)s * (0.05 + 0.8 * mod({q}, 89) / 89.0) END"
        )
        confirmed = f"{h} < 60 OR {h} >= 80"
        self.insert(
            Registration,
            {
                "township_id": "r.township_id",
                "community_id": "r.community_id",
                "grid_id": "r.grid_id",
                "status": f"CASE WHEN {confirmed} THEN 'confirmed' "
                f"WHEN {h} < 72 THEN 'pending' ELSE 'rejected' END",
                "source": "'staff'",
                "resident_id": f"CASE WHEN {confirmed} THEN r.id END",
                "claimed_name": "'返乡人员'",
                "arrival_date": "%(today)s::date",
                "policy_id": f"CASE WHEN {confirmed} THEN %(policy)s END",
                "level": f"CASE WHEN NOT ({confirmed}) THEN '' WHEN mod({q}, 3) = 0 "
                f"THEN 'high' WHEN mod({q}, 3) = 1 THEN 'medium' ELSE 'low' END",
                "measure": f"CASE WHEN NOT ({confirmed}) THEN '' ELSE (ARRAY["
                "'centralised_quarantine', 'home_quarantine', 'certificate_accepted', "
                f"'test_within_24h', 'health_monitoring'])[1 + mod({q}, 5)] END",
                "decided_at": f"CASE WHEN {confirmed} THEN {created} END",
                "confirmed_at": f"CASE WHEN {confirmed} THEN {created} END",
                "created_at": created,
                "rejected_at": f"CASE WHEN {h} BETWEEN 72 AND 79 THEN {created} END",
            },
            "FROM people_resident r WHERE mod(r.id, %(stride)s) = 2 ORDER BY r.id LIMIT %(n)s",
            stride=stride,
            n=max(10, self.args.cases // 20),
        )
        self.insert(
            Refusal,
            {
                "township_id": "r.township_id",
                "community_id": "r.community_id",
                "grid_id": "r.grid_id",
                "resident_id": "r.id",
                "kind": "'test'",
                "details": "'拒绝核酸检测'",
                "recorded_at": "CASE WHEN mod(r.id, 3) = 0 THEN %(t_start)s - interval '3 hours' "
                "ELSE %(t_start)s + %(t_span)s * 0.4 END",
            },
            "FROM people_resident r WHERE mod(r.id, %(stride)s) = 3 ORDER BY r.id LIMIT %(n)s",
            stride=stride,
            n=max(10, self.args.cases // 100),
        )

    def gates(self) -> None:
        from django.db import connection

        from fangkong.checkpoints.models import Gate, GateEntry

        self.insert(
            Gate,
            {
                "township_id": "c.township_id",
                "community_id": "c.id",
                "name": "g.name",
                "state": "g.state",
            },
            "FROM core_community c CROSS JOIN (VALUES ('1号门', 'open'), ('2号门', 'sealed')) "
            "g(name, state)",
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM checkpoints_gate WHERE state = 'open'")
            gates = cursor.fetchone()[0]
        reasons = (
            "'[\"fever\"]'",
            "'[\"quarantine\"]'",
            "'[\"health_code\"]'",
            '\'["quarantine", "health_code"]\'',
            "'[\"lockdown\"]'",
            '\'["not_resident", "non_essential"]\'',
            "'[\"pass_forged\"]'",
            "'[\"pass_revoked\"]'",
            '\'["pass_other_community", "fever"]\'',
        )
        n = self.args.gate_entries
        for when in (
            "%(t_start)s + %(t_span)s * (0.95 * g.i / %(n)s)",
            "%(t_start)s - interval '1 day' + interval '1 day' * (g.i::float / %(n)s)",
        ):
            stop = "mod(g.i * 13, 100) < 8"
            self.insert(
                GateEntry,
                {
                    "township_id": "t.township_id",
                    "community_id": "t.community_id",
                    "gate_id": "t.id",
                    "at": when,
                    "direction": "CASE WHEN mod(g.i, 2) = 0 THEN 'in' ELSE 'out' END",
                    "kind": "'visitor'",
                    "name": "'访客'",
                    "verdict": f"CASE WHEN {stop} THEN 'stop' ELSE 'allow' END",
                    "reasons": f"CASE WHEN {stop} THEN (ARRAY[{', '.join(reasons)}])"
                    "[1 + mod(g.i, 9)]::jsonb ELSE '[]'::jsonb END",
                    "client_key": "gen_random_uuid()",
                },
                "FROM generate_series(0, %(n)s - 1) g(i) JOIN (SELECT id, township_id, "
                "community_id, (row_number() OVER (ORDER BY id))::int - 1 AS n "
                "FROM checkpoints_gate "
                "WHERE state = 'open') t ON t.n = mod(g.i, %(gates)s)",
                n=n,
                gates=gates,
            )

    def lockdowns(self) -> None:
        from fangkong.lockdown.models import Lockdown, LockdownMember, SupplyRequest

        kind = "mod(b.n, 10)"  # 0-2 in force, 3 lifted today, 4 lifted before
        self.insert(
            Lockdown,
            {
                "township_id": "b.township_id",
                "community_id": "b.community_id",
                "grid_id": "b.grid_id",
                "building_id": "b.building_id",
                "status": f"CASE WHEN {kind} < 3 THEN 'active' ELSE 'lifted' END",
                "reason": "'密接所在楼栋'",
                "policy_id": "%(policy)s",
                "locked_at": f"CASE WHEN {kind} < 3 THEN %(t_start)s - interval '20 hours' "
                "ELSE %(t_start)s - interval '5 days' END",
                "lifted_at": f"CASE {kind} WHEN 3 THEN %(t_start)s + %(t_span)s * 0.3 "
                "WHEN 4 THEN %(t_start)s - interval '2 days' END",
            },
            "FROM (SELECT x.*, (row_number() OVER (ORDER BY x.community_id))::int - 1 AS n FROM "
            "(SELECT DISTINCT ON (g.community_id) b.id AS building_id, g.id AS grid_id, "
            "g.community_id, c.township_id FROM core_building b "
            "JOIN core_grid g ON g.id = b.grid_id JOIN core_community c ON c.id = g.community_id "
            "ORDER BY g.community_id, b.id) x) b WHERE mod(b.n, 10) < 5",
        )
        self.insert(
            LockdownMember,
            {
                "lockdown_id": "l.id",
                "resident_id": "r.id",
                "household_id": "h.id",
                "added_at": "l.locked_at + interval '1 hour'",
            },
            "FROM lockdown_lockdown l JOIN people_household h ON h.building_id = l.building_id "
            "JOIN people_resident r ON r.household_id = h.id",
        )
        ago = (
            "(ARRAY[interval '30 minutes', interval '8 hours', interval '12 hours', "
            "interval '36 hours', interval '60 hours'])[1 + mod(h.id, 5)]"
        )
        requested = f"LEAST(%(t_now)s - {ago}, %(t_start)s + %(t_span)s * 0.5)"
        delivered = "mod(h.id, 4) = 0"
        cancelled = "mod(h.id, 11) = 0"
        self.insert(
            SupplyRequest,
            {
                "township_id": "l.township_id",
                "community_id": "l.community_id",
                "grid_id": "h.grid_id",
                "household_id": "h.id",
                "lockdown_id": "l.id",
                "kind": "'food'",
                "urgency": "CASE WHEN mod(h.id, 7) < 2 THEN 'urgent' ELSE 'normal' END",
                "via": "'staff'",
                "requested_at": requested,
                "delivered_at": f"CASE WHEN {delivered} AND NOT {cancelled} THEN "
                f"{requested} + (%(t_now)s - {requested}) * 0.5 END",
                "photo": "''",
                "status": f"CASE WHEN {cancelled} THEN 'cancelled' WHEN {delivered} "
                "THEN 'delivered' ELSE 'open' END",
            },
            "FROM lockdown_lockdown l JOIN people_household h ON h.building_id = l.building_id "
            "WHERE l.lifted_at IS NULL OR l.lifted_at >= %(t_start)s",
        )

    def levels(self) -> None:
        from fangkong.closure.models import CommunityLevel

        self.insert(
            CommunityLevel,
            {
                "township_id": "c.township_id",
                "community_id": "c.id",
                "source": "'township'",
                "level": "CASE mod(c.n, 20) WHEN 0 THEN 'high' WHEN 1 THEN 'medium' "
                "WHEN 2 THEN 'high' ELSE 'low' END",
                "reason": "'基准'",
                "at": "%(t_start)s - interval '2 days'",
            },
            "FROM (SELECT c.*, (row_number() OVER (ORDER BY c.id))::int - 1 AS n "
            "FROM core_community c) "
            "c WHERE mod(c.n, 20) < 4",
        )
        # one in twenty back to following the county today (the county is low)
        self.insert(
            CommunityLevel,
            {
                "township_id": "c.township_id",
                "community_id": "c.id",
                "source": "'county'",
                "level": "''",
                "reason": "'基准'",
                "at": "%(t_start)s + %(t_span)s * 0.2",
            },
            "FROM (SELECT c.*, (row_number() OVER (ORDER BY c.id))::int - 1 AS n "
            "FROM core_community c) "
            "c WHERE mod(c.n, 20) = 2",
        )


# ---- the floor ---------------------------------------------------------------------------------


def floor_sql(day: dt.date, ids: list[int]) -> tuple[str, dict[str, Any]]:
    """ONE statement: every figure of every community of `ids` for `day`."""
    from django.utils import timezone

    from fangkong.checkpoints.daily_report import STOP_LABELS
    from fangkong.closure import checklist
    from fangkong.core.days import day_span
    from fangkong.core.models import Community
    from fangkong.policy.rules import Level
    from fangkong.policy.versions import in_force

    start, end = day_span(day)
    townships = set(Community.objects.filter(pk__in=ids).values_list("township_id", flat=True))
    assert len(townships) == 1, "the floor is written for one township's policy"
    rules = in_force(townships.pop(), day).as_rules()
    closing = [lv.value for lv in Level if rules.is_closed_management(lv)]
    params: dict[str, Any] = {
        "ids": ids,
        "day": day,
        "start": start,
        "end": end,
        "cutoff": min(end, timezone.now()),
        "n": rules.checks_per_day,
        "m": rules.lockdown_checks_per_day,
        "normal_h": rules.delivery_limit_hours,
        "urgent_h": rules.urgent_delivery_limit_hours,
        "closing": closing,
        "county_closes": rules.is_closed_management(Level.LOW),  # no risk area in the data
        "kinds": len(checklist.KINDS),
    }
    reasons = [r.value for r in STOP_LABELS]
    stop_cols = ",\n".join(
        f"count(*) FILTER (WHERE verdict = 'stop' AND reasons ? '{r}') AS stop_{r}" for r in reasons
    )
    stop_out = ",\n".join(f'coalesce(ge.stop_{r}, 0) AS "checkpoints.stop_{r}"' for r in reasons)
    sql = f"""
WITH comm AS (SELECT id FROM core_community WHERE id = ANY(%(ids)s)),
-- the cases not closed before the day: one sequential read of the cases (closed ones
-- included), shared by two figures ("+ 0", here and for the tests: no walk of the
-- community index, which would visit every past case one heap page at a time)
cs AS MATERIALIZED (
  SELECT id, community_id, kind, reason, status, start_date, closed_at
  FROM quarantine_case
  WHERE community_id + 0 = ANY(%(ids)s) AND start_date <= %(day)s
    AND (closed_at IS NULL OR closed_at >= %(start)s)),
qc AS (
  SELECT community_id,
    count(*) FILTER (WHERE held AND kind = 'centralised') AS centralised,
    count(*) FILTER (WHERE held AND kind = 'home') AS home,
    count(*) FILTER (WHERE start_date = %(day)s AND kind IN ('centralised', 'home')) AS started,
    count(*) FILTER (WHERE status = 'released' AND closed_at >= %(start)s
                     AND closed_at < %(end)s AND kind IN ('centralised', 'home')) AS released,
    count(*) FILTER (WHERE held AND reason = 'close_contact') AS close_contacts
  FROM (SELECT *, (closed_at IS NULL OR closed_at >= %(end)s) AS held FROM cs) c
  GROUP BY community_id),
qt AS (
  SELECT c.community_id,
    count(*) FILTER (WHERE t.due_date = %(day)s) AS due,
    count(*) FILTER (WHERE t.result_at >= %(start)s AND t.result_at < %(end)s
                     AND t.result <> '') AS done,
    count(*) FILTER (WHERE t.due_date < %(day)s
                     AND (t.result = '' OR t.result_at >= %(end)s)
                     AND (c.closed_at IS NULL OR c.closed_at >= %(end)s)) AS overdue,
    count(*) FILTER (WHERE t.result_at >= %(start)s AND t.result_at < %(end)s
                     AND t.result = 'positive') AS positive
  FROM quarantine_scheduledtest t JOIN quarantine_case c ON c.id = t.case_id
  WHERE c.community_id + 0 = ANY(%(ids)s)
    AND (t.due_date = %(day)s OR (t.result_at >= %(start)s AND t.result_at < %(end)s)
         OR (t.due_date < %(day)s AND (t.result = '' OR t.result_at >= %(end)s)))
  GROUP BY c.community_id),
ur AS (
  SELECT community_id, count(*) AS made,
    count(*) FILTER (WHERE acknowledged_at IS NULL OR acknowledged_at >= %(end)s) AS waiting,
    count(*) FILTER (WHERE escalate_at <= %(cutoff)s
                     AND (acknowledged_at IS NULL OR acknowledged_at >= escalate_at)) AS late
  FROM urgent_urgentreport
  WHERE community_id = ANY(%(ids)s) AND reported_at >= %(start)s AND reported_at < %(end)s
  GROUP BY community_id),
qi AS (
  SELECT community_id, count(*) AS n FROM quarantine_indexcase
  WHERE community_id = ANY(%(ids)s) AND reported_on = %(day)s GROUP BY community_id),
sr AS (
  SELECT community_id, count(*) AS returnees,
    count(*) FILTER (WHERE level = 'high') AS high,
    count(*) FILTER (WHERE level = 'medium') AS medium,
    count(*) FILTER (WHERE level = 'low') AS low,
    count(*) FILTER (WHERE measure = 'centralised_quarantine') AS centralised,
    count(*) FILTER (WHERE measure = 'home_quarantine') AS home,
    count(*) FILTER (WHERE measure IN ('certificate_accepted', 'test_within_24h',
                                       'health_monitoring')) AS checked
  FROM screening_registration
  WHERE community_id = ANY(%(ids)s) AND created_at >= %(start)s AND created_at < %(end)s
    AND status <> 'rejected'
  GROUP BY community_id),
sf AS (
  SELECT community_id, count(*) AS n FROM screening_refusal
  WHERE community_id = ANY(%(ids)s) AND recorded_at >= %(start)s AND recorded_at < %(end)s
  GROUP BY community_id),
ha AS (
  SELECT community_id,
    count(*) FILTER (WHERE raised_at >= %(start)s AND raised_at < %(end)s) AS raised,
    count(*) FILTER (WHERE raised_at < %(end)s
                     AND (closed_at IS NULL OR closed_at >= %(end)s)) AS open,
    count(*) FILTER (WHERE escalate_at >= %(start)s AND escalate_at < %(cutoff)s
                     AND (acknowledged_at IS NULL OR acknowledged_at > escalate_at)) AS escalated,
    count(*) FILTER (WHERE collected_at >= %(start)s AND collected_at < %(end)s) AS collected
  FROM health_alert WHERE community_id = ANY(%(ids)s)
  GROUP BY community_id),
hm AS (
  SELECT c.community_id, count(*) AS n
  FROM cs c
  LEFT JOIN (SELECT case_id, count(*) AS done FROM health_checkin
             WHERE date = %(day)s AND community_id = ANY(%(ids)s) GROUP BY case_id) k
    ON k.case_id = c.id
  WHERE c.start_date < %(day)s
    AND (c.closed_at IS NULL OR c.closed_at >= %(end)s) AND c.status <> 'registered'
    AND coalesce(k.done, 0) < CASE WHEN c.kind = 'lockdown' THEN %(m)s ELSE %(n)s END
  GROUP BY c.community_id),
ll AS (
  SELECT community_id, count(*) AS n FROM lockdown_lockdown
  WHERE community_id = ANY(%(ids)s) AND locked_at < %(end)s
    AND (lifted_at IS NULL OR lifted_at >= %(end)s)
  GROUP BY community_id),
lp AS (
  SELECT l.community_id, count(DISTINCT m.resident_id) AS n
  FROM lockdown_lockdownmember m JOIN lockdown_lockdown l ON l.id = m.lockdown_id
  WHERE l.community_id = ANY(%(ids)s) AND m.added_at < %(end)s AND l.locked_at < %(end)s
    AND (l.lifted_at IS NULL OR l.lifted_at >= %(end)s)
  GROUP BY l.community_id),
ls AS (
  SELECT community_id,
    count(*) FILTER (WHERE requested_at >= %(start)s AND requested_at < %(end)s) AS requested,
    count(*) FILTER (WHERE delivered_at >= %(start)s AND delivered_at < %(end)s) AS delivered,
    count(*) FILTER (WHERE (delivered_at IS NULL OR delivered_at >= %(cutoff)s)
      AND requested_at <= %(cutoff)s - make_interval(hours => CASE WHEN urgency = 'urgent'
          THEN %(urgent_h)s ELSE %(normal_h)s END)) AS late
  FROM lockdown_supplyrequest
  WHERE community_id = ANY(%(ids)s) AND status <> 'cancelled'
  GROUP BY community_id),
ge AS (
  SELECT community_id, count(*) AS entries,
    count(*) FILTER (WHERE verdict = 'stop') AS stops,
    {stop_cols}
  FROM checkpoints_gateentry
  WHERE community_id = ANY(%(ids)s) AND at >= %(start)s AND at < %(end)s
  GROUP BY community_id),
lv AS (
  SELECT DISTINCT ON (community_id) community_id,
    CASE WHEN source = 'township' THEN level = ANY(%(closing)s) ELSE %(county_closes)s END
      AS closed
  FROM closure_communitylevel
  WHERE community_id = ANY(%(ids)s) AND at < %(end)s
  ORDER BY community_id, at DESC, id DESC),
ci AS (
  SELECT community_id, count(DISTINCT kind) AS kinds FROM closure_checklistitem
  WHERE community_id = ANY(%(ids)s) GROUP BY community_id)
SELECT comm.id,
  coalesce(sr.returnees, 0) AS "screening.returnees",
  coalesce(sr.high, 0) AS "screening.from_high",
  coalesce(sr.medium, 0) AS "screening.from_medium",
  coalesce(sr.low, 0) AS "screening.from_low",
  coalesce(sr.centralised, 0) AS "screening.centralised",
  coalesce(sr.home, 0) AS "screening.home",
  coalesce(sr.checked, 0) AS "screening.checked",
  coalesce(sf.n, 0) AS "screening.refusals",
  coalesce(qc.centralised, 0) AS "quarantine.centralised",
  coalesce(qc.home, 0) AS "quarantine.home",
  coalesce(qc.started, 0) AS "quarantine.started",
  coalesce(qc.released, 0) AS "quarantine.released",
  coalesce(qc.close_contacts, 0) AS "quarantine.close_contacts",
  coalesce(qt.due, 0) AS "quarantine.tests_due",
  coalesce(qt.done, 0) AS "quarantine.tests_done",
  coalesce(qt.overdue, 0) AS "quarantine.tests_overdue",
  coalesce(qt.positive, 0) AS "quarantine.tests_positive",
  coalesce(qi.n, 0) AS "quarantine.index_cases",
  coalesce(ha.raised, 0) AS "health.alerts_raised",
  coalesce(ha.open, 0) AS "health.alerts_open",
  coalesce(ha.escalated, 0) AS "health.alerts_escalated",
  coalesce(ha.collected, 0) AS "health.alerts_collected",
  coalesce(hm.n, 0) AS "health.checkins_missing",
  coalesce(ll.n, 0) AS "lockdown.lockdowns",
  coalesce(lp.n, 0) AS "lockdown.people",
  coalesce(ls.requested, 0) AS "lockdown.supplies_requested",
  coalesce(ls.delivered, 0) AS "lockdown.supplies_delivered",
  coalesce(ls.late, 0) AS "lockdown.supplies_late",
  coalesce(ge.entries, 0) AS "checkpoints.entries",
  coalesce(ge.stops, 0) AS "checkpoints.stops",
  {stop_out},
  CASE WHEN coalesce(lv.closed, %(county_closes)s) THEN 1 ELSE 0 END AS "closure.closed",
  CASE WHEN coalesce(lv.closed, %(county_closes)s) THEN %(kinds)s - coalesce(ci.kinds, 0)
       ELSE 0 END AS "closure.unmet",
  coalesce(ur.made, 0) AS "urgent.made",
  coalesce(ur.waiting, 0) AS "urgent.unacknowledged",
  coalesce(ur.late, 0) AS "urgent.escalated"
FROM comm
LEFT JOIN qc ON qc.community_id = comm.id
LEFT JOIN qt ON qt.community_id = comm.id
LEFT JOIN qi ON qi.community_id = comm.id
LEFT JOIN sr ON sr.community_id = comm.id
LEFT JOIN sf ON sf.community_id = comm.id
LEFT JOIN ha ON ha.community_id = comm.id
LEFT JOIN hm ON hm.community_id = comm.id
LEFT JOIN ll ON ll.community_id = comm.id
LEFT JOIN lp ON lp.community_id = comm.id
LEFT JOIN ls ON ls.community_id = comm.id
LEFT JOIN ge ON ge.community_id = comm.id
LEFT JOIN lv ON lv.community_id = comm.id
LEFT JOIN ci ON ci.community_id = comm.id
LEFT JOIN ur ON ur.community_id = comm.id
"""
    return sql, params


def floor(day: dt.date, ids: list[int]) -> dict[int, dict[str, int]]:
    from django.db import connection

    sql, params = floor_sql(day, ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return {row[0]: dict(zip(names[1:], map(int, row[1:]), strict=True)) for row in cursor}


# ---- running -----------------------------------------------------------------------------------


def _run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    import bench.population as population
    from fangkong.core.models import Community, Township
    from fangkong.policy.models import RiskArea
    from fangkong.reports import figures

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    # `--communities` communities of equal grids of at most 1,000 people (a community is
    # filled grid by grid, so its size is a whole number of grids)
    size = math.ceil(args.residents / args.communities)
    grids = math.ceil(size / 1_000)
    population.GRID_SIZE = math.ceil(size / grids)
    population.COMMUNITY_SIZE = grids * population.GRID_SIZE
    population.populate(args.residents)
    took_people = time.perf_counter() - started
    fill = Fill(args)
    fill.run()
    with connection.cursor() as cursor:
        # as autovacuum leaves a table in production: statistics, visibility map, hint bits
        # (a fresh table's first reads would otherwise pay for them)
        cursor.execute("VACUUM (ANALYZE)")
    township = Township.objects.get()
    ids = list(
        Community.objects.filter(township=township).order_by("pk").values_list("pk", flat=True)
    )
    print(
        f"populated in {time.perf_counter() - started:.0f} s ({took_people:.0f} s for "
        f"{args.residents:,} residents in {len(ids)} communities): "
        + ", ".join(f"{n:,} {what}" for what, n in fill.counts.items())
    )
    assert not RiskArea.objects.exists(), "the floor takes every county as low risk"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_setting('random_page_cost')")
        version, page_cost = cursor.fetchone()
    print(f"{version.split(',')[0]}, random_page_cost = {page_cost}, today {fill.today}")

    today = fill.today
    results: dict[str, Any] = {}

    # 1. compute(): every section for every community, and each section alone once
    computed = figures.compute(today, ids)  # warm-up
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        computed = figures.compute(today, ids)
        times.append((time.perf_counter() - t0) * 1000)
    results["compute"] = times
    print("\nsections of compute(), one run each:")
    for section in figures.layout().sections:
        timer = _QueryTimer()
        with connection.execute_wrapper(timer):
            t0 = time.perf_counter()
            section.compute(today, ids)
            took = (time.perf_counter() - t0) * 1000
        slowest = max(timer.statements, default=(0.0, ""))
        print(
            f"  {section.title!s:28} {took:8.1f} ms, {timer.count} queries, "
            f"slowest {slowest[0]:.1f} ms"
        )

    # 2. the floor, and its figures against compute()'s
    found = floor(today, ids)
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        found = floor(today, ids)
        times.append((time.perf_counter() - t0) * 1000)
    results["floor"] = times
    keys = figures.layout().keys
    mismatches = []
    for cid in ids:
        for key in keys:
            a, b = computed[cid].get(key), found.get(cid, {}).get(key)
            if a != b:
                mismatches.append((cid, key, a, b))
    extra = set(next(iter(found.values()))) - set(keys)
    totals = {k: sum(computed[c][k] for c in ids) for k in keys}
    print("\ntotals over the township (compute()):")
    for key in keys:
        print(f"  {key:42} {totals[key]:>9,}")
    if extra:
        print("floor columns that are no figure:", sorted(extra))
    if mismatches:
        print(
            f"\nMISMATCH compute() vs floor: {len(mismatches)} (community, figure, compute, floor)"
        )
        for row in mismatches[:40]:
            print("  ", row)
    else:
        print(f"\nfloor == compute(): all {len(keys)} figures of all {len(ids)} communities")

    # 3. the township's page over submitted reports
    pages = _pages(args, township, ids, today, computed)

    c_med, f_med = statistics.median(results["compute"]), statistics.median(results["floor"])
    print()
    print(f"{'':44} {'n':>4} {'median':>8} {'best/p95':>9} {'queries':>7} {'ratio':>6}")
    print(
        f"{'figures.compute(today, ' + str(len(ids)) + ' communities)':44} {args.repeats:4} "
        f"{c_med:8.1f} {min(results['compute']):9.1f} {'':>7} {c_med / f_med:6.2f}"
    )
    print(
        f"{'floor: one SQL statement':44} {args.repeats:4} {f_med:8.1f} "
        f"{min(results['floor']):9.1f} {1:7} {1:6.2f}"
    )
    base = statistics.median(pages[0][1])
    for label, totals_ms, queries in pages:
        med = statistics.median(totals_ms)
        print(
            f"{label:44} {len(totals_ms):4} {med:8.1f} {_p95(totals_ms):9.1f} {queries:7} "
            f"{med / base:6.2f}"
        )
    print(
        "ms; compute/floor rows: median and best of the repeats, ratio = median / floor's "
        "median;\npage rows: through Django's test client, median and p95, ratio = median / "
        "the baseline's"
    )
    page_med = statistics.median(pages[1][1])
    print(
        f"target compute ≤ {RATIO_TARGET:g} × floor:",
        "met" if c_med <= RATIO_TARGET * f_med else "MISSED",
        f"({c_med / f_med:.2f})",
    )
    print(
        f"target township page median < {PAGE_TARGET_MS} ms:",
        "met" if page_med < PAGE_TARGET_MS else "MISSED",
        f"({page_med:.0f} ms)",
    )
    if mismatches:
        print(f"figures: {len(mismatches)} MISMATCHES between compute() and the floor")


def _pages(
    args: argparse.Namespace,
    township: Any,
    ids: list[int],
    today: dt.date,
    computed: dict[int, dict[str, int]],
) -> list[tuple[str, list[float], int]]:
    from django.utils import timezone

    from fangkong.core.models import User
    from fangkong.core.roles import Role
    from fangkong.reports import figures
    from fangkong.reports.models import DailyReport, ReportStatus

    yesterday = today - dt.timedelta(days=1)
    before = figures.compute(yesterday, ids)
    now = timezone.now()
    DailyReport.objects.bulk_create(
        DailyReport(
            township=township,
            community_id=cid,
            date=day,
            status=ReportStatus.SUBMITTED,
            version=1,
            figures=values[cid],
            first_submitted_at=now,
            on_time=True,
            submitted_at=now,
        )
        for day, values in ((yesterday, before), (today, computed))
        for cid in ids
    )
    admin = User.objects.create(
        username="bench_township", role=Role.TOWNSHIP_ADMIN, township=township
    )
    page = f"/daily/t/{today.isoformat()}/"
    return [
        ("baseline: GET /daily/ (redirect)", *_measure(admin, "/daily/", args.requests, 302)),
        (f"GET {page} (township admin)", *_measure(admin, page, args.requests, 200)),
    ]


def _login(client: Any, user: Any) -> None:
    """force_login past the second factor, as `fangkong.conftest.verify_session` does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _measure(user: Any, path: str, n: int, status: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client

    client = Client()
    _login(client, user)
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == status, (path, response.status_code)
    counter = _QueryTimer()
    with connection.execute_wrapper(counter):
        client.get(path)
    totals = []
    for _ in range(n):
        t0 = time.perf_counter()
        response = client.get(path)
        totals.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == status
    return totals, counter.count


if __name__ == "__main__":
    main()
