"""Ctrl-C and crashes in a real `seolog` process: what was fetched is saved, --resume finishes.

A scan runs as two processes: the crawl (network, frontier) and the page worker (parsing, storage).
Either may die; neither may take fetched pages down with it or leave the store inconsistent.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seolog.errors import ExitCode
from tests.conftest import interruptible
from tests.server import FixtureServer, Response, html

N_PAGES = 60


# The home page also declares a canonical and an hreflang alternate that no link reaches: the crawl
# queues them after the links, so an interrupted crawl has not fetched them and resume must.
DECLARED = ["/home", "/de/"]
TOTAL = N_PAGES + 1 + len(DECLARED)


def _slow_site(server: FixtureServer) -> None:
    links = "".join(f'<a href="/p{i}">page {i}</a>' for i in range(N_PAGES))
    head = '<link rel="canonical" href="/home"><link rel="alternate" hreflang="de" href="/de/">'
    server.page("/", body=links, head=head)
    for path in DECLARED:
        server.page(path)
    for i in range(N_PAGES):
        server.routes[f"/p{i}"] = Response(
            body=html(f"Page {i}", f'<a href="/p{(i + 1) % N_PAGES}">next</a>'), delay=0.05
        )


SCAN = [sys.executable, "-m", "seolog", "scan", "--no-sitemaps", "-c", "2"]
CONCURRENCY = 2


def _start_scan(server: FixtureServer, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start a scan of the slow site and return once it has requested 20 pages."""
    _slow_site(server)
    proc = subprocess.Popen(
        [*SCAN, server.url()],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,
    )
    deadline = time.monotonic() + 30
    while _pages_requested(server) < 20 and time.monotonic() < deadline:
        time.sleep(0.02)
    return proc


def _pages_requested(server: FixtureServer) -> int:
    return len({p for p in server.paths() if p.startswith("/p")})


def _resume_to_the_end(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "seolog", "scan", "--resume", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _wait_gone(pid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status").read_text() if Path(f"/proc/{pid}").exists() else ""
        if "State:\tZ" in status:  # a zombie has exited; only its parent's wait is missing
            return
        time.sleep(0.02)


def test_ctrl_c_saves_progress_and_resume_finishes(
    server: FixtureServer, seolog_env: dict[str, str], db, cli
) -> None:
    proc = _start_scan(server, seolog_env)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert "seolog scan --resume 1" in err
    assert "Traceback" not in err

    scan = db("SELECT status, stop_reason, pages_crawled FROM scans WHERE id = 1")[0]
    stored = db("SELECT count(*) AS n FROM pages WHERE scan_id = 1")[0].n
    assert scan.status == "interrupted" and scan.stop_reason == "interrupted"
    assert stored < TOTAL
    # Every page fetched was saved; only the requests in flight at Ctrl-C were dropped.
    assert stored >= _pages_requested(server) - CONCURRENCY
    assert scan.pages_crawled == stored  # the count matches the rows actually saved

    stored_before = {
        r.url.removeprefix(server.origin) for r in db("SELECT url FROM pages WHERE scan_id = 1")
    }
    requests_before = len(server.requests)
    _resume_to_the_end(seolog_env)
    rows = db("SELECT url FROM pages WHERE scan_id = 1")
    urls = [r.url for r in rows]
    assert len(urls) == len(set(urls)) == TOTAL  # every page once, none twice
    assert {server.url(p) for p in DECLARED} <= set(urls)
    assert db("SELECT status FROM scans WHERE id = 1")[0].status == "completed"
    # Pages stored before the interruption were not fetched again.
    assert not stored_before & set(server.paths()[requests_before:])
    # Each page was judged once: the two runs' counts add up to the pages stored.
    checks = {c["code"]: c for c in cli("scans", "show", "1", "--format", "json").json()["checks"]}
    assert checks["title-missing"]["judged"] == TOTAL


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the worker")
def test_a_killed_crawl_process_leaves_its_pages_saved_and_resumable(
    server: FixtureServer, seolog_env: dict[str, str], db
) -> None:
    proc = _start_scan(server, seolog_env)
    (worker,) = _children(proc.pid)
    proc.kill()  # SIGKILL: no handler runs in the crawl process
    _out, err = proc.communicate(timeout=30)  # the orphaned worker holds stderr to its end
    _wait_gone(worker)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err

    # The worker saw its parent go and saved what it had, far fewer than one 200-page batch.
    stored = db("SELECT count(*) AS n FROM pages WHERE scan_id = 1")[0].n
    assert stored >= _pages_requested(server) - CONCURRENCY
    scan = db("SELECT status, pages_crawled FROM scans WHERE id = 1")[0]
    assert scan.status == "running" and scan.pages_crawled == stored

    _resume_to_the_end(seolog_env)
    urls = [r.url for r in db("SELECT url FROM pages WHERE scan_id = 1")]
    assert len(urls) == len(set(urls)) == TOTAL


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the worker")
def test_a_killed_page_worker_interrupts_the_scan_with_one_clear_line(
    server: FixtureServer, seolog_env: dict[str, str], db
) -> None:
    """The out-of-memory killer (or a user) killing the worker is the environment stopping the
    scan, as Ctrl-C does: interrupted and resumable, never "a bug in seolog"."""
    proc = _start_scan(server, seolog_env)
    (worker,) = _children(proc.pid)
    os.kill(worker, signal.SIGKILL)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert "page worker process stopped unexpectedly (killed by SIGKILL" in err
    assert "seolog scan --resume 1" in err
    assert "Traceback" not in err and "never retrieved" not in err and "bug" not in err, err
    assert db("SELECT status FROM scans WHERE id = 1")[0].status == "interrupted"
    _resume_to_the_end(seolog_env)
    urls = [r.url for r in db("SELECT url FROM pages WHERE scan_id = 1")]
    assert len(urls) == len(set(urls)) == TOTAL


def test_resume_refuses_a_completed_scan(server: FixtureServer, cli) -> None:
    server.page("/")
    assert cli("scan", server.url(), "--no-sitemaps").exit_code == 0
    r = cli("scan", "--resume", "1")
    assert r.exit_code == ExitCode.USAGE
    assert "only interrupted or failed scans can be resumed" in r.stderr
    r = cli("scans", "resume", "99")
    assert r.exit_code == ExitCode.CONFIG
    assert "no scan with id 99" in r.stderr


def test_a_scan_being_crawled_cannot_be_resumed_twice(
    server: FixtureServer, seolog_env: dict[str, str], cli, db
) -> None:
    proc = _start_scan(server, seolog_env)
    r = cli("scan", "--resume", "1")
    assert r.exit_code == ExitCode.STORAGE
    assert "scan 1 is being crawled by another seolog process" in r.stderr
    # The refused resume changed nothing: the first crawl finishes the scan on its own.
    assert db("SELECT status FROM scans WHERE id = 1")[0].status == "running"
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert db("SELECT status FROM scans WHERE id = 1")[0].status == "interrupted"
    assert cli("scan", "--resume", "1").exit_code == 0  # free again once that process is gone


@pytest.mark.blank_store  # both processes migrate a new store at once, too
def test_two_consultants_scan_into_one_store_at_once(seolog_env: dict[str, str], db) -> None:
    """Two seolog processes writing the same database at the same time (SQLite WAL, or a team
    PostgreSQL) both finish with every page stored."""
    servers = [FixtureServer().start(), FixtureServer().start()]
    try:
        for s in servers:
            links = "".join(f'<a href="/p{i}">page {i}</a>' for i in range(40))
            s.page("/", body=links)
            for i in range(40):
                s.routes[f"/p{i}"] = Response(body=html(f"Page {i}"), delay=0.01)
        procs = [
            subprocess.Popen(
                [*SCAN, s.url()],
                env=seolog_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for s in servers
        ]
        results = [p.communicate(timeout=60) for p in procs]
    finally:
        for s in servers:
            s.stop()
    assert [p.returncode for p in procs] == [0, 0], [err for _out, err in results]
    rows = db("SELECT id, status, pages_crawled FROM scans ORDER BY id")
    assert [(r.status, r.pages_crawled) for r in rows] == [("completed", 41), ("completed", 41)]
    assert db("SELECT count(*) AS n FROM pages")[0].n == 82
