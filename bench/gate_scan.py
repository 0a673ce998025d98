"""The gate scan endpoint against a bare insert into the same table, on a real server
(gunicorn, threads) and PostgreSQL: throughput ratio and latency at 16 concurrent requests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/gate_scan.py [--residents 10000] [--requests 4000] [--concurrency 16]

Creates its own throwaway database (`fangkong_bench_gate` on the server of DATABASE_URL),
migrates it, fills one township with `bench.population.populate`, opens a gate "南门" in the
first community, issues a pass to every resident of it, puts a few in quarantine, and makes a
guard with an API token. It then starts gunicorn (`--workers` processes of `--threads`
threads, DEBUG off) on this module as the WSGI application: the project's URLs plus one
baseline view of the bench only, `POST /bench/insert/`, which inserts one `GateEntry` row
(fixed gate and guard, a fresh client key) and answers a small JSON body — no auth, no lookup,
no decision.

Driven from this process by `--concurrency` threads, each with its own keep-alive HTTP
connection (stdlib http.client), alternating warm-up, baseline and scan rounds:
`POST /api/v1/gate/scan` with the guard's bearer token, the QR text of a random pass, a
temperature, a colour and a fresh client key (the full path: token auth, gate and pass lookup,
quarantine/lockdown/closed-management facts, policy, decision, insert). Reported per row:
requests per second, median, p95 and p99 (ms), and the scan's throughput as a ratio of the
baseline's. Then, in this process with Django's test client, the CPU time per request of each
(a figure that depends less on what else the machine is running).

Targets (issue 4): ratio ≥ 0.5, p99 < 50 ms at 16 concurrent requests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = "fangkong_bench_gate"
ROOT = Path(__file__).resolve().parent.parent

# ---- the server side: this module is also the WSGI application and the URLconf ------------------

_app: Any = None
_building = threading.Lock()


def application(environ: dict[str, Any], start_response: Any) -> Any:
    """The project with the bench's URLconf (this module), built on the first request and
    warmed as `fangkong.wsgi` warms the project's (`core.warmup.warm_and_freeze`)."""
    global _app
    if _app is None:
        with _building:  # the worker's threads all take their first request at once
            if _app is None:
                os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
                import django
                from django.conf import settings

                django.setup()
                settings.ROOT_URLCONF = "bench.gate_scan"
                from django.core.wsgi import get_wsgi_application

                from fangkong.core.warmup import warm_and_freeze

                app = get_wsgi_application()
                warm_and_freeze()
                _app = app
    return _app(environ, start_response)


def _baseline_view(request: Any) -> Any:
    """A bare insert of one GateEntry (the floor the scan endpoint is compared to)."""
    from django.http import JsonResponse

    from fangkong.checkpoints.models import GateEntry

    entry = GateEntry.objects.create(
        township_id=int(os.environ["BENCH_TOWNSHIP"]),
        community_id=int(os.environ["BENCH_COMMUNITY"]),
        gate_id=int(os.environ["BENCH_GATE"]),
        guard_id=int(os.environ["BENCH_GUARD"]),
        direction="in",
        kind="resident",
        verdict="allow",
        client_key=uuid.uuid4(),
    )
    return JsonResponse({"entry_id": entry.pk}, status=201)


def __getattr__(name: str) -> Any:
    # `urlpatterns`, made only when Django asks for it (importing the module for gunicorn or
    # as a script needs no Django).
    if name == "urlpatterns":
        from django.urls import include, path
        from django.views.decorators.csrf import csrf_exempt

        return [
            path("bench/insert/", csrf_exempt(_baseline_view)),
            path("", include("fangkong.urls")),
        ]
    raise AttributeError(name)


# ---- the driver ---------------------------------------------------------------------------------


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time the gate scan endpoint on PostgreSQL.")
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=4_000, help="per measured round")
    parser.add_argument("--rounds", type=int, default=2, help="baseline/scan rounds, alternated")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def _bench_url(url: str) -> tuple[str, str]:
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


def _prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Migrate and fill the bench database; the ids and secrets the server and driver need."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.population import populate
    from fangkong.checkpoints.models import Gate, GateState, Pass
    from fangkong.checkpoints.payload import qr_text
    from fangkong.core.models import ApiToken, Community, User
    from fangkong.core.roles import Role
    from fangkong.people.models import Resident

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    populate(args.residents)
    community = Community.objects.order_by("pk").first()
    assert community is not None
    gate = Gate.objects.create(
        township=community.township, community=community, name="南门", state=GateState.OPEN
    )
    guard = User.objects.create(
        username="bench_guard",
        role=Role.CHECKPOINT_GUARD,
        township=community.township,
        community=community,
    )
    token = ApiToken.issue(guard)
    people = list(
        Resident.objects.filter(community=community).values_list("pk", "township_id", "grid_id")
    )
    Pass.objects.bulk_create(
        Pass(
            township_id=township_id,
            community_id=community.pk,
            grid_id=grid_id,
            resident_id=pk,
            number=f"{community.code}-{i:06d}",
        )
        for i, (pk, township_id, grid_id) in enumerate(people, start=1)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    codes = [qr_text(n) for n in Pass.objects.values_list("number", flat=True)]
    print(
        f"populated in {time.perf_counter() - started:.0f} s: {len(people):,} residents "
        f"with passes in {community.name}"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(",")[0])
    connection.close()
    return {
        "township": community.township_id,
        "community": community.pk,
        "gate": gate.pk,
        "guard": guard.pk,
        "token": token,
        "codes": codes,
    }


def _serve(args: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "bench.gate_scan:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        "gthread",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("POST", "/bench/insert/")
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not start")


class Round:
    def __init__(self, args: argparse.Namespace, make_request: Any) -> None:
        self.args = args
        self.make_request = make_request

    def run(self, total: int) -> tuple[float, list[float]]:
        """(requests per second, latencies in ms) of `total` requests over the threads."""
        latencies: list[float] = []
        lock = threading.Lock()
        left = [total]
        failures: list[str] = []

        def worker() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.args.port, timeout=30)
            mine: list[float] = []
            while True:
                with lock:
                    if left[0] <= 0:
                        break
                    left[0] -= 1
                method, path, body, headers = self.make_request()
                t0 = time.perf_counter()
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                mine.append((time.perf_counter() - t0) * 1000)
                if response.status not in (200, 201):
                    failures.append(f"{response.status} {data[:200]!r}")
            conn.close()
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=worker) for _ in range(self.args.concurrency)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        if failures:
            raise SystemExit(f"{len(failures)} failed requests, e.g. {failures[0]}")
        return total / elapsed, latencies


def _cpu_per_request(ids: dict[str, Any], n: int) -> tuple[float, float]:
    """CPU milliseconds per request of the baseline and the scan, measured in this process
    (less sensitive to other load on the machine than the server's wall-clock figures)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ROOT_URLCONF = "bench.gate_scan"
    client = Client()
    auth = {"Authorization": f"Bearer {ids['token']}"}
    rng = random.Random(5)

    def scan() -> None:
        body = {
            "gate_id": ids["gate"],
            "code": rng.choice(ids["codes"]),
            "direction": "in",
            "temperature": "36.5",
            "health_code": "green",
            "client_key": str(uuid.uuid4()),
        }
        response = client.post(
            "/api/v1/gate/scan", json.dumps(body), "application/json", headers=auth
        )
        assert response.status_code == 201, response.content

    def baseline() -> None:
        assert client.post("/bench/insert/").status_code == 201

    out = []
    for call in (baseline, scan):
        for _ in range(20):
            call()
        started = time.process_time()
        for _ in range(n):
            call()
        out.append((time.process_time() - started) / n * 1000)
    connection.close()
    return out[0], out[1]


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    args = _parse()
    bench_url, maintenance_url = _bench_url(os.environ.get("DATABASE_URL", ""))
    _admin_sql(
        maintenance_url,
        f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)",
        f"CREATE DATABASE {BENCH_DB}",
    )
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("FANGKONG_DATA_KEY", secrets.token_urlsafe(40))
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    sys.path.insert(0, str(ROOT))
    server = None
    try:
        ids = _prepare(args)
        env = {
            **os.environ,
            "BENCH_TOWNSHIP": str(ids["township"]),
            "BENCH_COMMUNITY": str(ids["community"]),
            "BENCH_GATE": str(ids["gate"]),
            "BENCH_GUARD": str(ids["guard"]),
            "PYTHONPATH": str(ROOT),
        }
        os.environ.update({k: v for k, v in env.items() if k.startswith("BENCH_")})
        server = _serve(args, env)
        codes = ids["codes"]
        auth = {"Authorization": f"Bearer {ids['token']}", "Content-Type": "application/json"}
        rng = random.Random(4)

        def baseline() -> tuple[str, str, bytes, dict[str, str]]:
            return "POST", "/bench/insert/", b"", {}

        def scan() -> tuple[str, str, bytes, dict[str, str]]:
            body = {
                "gate_id": ids["gate"],
                "code": rng.choice(codes),
                "direction": rng.choice(["in", "out"]),
                "temperature": f"36.{rng.randint(0, 9)}",
                "health_code": "green",
                "client_key": str(uuid.uuid4()),
            }
            return "POST", "/api/v1/gate/scan", json.dumps(body).encode(), auth

        rounds = {"bare insert (baseline)": Round(args, baseline), "gate scan": Round(args, scan)}
        for r in rounds.values():  # warm-up: connections, caches, code paths
            r.run(max(200, args.requests // 10))
        results: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in rounds}
        for _ in range(args.rounds):
            for name, r in rounds.items():
                rate, latencies = r.run(args.requests)
                results[name][0].append(rate)
                results[name][1].extend(latencies)
        print(
            f"\n{args.concurrency} concurrent clients, gunicorn {args.workers} workers × "
            f"{args.threads} threads, {args.rounds} × {args.requests:,} requests per row\n"
        )
        header = f"{'endpoint':<26}{'req/s':>9}{'median':>9}{'p95':>9}{'p99':>9}{'ratio':>8}"
        print(header)
        print("-" * len(header))
        base_rate = statistics.median(results["bare insert (baseline)"][0])
        for name, (rates, latencies) in results.items():
            rate = statistics.median(rates)
            print(
                f"{name:<26}{rate:>9.0f}{statistics.median(latencies):>9.1f}"
                f"{_pct(latencies, 95):>9.1f}{_pct(latencies, 99):>9.1f}{rate / base_rate:>8.2f}"
            )
        cpu = _cpu_per_request(ids, args.requests // 4 or 50)
        print(
            f"\nin one process, one request at a time (Django test client, CPU time of the "
            f"process): bare insert {cpu[0]:.2f} ms, gate scan {cpu[1]:.2f} ms of CPU per "
            f"request, ratio {cpu[0] / cpu[1]:.2f}"
        )
        scan_rate = statistics.median(results["gate scan"][0])
        p99 = _pct(results["gate scan"][1], 99)
        print(
            f"\ntargets: ratio ≥ 0.5 → {scan_rate / base_rate:.2f}; "
            f"p99 < 50 ms → {p99:.1f} ms (times in ms)"
        )
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep:
            _admin_sql(maintenance_url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            print(f"dropped {BENCH_DB}")


if __name__ == "__main__":
    main()
