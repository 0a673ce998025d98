"""Benchmark: peak memory of exporting N residents to .xlsx (target: under 300 MB for 1M).

    .venv/bin/python bench/export_residents.py [--residents 1000000]

Fills a throwaway database with N synthetic residents (`bench/population.py`), then, in a
fresh process, exports the whole township the way the export page does
(`people.search.filtered_residents` → `people.exporting.export_residents`: values_list
iterator into xlsxwriter's constant-memory writer, masked, audited) and reports the peak
resident memory of that process (`resource.getrusage`: the high-water mark over its whole
life, Django and the imports included) and the time taken. Runs on a temporary SQLite file,
and also on PostgreSQL when DATABASE_URL points at a server (a database created and dropped
there).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.child import run_child  # noqa: E402 (needs the path above)


def fill(n: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.population import populate

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    populate(n)
    took = time.perf_counter() - started
    with connection.cursor() as cursor:
        # What autovacuum would have done by then: the planner needs the table's statistics.
        cursor.execute("ANALYZE")
    return {"populate_s": took}


def export(out: Path) -> dict[str, Any]:
    import django

    django.setup()
    from django.http import QueryDict

    from fangkong.core.models import Township, User
    from fangkong.core.roles import Role
    from fangkong.people.exporting import export_residents
    from fangkong.people.search import filtered_residents

    township = Township.objects.order_by("pk").first()
    assert township is not None
    user = User.objects.create(
        username=f"bench-export-{os.getpid()}", role=Role.TOWNSHIP_ADMIN, township=township
    )
    before = _peak_mb()
    started = time.perf_counter()
    _form, qs = filtered_residents(user, QueryDict(""))
    rows = export_residents(user, qs, out, filters={}, reveal=False, reason="benchmark")
    took = time.perf_counter() - started
    return {
        "rows": rows,
        "export_s": took,
        "peak_mb_before_export": before,
        "peak_mb": _peak_mb(),
        "file_mb": out.stat().st_size / 1e6,
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def run(step: str, url: str, var: str, *args: str) -> dict[str, Any]:
    return run_child(__file__, ["--step", step, *args], url=url, var=var, label=step)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--step", choices=["fill", "export"], help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "fill":
        print(json.dumps(fill(int(args.args[0]))))
        return
    if args.step == "export":
        print(json.dumps(export(Path(args.args[0]))))
        return

    from bench.import_residents import postgres_database

    var = tempfile.mkdtemp(prefix="fangkong-bench-export-")
    targets: list[tuple[str, str, Any]] = [("SQLite", f"sqlite:///{var}/bench.sqlite3", None)]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        pg_url, drop = postgres_database(url, "export")
        targets.append(("PostgreSQL", pg_url, drop))
    try:
        for label, target, _drop in targets:
            filled = run("fill", target, var, str(args.residents))
            r = run("export", target, var, str(Path(var) / "export.xlsx"))
            print(
                f"{label:<10} {r['rows']:,} residents exported in {r['export_s']:.1f}s "
                f"({r['file_mb']:.0f} MB file); peak RSS {r['peak_mb']:.0f} MB "
                f"(before the export {r['peak_mb_before_export']:.0f} MB; target < 300 MB)  "
                f"[populated in {filled['populate_s']:.0f}s]",
                flush=True,
            )
            (Path(var) / "export.xlsx").unlink(missing_ok=True)
    finally:
        shutil.rmtree(var, ignore_errors=True)
        for _label, _target, drop in targets:
            if drop is not None:
                drop()


if __name__ == "__main__":
    main()
