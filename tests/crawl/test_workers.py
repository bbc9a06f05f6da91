"""A pool of page workers (`--workers N`): the same stored scan as one worker, replies in any
order, a bad value refused, and a worker killed mid-crawl leaving nothing lost."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from seolog.crawl.frontier import Scope
from seolog.crawl.pipeline import WorkerPool
from seolog.errors import ExitCode
from seolog.parse.budget import ParseBudget
from tests.conftest import interruptible, run_seolog
from tests.crawl.test_parse_budget import ORIGIN, SLOW, FileSink, _nested, _page, _stored
from tests.server import FixtureServer, Response, html

SECTIONS = 6
PER_SECTION = 8


def _site(server: FixtureServer) -> int:
    """Three levels of links with shared pages (their depth is the shortest path) and planted
    defects (missing titles and descriptions, a broken link); returns the page count."""
    nav = "".join(f'<a href="/s{s}/">section {s}</a>' for s in range(SECTIONS))
    server.page("/", title="Home", body=nav + '<a href="/gone">gone</a>')
    for s in range(SECTIONS):
        links = "".join(f'<a href="/s{s}/p{i}">page {i}</a>' for i in range(PER_SECTION))
        server.page(f"/s{s}/", title=f"Section {s}", body=nav + links)
        for i in range(PER_SECTION):
            title = "" if i % 3 == 0 else f"Page {s}.{i}"
            body = f"words of page {s}.{i} " * 40 + f'<a href="/s{(s + 1) % SECTIONS}/p{i}">x</a>'
            server.routes[f"/s{s}/p{i}"] = Response(body=html(title, body + nav))
    return 1 + SECTIONS + SECTIONS * PER_SECTION + 1  # home, sections, pages, /gone (404)


def _stored_scan(db: Any, scan_id: int) -> tuple[set[tuple[Any, ...]], set[tuple[str, str]]]:
    pages = {
        (r.url, r.depth, r.status_code)
        for r in db("SELECT url, depth, status_code FROM pages WHERE scan_id = :id", id=scan_id)
    }
    findings = {
        (r.url, r.code)
        for r in db(
            "SELECT p.url, i.code FROM issues i JOIN pages p ON p.id = i.page_id "
            "WHERE i.scan_id = :id",
            id=scan_id,
        )
    }
    return pages, findings


def test_one_and_two_workers_store_the_same_scan(server: FixtureServer, cli: Any, db: Any) -> None:
    total = _site(server)
    one = cli("scan", server.url(), "--no-sitemaps", "--workers", "1", "--format", "json")
    two = cli("scan", server.url(), "--no-sitemaps", "--workers", "2", "--format", "json")
    assert one.exit_code == two.exit_code == 0, two.stderr
    pages_one, findings_one = _stored_scan(db, 1)
    pages_two, findings_two = _stored_scan(db, 2)
    assert len(pages_one) == total
    assert pages_two == pages_one  # same URLs, depths and statuses
    assert {d for _u, d, _s in pages_two} == {0, 1, 2}
    assert findings_two == findings_one
    assert (server.url("/s0/p0"), "title-missing") in findings_two
    # Both workers added their batches to the one count the scan shows.
    scans = {r.id: r.pages_crawled for r in db("SELECT id, pages_crawled FROM scans")}
    assert scans == {1: total, 2: total}
    assert two.json()["scan"]["pages_crawled"] == total
    assert {(i["url"], i["code"]) for i in two.json()["issues"]} == {
        (i["url"], i["code"]) for i in one.json()["issues"]
    }


@pytest.mark.parametrize("value", ["0", "many", "65"])
def test_a_bad_worker_count_is_refused_with_one_line(
    server: FixtureServer, cli: Any, value: str
) -> None:
    server.page("/")
    r = cli("scan", server.url(), "--workers", value)
    assert r.exit_code == ExitCode.USAGE
    assert "--workers" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_bad_worker_count_in_the_environment_is_refused(
    server: FixtureServer, seolog_env: dict[str, str]
) -> None:
    server.page("/")
    run = run_seolog({**seolog_env, "SEOLOG_SCAN_WORKERS": "none"}, "scan", server.url())
    assert run.returncode == ExitCode.CONFIG, run.stderr
    assert "SEOLOG_SCAN_WORKERS" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.store_agnostic
def test_a_slow_page_holds_back_no_other_worker(tmp_path: Path) -> None:
    """Replies arrive in the order the workers finish, each matched to its own request: a page
    that takes seconds to parse in one worker does not delay the small pages of the other."""
    sink = tmp_path / "pages.pickle"
    budget = ParseBudget(max_depth=10**9, seconds=600)
    pool = WorkerPool(partial(FileSink, sink), False, budget=budget, workers=2)

    async def main() -> tuple[bool, list[tuple[str, ...]]]:
        await pool.set_scope(Scope(ORIGIN + "/"))
        slow = await pool.submit(_page("/slow", _nested(SLOW)))
        small = [
            await pool.submit(_page(f"/small{i}", html("Small", f'<a href="/to{i}">x</a>')))
            for i in range(5)
        ]
        done = await asyncio.gather(*small)
        slow_pending = not slow.done()
        found = [f.urls for f in (*done, await slow)]
        await pool.aclose()
        return slow_pending, found

    try:
        slow_pending, found = asyncio.run(main())
    finally:
        pool.shutdown()
    assert slow_pending  # the small pages were answered while the slow one was still parsed
    assert found == [(f"{ORIGIN}/to{i}",) for i in range(5)] + [()]
    assert set(_stored(sink)) == {ORIGIN + "/slow", *(f"{ORIGIN}/small{i}" for i in range(5))}


N_PAGES = 60


def _slow_site(server: FixtureServer) -> None:
    server.page("/", body="".join(f'<a href="/p{i}">page {i}</a>' for i in range(N_PAGES)))
    for i in range(N_PAGES):
        server.routes[f"/p{i}"] = Response(
            body=html(f"Page {i}", f'<a href="/p{(i + 1) % N_PAGES}">next</a>'), delay=0.05
        )


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
def test_a_worker_killed_in_a_pool_of_two_loses_nothing(
    server: FixtureServer, seolog_env: dict[str, str], db: Any
) -> None:
    """The other worker saves its pages, the scan is interrupted (the environment stopped it,
    as the out-of-memory killer does), and a resume stores every page exactly once."""
    _slow_site(server)
    proc = subprocess.Popen(
        [sys.executable, "-m", "seolog", "scan", "--no-sitemaps", "-c", "2", "--workers", "2",
         server.url()],
        env=seolog_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=interruptible,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len({p for p in server.paths() if p.startswith("/p")}) < 20:
        assert time.monotonic() < deadline, "the scan did not get going"
        time.sleep(0.02)
    workers = _children(proc.pid)
    assert len(workers) == 2  # --workers 2 starts both with the crawl
    os.kill(workers[0], signal.SIGKILL)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert "page worker process stopped unexpectedly (killed by SIGKILL" in err
    assert "Traceback" not in err and "never retrieved" not in err, err
    scan = db("SELECT status, pages_crawled FROM scans WHERE id = 1")[0]
    stored = db("SELECT count(*) AS n FROM pages WHERE scan_id = 1")[0].n
    assert scan.status == "interrupted" and scan.pages_crawled == stored

    done = run_seolog(seolog_env, "scan", "--resume", "1", timeout=120)
    assert done.returncode == 0, done.stderr
    urls = [r.url for r in db("SELECT url FROM pages WHERE scan_id = 1")]
    assert len(urls) == len(set(urls)) == N_PAGES + 1
