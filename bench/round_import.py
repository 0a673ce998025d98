"""Benchmark: a round's lab file of N results, end to end, against the floor of the same run.

    .venv/bin/python bench/round_import.py [--members 100000] [--mode doc|tube]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/round_import.py

For each database (a temporary SQLite file; and, when DATABASE_URL points at PostgreSQL, a
throwaway database on that server), in its own process:

- setup (not timed): N synthetic residents (bench/population.py), a township-wide round with
  one member each (raw INSERT … SELECT, the rows `open_round` writes), everyone sampled:
  `--mode doc` — one single tube each and a file of N rows by document number (证件号码,
  检测结果, 检测时间); `--mode tube` — ten to a pooled tube and a file of N/10 rows by tube
  number (试管编号, 检测结果, 检测时间), each giving ten people their outcome. ~0.1% positive,
  ~0.2% invalid. An .xlsx as Excel saves it (shared strings).
- end to end: the real background task that applies a confirmed file
  (`masstesting.result_jobs.run_apply`: read with python-calamine, stage every row, match
  and check them set-based, write with UPDATE … FROM, one audit entry, delete the upload), in
  a fresh child process, whose peak RSS (VmHWM, `peak_rss_mb`) is the memory figure. The dry
  run (`run_check`) is timed as well;
- floor: the fastest read of the same file (fastexcel) plus a raw write of the very member
  (and tube) rows the import wrote, in one transaction: COPY into a temporary table + one
  `UPDATE … FROM` on PostgreSQL, executemany `UPDATE … WHERE id = ?` on SQLite.

Each measurement runs `--repeats` times from the same starting state; the quickest counts.
Targets (issue 4): end to end ≤ 2 × floor; memory under 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.child import run_child  # noqa: E402 (needs the path above)

POSITIVE_RATE = 0.001
INVALID_RATE = 0.002


def setup(n: int, mode: str, file: Path, seed: int) -> tuple[Any, Any]:
    """The population, the round with everyone sampled, the .xlsx; (user, round)."""
    import xlsxwriter
    from django.db import connection, transaction

    from bench.population import populate
    from fangkong.core.models import Township, User
    from fangkong.core.roles import Role
    from fangkong.core.sealing import open_sealed
    from fangkong.masstesting.models import Round, RoundMember, Tube
    from fangkong.people.models import Household, Resident
    from fangkong.policy.versions import in_force

    doc_aad = Resident._meta.get_field("doc_number").aad

    populate(n)
    township = Township.objects.order_by("pk").first()
    assert township is not None
    user, _ = User.objects.update_or_create(
        username="bench_medic_admin",
        defaults={"role": Role.TOWNSHIP_ADMIN, "township": township},
    )
    policy = in_force(township.pk, __import__("datetime").date.today())
    rnd = Round.objects.create(
        township=township, scope="township", name="全街道全员核酸", policy=policy, opened_by=user
    )
    members, tubes = RoundMember._meta.db_table, Tube._meta.db_table
    residents, households = Resident._meta.db_table, Household._meta.db_table
    pg = connection.vendor == "postgresql"
    now = "now()" if pg else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    size = 1 if mode == "doc" else 10
    pooled = ("true" if size > 1 else "false") if pg else str(int(size > 1))
    pad = "lpad(m.n::text, 8, '0')" if pg else "substr('0000000' || m.n, -8, 8)"
    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            f"INSERT INTO {members} (round_id, township_id, community_id, grid_id, building_id, "
            "household_id, resident_id, result, retest_needed) "
            f"SELECT %s, r.township_id, r.community_id, r.grid_id, h.building_id, r.household_id, "
            f"r.id, '', {'false' if pg else '0'} FROM {residents} AS r LEFT JOIN {households} "
            "AS h ON h.id = r.household_id WHERE r.merged_into_id IS NULL ORDER BY r.id",
            [rnd.pk],
        )
        c.execute(f"SELECT min(id), count(*) FROM {members} WHERE round_id = %s", [rnd.pk])
        first, count = c.fetchone()
        c.execute(
            f"INSERT INTO {tubes} (round_id, code, pooled, result, created_at) "
            f"SELECT %s, 'T' || {pad}, {pooled}, '', {now} "
            f"FROM (SELECT DISTINCT (id - %s) / %s AS n FROM {members} WHERE round_id = %s) AS m",
            [rnd.pk, first, size, rnd.pk],
        )
        c.execute(f"SELECT min(id) FROM {tubes} WHERE round_id = %s", [rnd.pk])
        tube_first = c.fetchone()[0]
        c.execute(
            f"UPDATE {members} SET tube_id = %s + (id - %s) / %s, sampled_at = {now} "
            "WHERE round_id = %s",
            [tube_first, first, size, rnd.pk],
        )
        c.execute("ANALYZE")
    rng = random.Random(seed)
    book = xlsxwriter.Workbook(str(file), {"strings_to_numbers": False})
    sheet = book.add_worksheet("检测结果")
    with connection.cursor() as c:
        if mode == "doc":
            sheet.write_row(0, 0, ["证件号码", "检测结果", "检测时间"])
            c.execute(
                f"SELECT p.doc_number FROM {members} AS m JOIN {residents} AS p "
                "ON p.id = m.resident_id WHERE m.round_id = %s AND p.doc_number <> '' "
                "ORDER BY m.id",
                [rnd.pk],
            )
        else:
            sheet.write_row(0, 0, ["试管编号", "检测结果", "检测时间"])
            c.execute(f"SELECT code FROM {tubes} WHERE round_id = %s ORDER BY id", [rnd.pk])
        # the document numbers are sealed in the table: opened here as the file would hold them
        keys = [k if mode != "doc" else open_sealed(k, doc_aad) for (k,) in c.fetchall()]
        for r, key in enumerate(keys, start=1):
            draw = rng.random()
            result = (
                "阳性"
                if draw < POSITIVE_RATE
                else "无效"
                if draw < POSITIVE_RATE + INVALID_RATE
                else "阴性"
            )
            sheet.write_string(r, 0, key)
            sheet.write_string(r, 1, result)
            sheet.write_string(r, 2, "2026-01-20 22:30")
    book.close()
    assert count > 0
    return user, rnd


def apply_child(job_id: int) -> dict[str, Any]:
    """In a fresh process: the background task, timed, and the process's peak RSS."""
    import django

    django.setup()
    from fangkong.masstesting import result_jobs

    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):  # a cProfile of the apply, for development
        import cProfile

        cProfile.runctx(
            "result_jobs.run_apply(job_id)",
            globals(),
            {"result_jobs": result_jobs, "job_id": job_id},
            os.environ["BENCH_PROFILE"],
        )
    else:
        result_jobs.run_apply(job_id)
    took = time.perf_counter() - started
    return {"seconds": took, "peak_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB: VmHWM where Linux has it. Not ru_maxrss:
    Linux carries the parent's peak across fork and exec into the child's ru_maxrss, so a
    child of the worker (which built a million residents) reported the worker's ~1 GB."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def worker(n: int, mode: str, seed: int, media: Path, repeats: int) -> dict[str, Any]:
    import django

    django.setup()
    import fastexcel
    from django.core.management import call_command
    from django.db import connection, transaction

    from fangkong.core.jobs import JobStatus
    from fangkong.core.models import AuditEntry
    from fangkong.masstesting import result_jobs
    from fangkong.masstesting.models import RoundImportJob, RoundMember, Tube

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    file = media / "round-imports" / "results.xlsx"
    file.parent.mkdir(parents=True, exist_ok=True)
    user, rnd = setup(n, mode, file, seed)
    out: dict[str, Any] = {
        "database": connection.vendor,
        "setup_s": time.perf_counter() - started,
        "file_mb": file.stat().st_size / 1e6,
    }
    members_t, tubes_t = RoundMember._meta.db_table, Tube._meta.db_table

    def job(status: str) -> RoundImportJob:
        copy = file.with_name(f"{status}-{time.time_ns()}-{file.name}")
        shutil.copy(file, copy)
        return RoundImportJob.objects.create(
            round=rnd,
            created_by=user,
            township_id=user.township_id,
            filename=file.name,
            file=f"round-imports/{copy.name}",
            status=status,
        )

    def reset() -> None:
        with connection.cursor() as c:
            c.execute(
                f"UPDATE {members_t} SET result = '', retest_needed = %s, result_at = NULL "
                "WHERE round_id = %s",
                [False, rnd.pk],
            )
            c.execute(
                f"UPDATE {tubes_t} SET result = '', result_at = NULL WHERE round_id = %s",
                [rnd.pk],
            )
            c.execute("VACUUM" if connection.vendor == "sqlite" else f"VACUUM ANALYZE {members_t}")

    checked = job(JobStatus.QUEUED)
    started = time.perf_counter()
    result_jobs.run_check(checked.pk)
    out["check_s"] = time.perf_counter() - started
    checked.refresh_from_db()
    assert checked.status == JobStatus.CHECKED, (
        checked.status,
        checked.message,
        checked.problems[:3],
    )
    out["rows"] = checked.matched_rows

    runs, peaks = [], []
    connection.close()
    for _ in range(repeats):
        reset()
        applied = job(JobStatus.IMPORT_QUEUED)
        connection.close()  # SQLite: no open handle while the child writes
        done = subprocess.run(
            [sys.executable, __file__, "--apply", str(applied.pk)],
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(done.stdout + done.stderr)
        child = json.loads(done.stdout.strip().splitlines()[-1])
        runs.append(child["seconds"])
        peaks.append(child["peak_mb"])
        applied.refresh_from_db()
        assert applied.status == JobStatus.DONE, (applied.status, applied.message)
    out["end_to_end_runs"] = [round(r, 2) for r in runs]
    out["end_to_end_s"] = min(runs)
    out["peak_rss_mb"] = max(peaks)
    out["negative"], out["positive"], out["retest"] = (
        applied.negative,
        applied.positive,
        applied.retest,
    )
    out["audit_entries"] = (
        AuditEntry.objects.filter(action="import", target_type="masstesting.round").count()
        // repeats
    )

    # The floor: the very rows written, read back, reset, then written raw.
    with connection.cursor() as c:
        c.execute(
            f"SELECT id, result, retest_needed, result_at FROM {members_t} "
            "WHERE round_id = %s AND result_at IS NOT NULL ORDER BY id",
            [rnd.pk],
        )
        member_rows = c.fetchall()
        c.execute(
            f"SELECT id, result, result_at FROM {tubes_t} WHERE round_id = %s AND result <> '' "
            "ORDER BY id",
            [rnd.pk],
        )
        tube_rows = c.fetchall()
    out["members_written"], out["tubes_written"] = len(member_rows), len(tube_rows)
    reads = []
    for _ in range(repeats):
        started = time.perf_counter()
        sheet = fastexcel.read_excel(str(file)).load_sheet(0)
        reads.append(time.perf_counter() - started)
    assert sheet.height == out["rows"], (sheet.height, out["rows"])
    writes = []
    for _ in range(repeats):
        reset()
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as c:
            if connection.vendor == "postgresql":
                for table, cols, rows, types in (
                    (
                        tubes_t,
                        ("id", "result", "result_at"),
                        tube_rows,
                        "bigint, varchar(10), timestamptz",
                    ),
                    (
                        members_t,
                        ("id", "result", "retest_needed", "result_at"),
                        member_rows,
                        "bigint, varchar(10), boolean, timestamptz",
                    ),
                ):
                    names = [f"{col} {t}" for col, t in zip(cols, types.split(", "), strict=True)]
                    c.execute(
                        f"CREATE TEMPORARY TABLE floor_{table} ({', '.join(names)}) ON COMMIT DROP"
                    )
                    with c.cursor.copy(f"COPY floor_{table} FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                    sets = ", ".join(f"{col} = v.{col}" for col in cols[1:])
                    c.execute(
                        f"UPDATE {table} AS t SET {sets} FROM floor_{table} AS v WHERE t.id = v.id"
                    )
            else:
                c.executemany(
                    f"UPDATE {tubes_t} SET result = %s, result_at = %s WHERE id = %s",
                    [(r[1], r[2], r[0]) for r in tube_rows],
                )
                c.executemany(
                    f"UPDATE {members_t} SET result = %s, retest_needed = %s, result_at = %s "
                    "WHERE id = %s",
                    [(r[1], r[2], r[3], r[0]) for r in member_rows],
                )
        writes.append(time.perf_counter() - started)
    out["floor_read_s"], out["floor_write_s"] = min(reads), min(writes)
    out["floor_s"] = out["floor_read_s"] + out["floor_write_s"]
    out["ratio"] = out["end_to_end_s"] / out["floor_s"]
    return out


def run_on(url: str, args: argparse.Namespace, label: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="fangkong-bench-") as var:
        media = str(Path(var) / "media")
        worker = [str(args.members), args.mode, str(args.seed), media, str(args.repeats)]
        return run_child(__file__, ["--worker", *worker], url=url, var=var, label=label)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--mode", choices=("doc", "tube"), default="doc")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    parser.add_argument("--apply", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.apply:
        print(json.dumps(apply_child(args.apply)))
        return
    if args.worker:
        n, mode, seed, media, repeats = args.worker
        print(json.dumps(worker(int(n), mode, int(seed), Path(media), int(repeats))))
        return

    from bench.import_residents import postgres_database

    targets: list[tuple[str, str, Any]] = []
    sqlite_dir = tempfile.mkdtemp(prefix="fangkong-bench-db-")
    if not args.postgres_only:
        targets.append(("SQLite", f"sqlite:///{sqlite_dir}/bench.sqlite3", None))
    url = os.environ.get("DATABASE_URL", "")
    try:
        if url.startswith(("postgres://", "postgresql://")) and not args.sqlite_only:
            pg_url, drop = postgres_database(url, "rounds")
            targets.append(("PostgreSQL", pg_url, drop))
        for label, target, _drop in targets:
            r = run_on(target, args, label)
            print(
                f"{label:<10} {args.mode}: {r['rows']:,} rows → {r['members_written']:,} people, "
                f"{r['tubes_written']:,} tubes. end-to-end {r['end_to_end_s']:6.2f}s  floor "
                f"{r['floor_s']:6.2f}s (fastexcel {r['floor_read_s']:.2f}s + raw write "
                f"{r['floor_write_s']:.2f}s)  ratio {r['ratio']:.2f} (target <= 2)  peak RSS "
                f"{r['peak_rss_mb']:.0f} MB (target < 500)  [{r['negative']:,} negative, "
                f"{r['positive']} positive, {r['retest']:,} to retest; {r['audit_entries']} audit "
                f"entry per run; dry run {r['check_s']:.2f}s; file {r['file_mb']:.1f} MB; setup "
                f"{r['setup_s']:.0f}s; runs {r['end_to_end_runs']}]",
                flush=True,
            )
    finally:
        shutil.rmtree(sqlite_dir, ignore_errors=True)
        for _label, _target, drop in targets:
            if drop is not None:
                drop()


if __name__ == "__main__":
    main()
