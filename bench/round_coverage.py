"""Benchmark: the page of a testing round of 300,000 people (PostgreSQL): median and p95.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/round_coverage.py [--residents 300000] [--requests 50]

Creates its own throwaway database (`fangkong_bench_rounds` on the server of DATABASE_URL),
migrates it, fills one township with `bench.population.populate` (communities of ~10,000
people, grids, buildings with units), and opens a township-wide round through the real action
(`masstesting.rounds.open_round`: one member per resident with their building). It then
samples ~60% of them into 10-person pooled tubes and gives a third of those tubes a result
(a few positive: their members flagged for retest) — raw SQL, the shapes the actions write —
and runs ANALYZE.

Then GETs through Django's test client, as the township admin (all 300,000 members):
the round's page (numbers, coverage by building, positives, imports), its live coverage
partial (what htmx polls every 10 s) and `GET /api/v1/rounds/{id}/coverage`; as a community
leader the same page (a 10,000-member slice); and as a baseline in the same run the round list
page and `/login/`. Reported per row: median, p95, max, db time, queries, × the round list.

Target (issue 4): median under 300 ms on PostgreSQL for the round of 300,000.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.workbench import _admin_sql, _p95, _QueryTimer

BENCH_DB = "fangkong_bench_rounds"
TARGET_MS = 300


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time a round's coverage page on PostgreSQL.")
    parser.add_argument("--residents", type=int, default=300_000)
    parser.add_argument("--requests", type=int, default=50, help="per row of the table")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def main() -> None:
    from urllib.parse import urlsplit, urlunsplit

    args = _parse()
    parts = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL for this benchmark")
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

    settings.DEBUG = False  # as in production from here on
    try:
        _run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin_sql(maintenance_url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            print(f"dropped {BENCH_DB}")


def _run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench.population import populate
    from fangkong.core.models import Building, Community, Township, User
    from fangkong.core.roles import Role
    from fangkong.masstesting.models import RoundMember, Tube
    from fangkong.masstesting.rounds import open_round

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    populate(args.residents)
    township = Township.objects.order_by("pk").first()
    assert township is not None
    community = Community.objects.filter(township=township).order_by("pk").first()
    assert community is not None
    print(f"populated in {time.perf_counter() - started:.0f} s")

    admin, _ = User.objects.update_or_create(
        username="bench_admin", defaults={"role": Role.TOWNSHIP_ADMIN, "township": township}
    )
    leader, _ = User.objects.update_or_create(
        username="bench_leader",
        defaults={"role": Role.COMMUNITY_LEADER, "township": township, "community": community},
    )
    started = time.perf_counter()
    rnd = open_round(admin, scope=township, name="全街道全员核酸")
    members = RoundMember.objects.filter(round=rnd).count()
    print(f"open_round (the action): {members:,} members in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    tubes_t, members_t = Tube._meta.db_table, RoundMember._meta.db_table
    with connection.cursor() as cursor:
        # ~60% sampled, in order of building, ten to a pooled tube
        cursor.execute(
            f"CREATE TEMP TABLE chosen AS SELECT id, (row_number() OVER (ORDER BY building_id, id)"
            f" - 1) / 10 AS n FROM {members_t} WHERE round_id = %s AND id %% 5 < 3",
            [rnd.pk],
        )
        cursor.execute("SELECT coalesce(max(n), -1) + 1 FROM chosen")
        tubes = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {tubes_t} (round_id, code, pooled, result, created_at) "
            "SELECT %s, 'T' || lpad(g::text, 8, '0'), true, "
            "CASE WHEN g %% 3 <> 0 THEN '' WHEN g %% 997 = 0 THEN 'positive' ELSE 'negative' END, "
            "now() FROM generate_series(0, %s - 1) AS g",
            [rnd.pk, tubes],
        )
        cursor.execute(
            f"UPDATE {members_t} AS m SET tube_id = t.id, sampled_at = now(), "
            "result = CASE t.result WHEN 'negative' THEN 'negative' ELSE '' END, "
            "retest_needed = (t.result = 'positive') "
            f"FROM chosen AS c, {tubes_t} AS t WHERE m.id = c.id AND t.round_id = %s "
            "AND t.code = 'T' || lpad(c.n::text, 8, '0')",
            [rnd.pk],
        )
        cursor.execute("ANALYZE")
    buildings = Building.objects.filter(grid__community__township=township).count()
    print(
        f"sampled into {tubes:,} tubes in {time.perf_counter() - started:.1f} s; "
        f"{buildings:,} buildings"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(",")[0])

    page = f"/rounds/{rnd.pk}/"
    rows: list[tuple[str, Any, str, dict[str, str]]] = [
        ("baseline: round list (admin)", admin, "/rounds/", {}),
        ("baseline: /login/ (anonymous)", None, "/login/", {}),
        (f"round page, admin ({members:,})", admin, page, {}),
        ("coverage partial (htmx), admin", admin, f"/rounds/{rnd.pk}/coverage/", {}),
        ("API coverage, admin", admin, f"/api/v1/rounds/{rnd.pk}/coverage", {}),
        ("round page, community leader", leader, page, {}),
    ]
    table = [(label, *_measure(user, path, args.requests)) for label, user, path, _x in rows]
    baseline = statistics.median(table[0][1])
    print()
    print(f"{'GET':36} {'n':>4} {'median':>7} {'p95':>7} {'max':>7} {'db med':>7} "
          f"{'queries':>7} {'× list':>6}")  # fmt: skip
    for label, totals, dbs, queries in table:
        median = statistics.median(totals)
        print(
            f"{label:36} {len(totals):4} {median:7.1f} {_p95(totals):7.1f} {max(totals):7.1f} "
            f"{statistics.median(dbs):7.1f} {queries:7} {median / baseline:6.2f}"
        )
    worst = statistics.median(table[2][1])
    print(f"target: round page median < {TARGET_MS} ms:", "met" if worst < TARGET_MS else "MISSED")


def _measure(user: Any, path: str, n: int) -> tuple[list[float], list[float], int]:
    from django.db import connection
    from django.test import Client

    client = Client()
    headers = {}
    if user is not None:
        client.force_login(user)
    if path.startswith("/api/"):
        from fangkong.core.models import ApiToken

        headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"}
    if "coverage/" in path:
        headers["HX-Request"] = "true"
    for _ in range(3):
        assert client.get(path, headers=headers).status_code == 200, path
    counter = _QueryTimer()
    with connection.execute_wrapper(counter):
        client.get(path, headers=headers)
    totals, dbs = [], []
    for _ in range(n):
        timer = _QueryTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            totals.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        dbs.append(timer.seconds * 1000)
    return totals, dbs, counter.count


if __name__ == "__main__":
    main()
