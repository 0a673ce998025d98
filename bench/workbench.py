"""The workbench of a community in the middle of an outbreak (PostgreSQL): median and p95.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/workbench.py [--cases 2000] [--checkins 28000] [--requests 200]

Creates its own throwaway database (`fangkong_bench_workbench` on the server of
DATABASE_URL), migrates it, fills one township with `bench.population.populate` (a community
of 10,000 residents in 10 grids, plus a second community left empty), then puts `--cases`
residents of the first community in quarantine (home quarantine started on each of the last
14 days; a tenth of them under release review) with their tests (most results in, some
overdue, the day-14 ones to come), `--checkins` check-ins (morning and evening of every day
served, today's morning for half of them), alerts (open and escalated, acknowledged,
contacted, closed), pending self-registrations and referred refusals — all through
bulk_create, in the shapes the actions write — and runs ANALYZE.

It then GETs `/` (the workbench: the registry lists and counts plus the epidemic worklists
of `health.worklists`) through Django's test client, `--requests` times each as the grid
worker of the first grid and as the community leader, and as a baseline in the same run the
workbench of the empty community's leader (same page, same queries, no data) and `/login/`.
Reported per row: median, p95 and max (ms), the median time waiting for the database, the
median CPU time of this process (the Python side, less sensitive to other load on the
machine), the number of queries per request, and the median as a ratio to the empty
workbench. DEBUG is switched off after setup, as in production.

Target (issue 3): median < 150 ms on PostgreSQL, a bounded number of queries (also pinned by
fangkong/health/tests/test_worklists.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = "fangkong_bench_workbench"


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time the workbench on PostgreSQL.")
    parser.add_argument("--residents", type=int, default=10_000, help="in the busy community")
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--checkins", type=int, default=28_000)
    parser.add_argument("--requests", type=int, default=200, help="per row of the table")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def _bench_url(url: str) -> tuple[str, str]:
    """(URL of the bench database, URL of the server's maintenance database)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL for this benchmark")
    return (
        urlunsplit(parts._replace(path=f"/{BENCH_DB}")),
        urlunsplit(parts._replace(path="/postgres")),
    )


def _admin_sql(maintenance_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def main() -> None:
    args = _parse()
    bench_url, maintenance_url = _bench_url(os.environ.get("DATABASE_URL", ""))
    _admin_sql(
        maintenance_url,
        f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)",
        f"CREATE DATABASE {BENCH_DB}",
        f"ALTER DATABASE {BENCH_DB} SET random_page_cost = 1.1",
    )
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DEBUG"] = "1"  # staticfiles without a manifest
    os.environ["ALLOWED_HOSTS"] = "testserver"  # Django's test client
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()
    from django.conf import settings

    # As in production from here on: no query log, no template debugging (DEBUG=1 above only
    # spares the bench a collected static manifest).
    settings.DEBUG = False
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
    from fangkong.core.models import Community, Grid, User
    from fangkong.core.roles import Role

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    populate(args.residents)
    community = Community.objects.order_by("pk").first()
    assert community is not None
    empty = Community.objects.create(
        township=community.township, name="空社区", code=f"{community.township.code}199"
    )
    Grid.objects.create(community=empty, name="第一网格")
    load = Load(community, args)
    load.run()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"populated in {time.perf_counter() - started:.0f} s: {load.summary()}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_setting('random_page_cost')")
        version, page_cost = cursor.fetchone()
    print(f"{version.split(',')[0]}, random_page_cost = {page_cost}")

    grid = Grid.objects.filter(community=community).order_by("pk").first()
    assert grid is not None

    def staff(username: str, role: str, **where: Any) -> User:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"role": role, "township": community.township, **where},
        )
        return user

    worker = staff("bench_grid", Role.GRID_WORKER, community=community, grid=grid)
    leader = staff("bench_leader", Role.COMMUNITY_LEADER, community=community)
    medic = staff("bench_medic", Role.MEDICAL_WORKER, community=community)
    rows = [
        ("grid worker, 1 grid", worker, "/"),
        ("community leader", leader, "/"),
        ("medical worker", medic, "/"),
    ]
    baseline_user = staff("bench_empty", Role.COMMUNITY_LEADER, community=empty)
    Timing(args.requests).report(rows, baseline_user)


class Load:
    """The epidemic records of one community, as the actions would have written them."""

    def __init__(self, community: Any, args: argparse.Namespace) -> None:
        self.community = community
        self.args = args
        self.rng = random.Random(args.seed)
        self.counts: dict[str, int] = {}

    def summary(self) -> str:
        return ", ".join(f"{n:,} {what}" for what, n in self.counts.items())

    def run(self) -> None:
        from django.utils import timezone

        from fangkong.health.models import Alert, AlertOutcome, AlertStatus, CheckIn, CheckInVia
        from fangkong.people.models import Resident
        from fangkong.policy.models import Policy
        from fangkong.quarantine.models import Case, CaseKind, CaseReason, CaseStatus, ScheduledTest
        from fangkong.screening.models import (
            Refusal,
            RefusalKind,
            Registration,
            RegistrationSource,
            RegistrationStatus,
        )

        now = timezone.now()
        today = timezone.localdate()
        policy = Policy.objects.get(township__isnull=True, version=1)
        rules = policy.as_rules()
        measure = rules.medium
        people = list(
            Resident.objects.filter(community=self.community, household__isnull=False)
            .select_related("household")
            .order_by("pk")
        )
        chosen = self.rng.sample(people, self.args.cases)

        cases = []
        for i, person in enumerate(chosen):
            # started on each of the last 15 days: day 1..14 today, or the period served
            start = today - dt.timedelta(days=i % (measure.days + 1))
            cases.append(
                Case(
                    township_id=person.township_id,
                    community_id=person.community_id,
                    grid_id=person.grid_id,
                    resident=person,
                    kind=CaseKind.HOME,
                    reason=CaseReason.RETURNEE,
                    status=CaseStatus.RELEASE_REVIEW if i % 10 == 0 else CaseStatus.IN_QUARANTINE,
                    address=person.household.address,  # type: ignore[union-attr]
                    start_date=start,
                    planned_end=start + dt.timedelta(days=measure.days - 1),
                    policy=policy,
                    days=measure.days,
                    test_days=list(measure.test_days),
                    created_at=now,
                )
            )
        Case.objects.bulk_create(cases, batch_size=1000)
        self.counts["cases"] = len(cases)

        tests = []
        for case in cases:
            for test_day in measure.test_days:
                due = case.start_date + dt.timedelta(days=test_day - 1)
                done = due < today and self.rng.random() < 0.95  # 5% overdue
                tests.append(
                    ScheduledTest(
                        case=case,
                        day=test_day,
                        due_date=due,
                        result="negative" if done else "",
                        sampled_on=due if done else None,
                        result_at=now if done else None,
                    )
                )
        ScheduledTest.objects.bulk_create(tests, batch_size=2000)
        self.counts["scheduled tests"] = len(tests)

        checkins: list[CheckIn] = []
        target = self.args.checkins
        days_back = 0
        while len(checkins) < target and days_back <= measure.days:
            day = today - dt.timedelta(days=days_back)
            for case in cases:
                if case.start_date > day or len(checkins) >= target:
                    continue
                slots = (1,) if day == today else (1, 2)
                if day == today and case.pk % 2:
                    continue  # half have reported this morning
                for slot in slots:
                    if len(checkins) >= target:
                        break
                    temperature = Decimal(self.rng.choice(("36.2", "36.4", "36.5", "36.7")))
                    checkins.append(
                        CheckIn(
                            township_id=case.township_id,
                            community_id=case.community_id,
                            grid_id=case.grid_id,
                            case=case,
                            resident_id=case.resident_id,
                            date=day,
                            slot=slot,
                            temperature=temperature,
                            via=CheckInVia.LINK,
                            policy=policy,
                            created_at=now - dt.timedelta(days=days_back),
                        )
                    )
            days_back += 1
        CheckIn.objects.bulk_create(checkins, batch_size=5000)
        self.counts["check-ins"] = len(checkins)

        alerts = []
        steps = [AlertStatus.OPEN] * 20 + [AlertStatus.ACKNOWLEDGED] * 20
        steps += [AlertStatus.CONTACTED] * 20 + [AlertStatus.CLOSED] * 200
        for case, status in zip(self.rng.sample(cases, len(steps)), steps, strict=True):
            raised = now - dt.timedelta(minutes=self.rng.randint(1, 600))
            alerts.append(
                Alert(
                    township_id=case.township_id,
                    community_id=case.community_id,
                    grid_id=case.grid_id,
                    resident_id=case.resident_id,
                    case=case,
                    status=status,
                    temperature=Decimal("38.1"),
                    symptoms=["发热"],
                    raised_at=raised,
                    escalate_at=raised + dt.timedelta(minutes=rules.alert_escalation_minutes),
                    acknowledged_at=raised if status != AlertStatus.OPEN else None,
                    contacted_at=raised if status in ("contacted", "closed") else None,
                    institution="社区卫生服务中心" if status in ("contacted", "closed") else "",
                    outcome=AlertOutcome.RULED_OUT if status == AlertStatus.CLOSED else "",
                    closed_at=raised if status == AlertStatus.CLOSED else None,
                    policy=policy,
                )
            )
        Alert.objects.bulk_create(alerts)
        self.counts["alerts"] = len(alerts)

        registrations = [
            Registration(
                township_id=self.community.township_id,
                community_id=self.community.pk,
                grid_id=person.grid_id,
                status=RegistrationStatus.PENDING,
                source=RegistrationSource.SELF,
                claimed_name=person.name,
                arrival_date=today,
                created_at=now,
            )
            for person in self.rng.sample(people, 50)
        ]
        Registration.objects.bulk_create(registrations)
        self.counts["pending registrations"] = len(registrations)
        refusals = [
            Refusal(
                township_id=person.township_id,
                community_id=person.community_id,
                grid_id=person.grid_id,
                resident=person,
                kind=RefusalKind.TEST,
                details="拒绝核酸检测",
            )
            for person in self.rng.sample(people, 20)
        ]
        Refusal.objects.bulk_create(refusals)
        self.counts["refusals"] = len(refusals)


class Timing:
    def __init__(self, requests: int) -> None:
        self.requests = requests

    def measure(self, user: Any, path: str) -> tuple[list[float], list[float], list[float], int]:
        from django.db import connection
        from django.test import Client

        client = Client()
        if user is not None:
            client.force_login(user)
        for _ in range(5):  # warm-up: imports, templates, caches
            assert client.get(path).status_code == 200
        counter = _QueryTimer()
        with connection.execute_wrapper(counter):
            client.get(path)
        totals, dbs, cpus = [], [], []
        for _ in range(self.requests):
            timer = _QueryTimer()
            with connection.execute_wrapper(timer):
                started, cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                totals.append((time.perf_counter() - started) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200
            dbs.append(timer.seconds * 1000)
        return totals, dbs, cpus, counter.count

    def report(self, rows: list[tuple[str, Any, str]], baseline_user: Any) -> None:
        table = [
            ("baseline: workbench, empty community", *self.measure(baseline_user, "/")),
            ("baseline: /login/ (anonymous)", *self.measure(None, "/login/")),
        ]
        baseline = statistics.median(table[0][1])
        misses = []
        for label, user, path in rows:
            table.append((f"workbench as {label}", *self.measure(user, path)))
            if statistics.median(table[-1][1]) >= 150:
                misses.append(label)
        print()
        print(f"{'GET':38} {'n':>4} {'median':>7} {'p95':>7} {'max':>7} {'db med':>7} "
              f"{'cpu med':>7} {'queries':>7} {'× base':>6}")  # fmt: skip
        for label, totals, dbs, cpus, queries in table:
            median = statistics.median(totals)
            print(
                f"{label:38} {len(totals):4} {median:7.1f} {_p95(totals):7.1f} "
                f"{max(totals):7.1f} {statistics.median(dbs):7.1f} "
                f"{statistics.median(cpus):7.1f} {queries:7} {median / baseline:6.2f}"
            )
        print(
            "ms per request through Django's test client (middleware, view, template); db: "
            "time waiting for PostgreSQL;\ncpu: this process's CPU time; queries: per request, "
            "session and user included; × base: median / median of the empty community's "
            "workbench"
        )
        print("target median < 150 ms:", "met" if not misses else f"MISSED for {misses}")


class _QueryTimer:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0
        self.statements: list[tuple[float, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.seconds += took
            self.count += 1
            self.statements.append((took * 1000, sql))


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


if __name__ == "__main__":
    main()
