"""Load benchmark of the HTTP API: throughput and latency per call and database.

Starts the app with uvicorn (a separate process, so the load generator does not
share its interpreter) on 127.0.0.1 only, on a fresh SQLite file and, when a
PostgreSQL URL is given (``--postgres URL`` or ``BOLIGMATCH_TEST_POSTGRES_URL``),
on a fresh PostgreSQL database that is dropped afterwards. It loads the demo world
and drives a bounded number of requests from a few concurrent clients:

* ``health``: ``GET /health``, no database: the baseline of the ratios;
* ``list vacancies``: ``GET /api/v1/vacancies?limit=50`` as staff;
* ``update vacancy``: ``PATCH /api/v1/vacancies/{id}`` with ``If-Match`` as the
  association, each client on its own vacancy and following its ETag;
* ``read match run``: ``GET /api/v1/match-runs/{id}`` as staff, when the offer
  workflow's endpoint exists (skipped otherwise);
* ``list @ N/s`` (with ``--rate N``): the same list at a fixed rate (open loop: each
  request has a scheduled start, and its latency counts from that start, so a server
  that falls behind is charged for the queue).

``--compare-ref REF`` also serves the same calls from git revision REF's tree
(``git archive``) on a fresh database, so the figures before and after a change are
measured in the same run.

Usage::

    .venv/bin/python bench/load.py                       # SQLite (+ PG if the env var is set)
    .venv/bin/python bench/load.py --requests 300 --clients 3 --postgres postgresql+psycopg://...
    .venv/bin/python bench/load.py --rate 100 --compare-ref main
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx
from benchkit import ROOT, postgres_database, tree_of
from sqlalchemy import func, select

sys.path.insert(0, str(ROOT))
BENCH_SECRET = "load-benchmark-secret-" + "x" * 24
os.environ["BOLIGMATCH_JWT_SECRET"] = BENCH_SECRET
os.environ["BOLIGMATCH_CPR_HASH_SECRET"] = BENCH_SECRET

from api.auth import Role, issue_token  # noqa: E402
from boligmatch.loading import load_world  # noqa: E402
from boligmatch.migrate import upgrade  # noqa: E402
from inventory.models import Department, Unit, Vacancy  # noqa: E402
from inventory.reference_load import load_municipalities  # noqa: E402
from kernel.db import make_engine, session_factory  # noqa: E402
from synthetic.population import generate  # noqa: E402


@dataclass
class Result:
    database: str
    call: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(url: str) -> tuple[int, list[int]]:
    """Migrate, load the demo world; return an association and its open vacancy ids."""
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions() as session, session.begin():
        load_municipalities(session)
        load_world(session, generate(seed=461), cpr_secret=BENCH_SECRET)
    with sessions() as session:
        association_id, _ = session.execute(
            select(Department.association_id, func.count(Vacancy.id))
            .join(Unit, Unit.department_id == Department.id)
            .join(Vacancy, Vacancy.unit_id == Unit.id)
            .group_by(Department.association_id)
            .order_by(func.count(Vacancy.id).desc(), Department.association_id)
        ).first() or (0, 0)
        vacancies = list(
            session.scalars(
                select(Vacancy.id)
                .join(Vacancy.unit)
                .join(Unit.department)
                .where(Department.association_id == association_id)
                .order_by(Vacancy.id)
            )
        )
    engine.dispose()
    return int(association_id), vacancies


@contextmanager
def server(url: str, tree: Path = ROOT) -> Iterator[str]:
    """uvicorn serving ``create_app()`` from ``tree`` on ``url`` at a free loopback port."""
    port = free_port()
    env = os.environ | {
        "BOLIGMATCH_DATABASE_URL": url,
        "BOLIGMATCH_LOG_LEVEL": "WARNING",
        # The per-credential write limit (120 a minute, issue 13) would answer most of the
        # update call's PATCHes with 429: the benchmark measures the server, not the limit.
        "BOLIGMATCH_RATE_LIMITS__WRITES_PER_MINUTE": "0",
        "PYTHONPATH": str(tree),
    }
    process = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "warning", "--no-access-log",
        ],
        cwd=tree,
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _run_clients(
    base: str,
    clients: int,
    make: Callable[[int], Callable[[httpx.Client], bool]],
    calls: Callable[[int, Callable[[], bool]], Iterator[tuple[float, bool]]],
    before_release: Callable[[], None] = lambda: None,
) -> tuple[list[float], int, float]:
    """Client threads that each warm up once, wait for the others, then run ``calls``.

    ``calls(i, call)`` is client i's measured requests, yielding (latency ms, ok) for
    each; ``before_release`` runs in this thread just before the clients are let go.
    Returns every latency, the number of failed calls and when the clients were let go.
    """
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def worker(index: int) -> None:
        nonlocal errors
        call_once = make(index)
        with httpx.Client(base_url=base, timeout=30) as client:
            call_once(client)  # warm-up, not measured
            start.wait()
            mine = list(calls(index, partial(call_once, client)))
        with lock:
            latencies.extend(ms for ms, _ in mine)
            errors += sum(not ok for _, ok in mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    before_release()
    start.wait()
    released = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, errors, released


def drive(
    base: str,
    *,
    database: str,
    call: str,
    total: int,
    clients: int,
    max_seconds: float,
    make: Callable[[int], Callable[[httpx.Client], bool]],
) -> Result:
    """Send ``total`` requests from ``clients`` threads; ``make(i)`` builds client i's call."""
    stop_at = time.monotonic() + max_seconds
    shares = [total // clients + (i < total % clients) for i in range(clients)]

    def calls(index: int, call_once: Callable[[], bool]) -> Iterator[tuple[float, bool]]:
        for _ in range(shares[index]):
            if time.monotonic() > stop_at:
                break
            began = time.perf_counter()
            ok = call_once()
            yield (time.perf_counter() - began) * 1000, ok

    latencies, errors, began = _run_clients(base, clients, make, calls)
    seconds = time.perf_counter() - began
    return Result(database, call, len(latencies), errors, seconds, latencies)


def paced(
    base: str,
    *,
    database: str,
    call: str,
    rate: float,
    seconds: float,
    clients: int,
    make: Callable[[int], Callable[[httpx.Client], bool]],
) -> Result:
    """Requests at ``rate`` per second for ``seconds`` (open loop), from ``clients`` threads.

    Request i is due at ``start + i / rate``; thread ``i % clients`` sends it, and its
    latency runs from the due time, not from when the thread got round to it.
    """
    total = max(1, round(rate * seconds))
    origin: list[float] = []

    def calls(index: int, call_once: Callable[[], bool]) -> Iterator[tuple[float, bool]]:
        for i in range(index, total, clients):
            due = origin[0] + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            ok = call_once()
            yield (time.perf_counter() - due) * 1000, ok

    def set_origin() -> None:
        origin.append(time.perf_counter() + 0.05)

    latencies, errors, _ = _run_clients(base, clients, make, calls, set_origin)
    elapsed = time.perf_counter() - origin[0]
    return Result(database, call, len(latencies), errors, elapsed, latencies)


def run_database(
    name: str,
    url: str,
    *,
    total: int,
    clients: int,
    max_seconds: float,
    rate: float | None = None,
    tree: Path = ROOT,
) -> list[Result]:
    association_id, vacancies = prepare(url)
    staff_token = issue_token(subject="bench-staff", role=Role.staff, municipality_code="461")
    association_token = issue_token(
        subject="bench-association", role=Role.association, association_id=association_id
    )
    staff = {"Authorization": f"Bearer {staff_token}"}
    association = {"Authorization": f"Bearer {association_token}"}
    results: list[Result] = []
    with server(url, tree) as base:
        measure = partial(
            drive, base, database=name, total=total, clients=clients, max_seconds=max_seconds
        )

        def health(_: int) -> Callable[[httpx.Client], bool]:
            return lambda c: c.get("/health").status_code == 200

        def listing(_: int) -> Callable[[httpx.Client], bool]:
            return lambda c: c.get("/api/v1/vacancies?limit=50", headers=staff).status_code == 200

        def updating(index: int) -> Callable[[httpx.Client], bool]:
            vacancy_id = vacancies[index % len(vacancies)]
            state = {"etag": ""}

            def call(c: httpx.Client) -> bool:
                if not state["etag"]:
                    state["etag"] = c.get(
                        f"/api/v1/vacancies/{vacancy_id}", headers=association
                    ).headers["etag"]
                response = c.patch(
                    f"/api/v1/vacancies/{vacancy_id}",
                    json={"rent_dkk": 4000 + (time.perf_counter_ns() % 1000)},
                    headers=association | {"If-Match": state["etag"]},
                )
                state["etag"] = response.headers.get("etag", "")
                return response.status_code == 200

            return call

        results.append(measure(call="health (baseline)", make=health))
        results.append(measure(call="list vacancies", make=listing))
        if rate:
            results.append(
                paced(
                    base,
                    database=name,
                    call=f"list @ {rate:g}/s",
                    rate=rate,
                    seconds=min(max_seconds, total / rate),
                    clients=max(clients, 4),
                    make=listing,
                )
            )
        results.append(measure(call="update vacancy", make=updating))
        run = httpx.post(f"{base}/api/v1/match-runs", json={}, headers=staff, timeout=120)
        if run.status_code == 201:
            run_id = run.json()["id"]

            def reading(_: int) -> Callable[[httpx.Client], bool]:
                path = f"/api/v1/match-runs/{run_id}"
                return lambda c: c.get(path, headers=staff).status_code == 200

            results.append(measure(call="read match run", make=reading))
        else:
            print(f"  ({name}: no match-run endpoint, status {run.status_code}; skipped)")
    return results


def print_table(results: list[Result]) -> None:
    baselines = {r.database: r.percentile(0.5) for r in results if r.call.startswith("health")}
    print(
        f"{'database':<22}{'call':<19}{'requests':>9}{'errors':>7}{'req/s':>8}"
        f"{'p50 ms':>8}{'p99 ms':>8}{'p50/health':>11}"
    )
    for r in results:
        ratio = r.percentile(0.5) / baselines[r.database] if baselines.get(r.database) else 0
        print(
            f"{r.database:<22}{r.call:<19}{r.requests:>9}{r.errors:>7}{r.throughput:>8.0f}"
            f"{r.percentile(0.5):>8.1f}{r.percentile(0.99):>8.1f}{ratio:>11.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per call type")
    parser.add_argument("--clients", type=int, default=3, help="concurrent clients (2-4)")
    parser.add_argument("--max-seconds", type=float, default=60, help="time bound per call type")
    parser.add_argument("--postgres", default=os.environ.get("BOLIGMATCH_TEST_POSTGRES_URL"))
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--rate", type=float, help="also list vacancies at this fixed rate")
    parser.add_argument("--compare-ref", help="also serve git revision REF's tree (e.g. main)")
    args = parser.parse_args()
    if not 1 <= args.clients <= 8 or not 1 <= args.requests <= 5000:
        parser.error("--clients 1-8 and --requests 1-5000 keep the benchmark bounded")
    bounds = {
        "total": args.requests,
        "clients": args.clients,
        "max_seconds": args.max_seconds,
        "rate": args.rate,
    }
    print(f"{args.requests} requests per call, {args.clients} clients, {os.cpu_count()} CPUs")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as folder:
        trees = [("", ROOT)]
        if args.compare_ref:
            trees.append((f" @{args.compare_ref}", tree_of(args.compare_ref, Path(folder))))
        for suffix, tree in trees:
            if not args.no_sqlite:
                db = f"sqlite:///{folder}/bench{len(results)}.db"
                results += run_database("sqlite" + suffix, db, tree=tree, **bounds)
            if args.postgres:
                with postgres_database(args.postgres, "bm_bench") as url:
                    results += run_database("postgresql" + suffix, url, tree=tree, **bounds)
    print_table(results)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
