"""Ctrl-C in a real `seolog` process: the scan is saved as interrupted, and --resume finishes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from seolog.errors import ExitCode
from tests.server import FixtureServer, Response, html

N_PAGES = 60


def _slow_site(server: FixtureServer) -> None:
    links = "".join(f'<a href="/p{i}">page {i}</a>' for i in range(N_PAGES))
    server.page("/", body=links)
    for i in range(N_PAGES):
        server.routes[f"/p{i}"] = Response(
            body=html(f"Page {i}", f'<a href="/p{(i + 1) % N_PAGES}">next</a>'), delay=0.05
        )


def test_ctrl_c_saves_progress_and_resume_finishes(server: FixtureServer, home: Path, db) -> None:
    _slow_site(server)
    env = {**os.environ, "SEOLOG_HOME": str(home)}
    cmd = [sys.executable, "-m", "seolog", "scan", server.url(), "--no-sitemaps", "-c", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while sum(p.startswith("/p") for p in server.paths()) < 20 and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert "seolog scan --resume 1" in err
    assert "Traceback" not in err

    scan = db("SELECT status, stop_reason, pages_crawled FROM scans WHERE id = 1")[0]
    stored = db("SELECT count(*) AS n FROM pages WHERE scan_id = 1")[0].n
    assert scan.status == "interrupted" and scan.stop_reason == "interrupted"
    assert 0 < stored < N_PAGES + 1
    assert scan.pages_crawled == stored  # the count matches the rows actually saved

    stored_before = {
        r.url.removeprefix(server.origin) for r in db("SELECT url FROM pages WHERE scan_id = 1")
    }
    requests_before = len(server.requests)
    done = subprocess.run(
        [sys.executable, "-m", "seolog", "scan", "--resume", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    rows = db("SELECT url FROM pages WHERE scan_id = 1")
    urls = [r.url for r in rows]
    assert len(urls) == len(set(urls)) == N_PAGES + 1  # every page once, none twice
    assert db("SELECT status FROM scans WHERE id = 1")[0].status == "completed"
    # Pages stored before the interruption were not fetched again.
    assert not stored_before & set(server.paths()[requests_before:])


def test_resume_refuses_a_completed_scan(server: FixtureServer, cli) -> None:
    server.page("/")
    assert cli("scan", server.url(), "--no-sitemaps").exit_code == 0
    r = cli("scan", "--resume", "1")
    assert r.exit_code == ExitCode.USAGE
    assert "only interrupted or failed scans can be resumed" in r.stderr
    r = cli("scans", "resume", "99")
    assert r.exit_code == ExitCode.CONFIG
    assert "no scan with id 99" in r.stderr
