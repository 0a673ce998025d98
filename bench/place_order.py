"""Issue 12 item 14 on the big resident list (PostgreSQL): the address search that ignores
spaces and the natural order of places, each timed against what it replaced, on the same
database in the same run (the machine is shared: ratios, not absolute numbers, are the point).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/place_order.py [--residents 300000] [--repeats 30]

Timed, median and p95 of `--repeats` runs each, as the township admin of the last township:
- the resident list's address search (first 50 rows and the capped count, as the list page
  runs them): `household__address__contains` with the query as typed (before) vs
  `people.search.address_contains` (after: spaces dropped from the address in SQL);
- the building drop-down of the list (≤ 201 rows): ORDER BY grid_id, id (before) vs
  grid_id, sort_key, id (after); the grid drop-down likewise;
- the whole list page (not htmx, no search), which renders both drop-downs.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search_residents import _admin_sql, _bench_url, _p95

BENCH_DB = "fangkong_bench_place_order"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=300_000)
    parser.add_argument("--townships", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    url, maintenance = _bench_url(os.environ.get("DATABASE_URL", ""))
    url = url.replace("fangkong_bench_search", BENCH_DB)
    _admin_sql(
        maintenance,
        f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)",
        f"CREATE DATABASE {BENCH_DB}",
        f"ALTER DATABASE {BENCH_DB} SET random_page_cost = 1.1",
    )
    os.environ.update(DATABASE_URL=url, DEBUG="1", ALLOWED_HOSTS="testserver", LOG_LEVEL="WARNING")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()
    try:
        _run(args)
    finally:
        from django.db import connections

        connections.close_all()
        _admin_sql(maintenance, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def _timed(repeats: int, run: Callable[[], Any]) -> tuple[float, float]:
    run()  # warm
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), _p95(times)


def _run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q
    from django.test import Client

    from bench.population import populate
    from fangkong.core.models import Building, Grid, Township, User
    from fangkong.core.paging import COUNT_CAP
    from fangkong.core.roles import Role
    from fangkong.people.models import Resident
    from fangkong.people.search import address_contains

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    populate(args.residents, townships=args.townships)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"populated {args.residents:,} residents in {time.perf_counter() - started:.0f} s")
    township = Township.objects.order_by("-pk").first()
    assert township is not None
    admin, _ = User.objects.update_or_create(
        username="bench_admin", defaults={"role": Role.TOWNSHIP_ADMIN, "township": township}
    )
    residents = Resident.objects.visible_to(admin).active()
    sample = residents.exclude(household__unit=None).select_related("household").first()
    assert sample is not None and sample.household is not None
    spaced = " ".join(sample.household.address.split()[-3:])  # "12栋 2单元 301"
    rows: list[tuple[str, Callable[[], Any]]] = [
        ("address, spaced: contains as typed", lambda: _list(residents.filter(
            Q(household__address__contains=spaced)), COUNT_CAP)),
        ("address, spaced: address_contains", lambda: _list(residents.filter(
            address_contains(spaced)), COUNT_CAP)),
        ("address, unspaced: address_contains", lambda: _list(residents.filter(
            address_contains(spaced.replace(" ", ""))), COUNT_CAP)),
        ("building select: grid_id, id", lambda: list(Building.objects.visible_to(admin)
            .select_related("grid").order_by("grid_id", "id")[:201])),
        ("building select: grid_id, sort_key, id", lambda: list(Building.objects.visible_to(
            admin).select_related("grid").order_by("grid_id", "sort_key", "id")[:201])),
        ("grid select: community_id, id", lambda: list(Grid.objects.visible_to(admin)
            .select_related("community").order_by("community_id", "id"))),
        ("grid select: community_id, sort_key, id", lambda: list(Grid.objects.visible_to(
            admin).select_related("community").order_by("community_id", "sort_key", "id"))),
    ]  # fmt: skip
    client = Client()
    client.force_login(admin)
    rows.append(("whole list page, no search", lambda: client.get("/people/")))
    print(f"township admin of {township.name}: {residents.count():,} residents; q={spaced!r}")
    print(f"{'':42} {'median':>8} {'p95':>8}  ms")
    for name, run in rows:
        median, p95 = _timed(args.repeats, run)
        print(f"{name:42} {median:8.1f} {p95:8.1f}")


def _list(qs: Any, cap: int) -> tuple[int, int]:
    return len(list(qs.order_by("grid_id", "household_id", "id")[:50])), qs.order_by()[
        : cap + 1
    ].count()


if __name__ == "__main__":
    main()
