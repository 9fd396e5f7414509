"""Page benchmark: the staff run page of a Copenhagen-sized run (2,000 cases x 450 homes).

Builds a fresh SQLite database with one generated municipality (``--citizens`` x
``--homes``, seed 461), runs a match in-process (timed), serves the app with uvicorn in a
separate process on 127.0.0.1, signs a staff member in with a server-side web session
and measures, for each page:

* ``html``: the size of the HTML the server sends (bytes, uncompressed);
* ``server``: the time to the whole answer over HTTP (httpx, best of ``--repeat``);
* ``chromium``: navigation start to the ``load`` event in headless Chromium (Debian's
  ``/usr/bin/chromium`` via Playwright; best of ``--repeat``), the page fully rendered.

The baseline, measured in the same run, is the staff start page (``/staff``): the ratios
say how much heavier the run page is than an ordinary page. Pages: the run page (first
page of homes), a later page, the run page filtered to one citizen, and the "why not"
answer for one pair. The run page must stay under 1 MB and render in under 2 s; the
script prints whether it does and exits 1 if not.

Usage::

    .venv/bin/python bench/run_page.py                    # 2,000 x 450, 3 repeats
    .venv/bin/python bench/run_page.py --citizens 500 --homes 120 --repeat 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_SECRET = "run-page-benchmark-secret-" + "x" * 24
os.environ["BOLIGMATCH_JWT_SECRET"] = BENCH_SECRET
os.environ["BOLIGMATCH_CPR_HASH_SECRET"] = BENCH_SECRET

from allocation import match_runs  # noqa: E402
from api.auth import Principal, Role  # noqa: E402
from api.web.session import AUTH_COOKIE, SID_COOKIE, create_session  # noqa: E402
from boligmatch.loading import load_world  # noqa: E402
from boligmatch.migrate import upgrade  # noqa: E402
from inventory.reference_load import load_municipalities  # noqa: E402
from kernel.calendar import today as danish_today  # noqa: E402
from kernel.db import make_engine, session_factory  # noqa: E402
from synthetic.population import generate  # noqa: E402

CHROMIUM = os.environ.get("BOLIGMATCH_CHROMIUM", "/usr/bin/chromium")
CODE = "461"
MAX_HTML_BYTES = 1_000_000
MAX_RENDER_SECONDS = 2.0


@dataclass
class Measured:
    name: str
    path: str
    html_bytes: int
    server_s: float
    chromium_s: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(url: str, citizens: int, homes: int) -> tuple[int, str, str, str, float]:
    """Migrate, load the municipality, run a match; the run id, a citizen, a home, the
    session id and the match's seconds."""
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    world = generate(seed=461, n_citizens=citizens, n_vacancies=homes, as_of=dt.date.today())
    with sessions() as session, session.begin():
        load_municipalities(session)
        load_world(session, world, cpr_secret=BENCH_SECRET)
    started = time.perf_counter()
    with sessions() as session, session.begin():
        run = match_runs.run_match(
            session=session, municipality_code=CODE, actor="bench", as_of=danish_today()
        )
        run_id = run.id
        entry = next(e for e in run.result["offers"] if e["candidates"])
        home = str(entry["vacancy"])
        citizen = str(entry["candidates"][0]["citizen"])
    seconds = time.perf_counter() - started
    sid = create_session(
        sessions, Principal("bench-staff", Role.staff, municipality_code=CODE), method="bench"
    )
    engine.dispose()
    return run_id, citizen, home, sid, seconds


@contextmanager
def server(url: str) -> Iterator[str]:
    """uvicorn serving ``create_app()`` on ``url`` at a free loopback port."""
    port = free_port()
    env = os.environ | {"BOLIGMATCH_DATABASE_URL": url, "BOLIGMATCH_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "warning", "--no-access-log",
        ],
        cwd=ROOT,
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


def measure(base: str, sid: str, pages: list[tuple[str, str]], repeat: int) -> list[Measured]:
    from playwright.sync_api import sync_playwright

    cookies = {AUTH_COOKIE: sid, SID_COOKIE: "bench-sid"}
    results = []
    with (
        httpx.Client(base_url=base, cookies=cookies, timeout=120) as client,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
        context.add_cookies(
            [{"name": name, "value": value, "url": base} for name, value in cookies.items()]
        )
        tab = context.new_page()
        tab.set_default_timeout(300_000)
        for name, path in pages:
            server_s = chromium_s = float("inf")
            size = 0
            for _ in range(repeat):
                started = time.perf_counter()
                answer = client.get(path)
                server_s = min(server_s, time.perf_counter() - started)
                if answer.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {answer.status_code}")
                size = len(answer.content)
                tab.goto(base + path, wait_until="load")
                load = tab.evaluate(
                    "() => { const n = performance.getEntriesByType('navigation')[0];"
                    " return (n.loadEventEnd - n.startTime) / 1000; }"
                )
                chromium_s = min(chromium_s, float(load))
            results.append(Measured(name, path, size, server_s, chromium_s))
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=2000)
    parser.add_argument("--homes", type=int, default=450)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/run-page.db"
        started = time.perf_counter()
        run_id, citizen, home, sid, match_s = prepare(url, args.citizens, args.homes)
        print(
            f"{args.citizens:,} cases x {args.homes:,} homes: loaded and matched in "
            f"{time.perf_counter() - started:.1f}s (match run {match_s:.1f}s)"
        )
        pages = [
            ("staff start page (baseline)", "/staff"),
            ("run page", f"/staff/runs/{run_id}"),
            ("run page, page 10", f"/staff/runs/{run_id}?page=10"),
            ("run page, one citizen", f"/staff/runs/{run_id}?citizen={citizen}"),
            (
                "why not (one pair)",
                f"/staff/runs/{run_id}/explain?vacancy={home}&citizen={citizen}",
            ),
        ]
        with server(url) as base:
            results = measure(base, sid, pages, args.repeat)
    baseline = results[0]
    print(f"{'page':<30}{'html':>12}{'x base':>8}{'server':>10}{'chromium':>10}{'x base':>8}")
    for r in results:
        print(
            f"{r.name:<30}{r.html_bytes:>12,}{r.html_bytes / baseline.html_bytes:>7.1f}x"
            f"{r.server_s:>9.3f}s{r.chromium_s:>9.3f}s{r.chromium_s / baseline.chromium_s:>7.1f}x"
        )
    run_page = results[1]
    ok = run_page.html_bytes < MAX_HTML_BYTES and run_page.chromium_s < MAX_RENDER_SECONDS
    print(
        f"run page: {run_page.html_bytes / 1e6:.3f} MB (limit 1 MB), rendered in "
        f"{run_page.chromium_s:.2f}s (limit {MAX_RENDER_SECONDS:g}s): {'PASS' if ok else 'FAIL'}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
