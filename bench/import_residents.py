"""Benchmark: import of N residents from .xlsx, end to end, against the floor of the same run.

    .venv/bin/python bench/import_residents.py [--rows 100000] [--seed 7]

Generates a realistic, valid .xlsx of N residents (seeded; valid ID numbers and mobiles,
households of 1–6 people, tags, people working away), then for each database:

- end to end: the real import task (`people.import_jobs.run_import` on an ImportJob: read with
  python-calamine, validate every row, dedupe against the file and the database, create the
  households, insert residents and tags, ONE audit entry, delete the upload);
- floor: the fastest read of the same file (fastexcel, Rust, no Python objects) plus a raw
  insert of the very rows the import wrote into the same table with the same indexes, in one
  transaction (executemany on SQLite, COPY on PostgreSQL).

It prints both times and their ratio (target ≤ 2). Each database is a throwaway: a temporary
SQLite file, and, when DATABASE_URL points at PostgreSQL, a database created on that server
and dropped afterwards. Each runs in its own process (Django is configured once per process).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.child import run_child  # noqa: E402 (needs the path above)

# The jurisdiction the file is about: 4 communities of 5 grids of 6 buildings of 2 units, and
# one village of 6 village groups (households hang off the groups).
COMMUNITIES = ("民族社区", "花楼社区", "前进社区", "友谊社区")
VILLAGE = "新河村"
GRIDS = 5
BUILDINGS = 6
UNITS = 2
GROUPS = 6
TAG_RATE = 0.08
TAGS = ("独居老人", "空巢老人", "留守老人", "失能", "多种慢病", "婴幼儿", "孕产妇", "残疾")


# -- the file -----------------------------------------------------------------------------------


def generate(path: Path, rows: int, seed: int) -> float:
    """Write `rows` valid residents to `path` (shared strings, as Excel and WPS save)."""
    import xlsxwriter

    from fangkong.demo import names
    from fangkong.people.importing.columns import TEMPLATE_HEADERS

    started = time.perf_counter()
    rng = random.Random(seed)
    today = dt.date.today()
    ids = names.IdNumbers()
    phones = names.Phones()
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("居民")
    sheet.write_row(0, 0, TEMPLATE_HEADERS)
    places = [
        (c, f"第{g + 1}网格", f"{b + 1}栋", f"{u + 1}单元")
        for c in COMMUNITIES
        for g in range(GRIDS)
        for b in range(BUILDINGS)
        for u in range(UNITS)
    ] + [(VILLAGE, f"{g + 1}组", "", "") for g in range(GROUPS)]
    rooms: dict[tuple[str, ...], int] = {}
    written = 0
    while written < rows:
        place = rng.choice(places)
        rooms[place] = rooms.get(place, 0) + 1
        n = rooms[place]
        number = f"{n}号" if not place[2] else f"{(n - 1) // 4 + 1}{(n - 1) % 4 + 1:02d}"
        size = min(rng.choices((1, 2, 3, 4, 5, 6), (25, 30, 22, 13, 7, 3))[0], rows - written)
        family = names.surname(rng)
        for member in range(size):
            gender = rng.choice("MF")
            age = names.random_age(rng) if member else rng.randrange(25, 85)
            born = names.birth_date_for_age(rng, age, today)
            name = names.full_name(rng, gender, born, family if member != 1 else None)
            doc = ids.issue(rng, names.region_code(rng, far=rng.random() < 0.1), born, gender)
            relation = ("户主", "配偶", "子女", "子女", "父母", "孙子女")[member]
            tags = "、".join(rng.sample(TAGS, 1 if rng.random() < 0.8 else 2))
            away = 18 <= age <= 55 and rng.random() < 0.15
            values = [
                *place[:2],
                place[2],
                place[3],
                number,
                name,
                "居民身份证",
                doc,
                "",
                "男" if gender == "M" else "女",
                born.isoformat(),
                phones.issue(rng) if age >= 12 else "",
                relation,
                rng.choices(("户籍", "常住", "流动", "租住"), (70, 15, 10, 5))[0],
                tags if rng.random() < TAG_RATE else "",
                "是" if rng.random() < 0.07 else "否",
                "是" if away else "否",
                rng.choice(("广东省深圳市", "浙江省杭州市", "上海市")) if away else "",
                phones.issue(rng) if away else "",
                "",
            ]
            written += 1
            for col, value in enumerate(values):
                if value:
                    sheet.write_string(written, col, value)
    book.close()
    return time.perf_counter() - started


# -- one database, in its own process --------------------------------------------------------------


def setup_places() -> Any:
    from fangkong.core.models import Building, Community, Grid, Township, Unit, User
    from fangkong.core.roles import Role

    township = Township.objects.create(name="江汉街道", code="420103001")
    for i, name in enumerate((*COMMUNITIES, VILLAGE)):
        community = Community.objects.create(
            township=township,
            name=name,
            code=f"420103001{i + 1:03d}",
            kind="village" if name == VILLAGE else "community",
        )
        if name == VILLAGE:
            for g in range(GROUPS):
                Grid.objects.create(community=community, name=f"{g + 1}组")
            continue
        for g in range(GRIDS):
            grid = Grid.objects.create(community=community, name=f"第{g + 1}网格")
            for b in range(BUILDINGS):
                building = Building.objects.create(grid=grid, name=f"{b + 1}栋")
                for u in range(UNITS):
                    Unit.objects.create(building=building, name=f"{u + 1}单元")
    return User.objects.create(username="bench", role=Role.TOWNSHIP_ADMIN, township=township)


def worker(file: Path, media: Path) -> dict[str, Any]:
    import django

    django.setup()
    import fastexcel
    from django.core.management import call_command
    from django.db import connection

    from fangkong.core.jobs import JobStatus
    from fangkong.core.models import AuditEntry
    from fangkong.core.spreadsheets import read_table
    from fangkong.people import import_jobs as actions
    from fangkong.people.importing.resident_import import ResidentImport
    from fangkong.people.importing.writing import SQLITE_CACHE_KIB
    from fangkong.people.job_models import ImportJob
    from fangkong.people.models import Resident, ResidentTag

    call_command("migrate", verbosity=0)
    user = setup_places()
    out: dict[str, Any] = {"database": connection.vendor}

    # End to end: the real background import of an uploaded file.
    upload = media / "imports" / file.name
    upload.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(file, upload)
    job = ImportJob.objects.create(
        created_by=user,
        township_id=user.township_id,
        filename=file.name,
        file=f"imports/{file.name}",
        status=JobStatus.IMPORT_QUEUED,
    )
    started = time.perf_counter()
    actions.run_import(job.pk)
    out["end_to_end_s"] = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, (job.status, job.message, job.problems[:5])
    out["imported"] = job.imported_residents
    out["households"] = job.imported_households
    out["audit_entries"] = AuditEntry.objects.filter(action="import").count()

    # The floor: the same rows, read back, deleted, then inserted raw.
    table_name = Resident._meta.db_table
    columns = [str(f.column) for f in Resident._meta.concrete_fields]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {table_name} ORDER BY id")
        resident_rows = cursor.fetchall()
        ResidentTag.objects.all().delete()
        cursor.execute(f"DELETE FROM {table_name}")
        cursor.execute("VACUUM" if connection.vendor == "sqlite" else f"VACUUM {table_name}")
    started = time.perf_counter()
    sheet = fastexcel.read_excel(str(file)).load_sheet(0)
    out["floor_read_s"] = time.perf_counter() - started
    assert sheet.height == len(resident_rows), (sheet.height, len(resident_rows))
    out["floor_insert_s"] = raw_insert(resident_rows, columns)
    if connection.vendor == "sqlite":
        # The import's own connection uses a larger page cache (importing.writing.SQLITE_CACHE_KIB);
        # the same insert with that cache, for comparison.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table_name}")
            cursor.execute("VACUUM")
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        out["floor_insert_big_cache_s"] = raw_insert(resident_rows, columns)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -2000")
    out["floor_s"] = out["floor_read_s"] + out["floor_insert_s"]
    out["ratio"] = out["end_to_end_s"] / out["floor_s"]

    # Where the end-to-end time goes (measured last, on the emptied table, so it warms
    # nothing above): reading with calamine, then the checks.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table_name}")
    started = time.perf_counter()
    table = read_table(file, filename=file.name, max_bytes=1 << 30)
    rows = list(table.rows)
    out["read_s"] = time.perf_counter() - started
    table.rows = iter(rows)
    started = time.perf_counter()
    result = ResidentImport(user).check(table)
    out["check_s"] = time.perf_counter() - started
    assert not result.error_rows, result.problems[:5]
    return out


def raw_insert(rows: list[tuple[Any, ...]], columns: list[str]) -> float:
    """The floor's insert: all rows in one transaction, executemany / COPY. Seconds."""
    from django.db import connection, transaction

    from fangkong.people.models import Resident

    table = Resident._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)
    return time.perf_counter() - started


def run_on(url: str, file: Path, label: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="fangkong-bench-") as var:
        media = str(Path(var) / "media")
        return run_child(__file__, ["--worker", str(file), media], url=url, var=var, label=label)


def postgres_database(url: str, purpose: str = "import") -> tuple[str, Any]:
    """A throwaway database on the server of `url`: (its URL, a function that drops it)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = f"fangkong_bench_{purpose}_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(Path(args.worker[0]), Path(args.worker[1]))))
        return

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    with tempfile.TemporaryDirectory(prefix="fangkong-bench-file-") as tmp:
        file = Path(tmp) / f"residents-{args.rows}.xlsx"
        took = generate(file, args.rows, args.seed)
        print(
            f"generated {args.rows:,} rows in {took:.1f}s: {file.stat().st_size / 1e6:.1f} MB",
            flush=True,
        )
        targets: list[tuple[str, str, Any]] = []
        sqlite_dir = tempfile.mkdtemp(prefix="fangkong-bench-db-")
        targets.append(("SQLite", f"sqlite:///{sqlite_dir}/bench.sqlite3", None))
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://", "pgsql://")):
            pg_url, drop = postgres_database(url)
            targets.append(("PostgreSQL", pg_url, drop))
        try:
            for label, target, _drop in targets:
                r = run_on(target, file, label)
                print(
                    f"{label:<10} end-to-end {r['end_to_end_s']:6.2f}s  "
                    f"(calamine read {r['read_s']:.2f}s, checks {r['check_s']:.2f}s)  "
                    f"floor {r['floor_s']:6.2f}s (fastexcel {r['floor_read_s']:.2f}s + raw insert "
                    f"{r['floor_insert_s']:.2f}s)  ratio {r['ratio']:.2f} (target <= 2)  "
                    f"[{r['imported']:,} residents, {r['households']:,} households, "
                    f"{r['audit_entries']} audit entry]",
                    flush=True,
                )
                if "floor_insert_big_cache_s" in r:
                    big = r["floor_read_s"] + r["floor_insert_big_cache_s"]
                    print(
                        f"{'':<10} floor with the import's 256 MB page cache {big:6.2f}s "
                        f"(raw insert {r['floor_insert_big_cache_s']:.2f}s): "
                        f"ratio {r['end_to_end_s'] / big:.2f}",
                        flush=True,
                    )
        finally:
            shutil.rmtree(sqlite_dir, ignore_errors=True)
            for _label, _target, drop in targets:
                if drop is not None:
                    drop()


if __name__ == "__main__":
    main()
