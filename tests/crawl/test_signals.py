"""Signals at every stage of a scan end cleanly (issue 18, item 8): SIGTERM is Ctrl-C, Ctrl-C in
the site checks leaves a resumable scan, and a page worker whose crawl process is gone leaves
without a traceback.

Each case runs a real `python -m seolog scan` against a FixtureServer, waits for the stage in the
store or the server's log (not a blind sleep), signals it, and resumes the scan to the end.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from seolog.crawl.frontier import Scope
from seolog.crawl.pipeline import WorkerPipeline
from seolog.errors import ExitCode
from tests.conftest import interruptible
from tests.crawl.test_parse_budget import ORIGIN, FileSink, _page, _stored
from tests.server import FixtureServer, Response, html

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

N_PAGES = 60
CONCURRENCY = 2


def _site(server: FixtureServer, pages: int = N_PAGES, delay: float = 0.05) -> None:
    server.page("/", body="".join(f'<a href="/p{i}">page {i}</a>' for i in range(pages)))
    for i in range(pages):
        server.routes[f"/p{i}"] = Response(
            body=html(f"Page {i}", f"words on page {i} " * 30 + '<a href="/">home</a>'),
            delay=delay,
        )


def _scan(server: FixtureServer, env: dict[str, str], **popen: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "seolog", "scan", server.url(), "--no-sitemaps",
         "-c", str(CONCURRENCY)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen,
    )  # fmt: skip


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _pages_requested(server: FixtureServer) -> int:
    return len({p for p in server.paths() if p.startswith("/p")})


def _resume(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "seolog", "scan", "--resume", "1"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


def _clean(err: str) -> None:
    for noise in ("Traceback", "Future exception", "never retrieved", "BrokenPipeError"):
        assert noise not in err, err


@pytest.mark.parametrize("to", ["process", "group"])
def test_sigterm_stops_a_scan_as_ctrl_c_does(
    to: str, server: FixtureServer, seolog_env: dict[str, str], db
) -> None:
    """`kill PID` reaches the crawl process alone; `timeout` and CI runners signal the whole
    process group, the page worker included: either way the scan is interrupted, not left
    `running` forever, and nothing fetched is lost."""
    _site(server)
    proc = _scan(server, seolog_env, start_new_session=True)
    _wait_for(lambda: _pages_requested(server) >= 20, "20 pages to be requested")
    if to == "group":
        os.killpg(proc.pid, signal.SIGTERM)
    else:
        proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert "seolog scan --resume 1" in err
    _clean(err)
    scan = db("SELECT status, stop_reason, pages_crawled FROM scans WHERE id = 1")[0]
    assert (scan.status, scan.stop_reason) == ("interrupted", "interrupted")
    stored = db("SELECT count(*) AS n FROM pages WHERE scan_id = 1")[0].n
    assert stored == scan.pages_crawled >= _pages_requested(server) - CONCURRENCY

    _resume(seolog_env)
    urls = [r.url for r in db("SELECT url FROM pages WHERE scan_id = 1")]
    assert len(urls) == len(set(urls)) == N_PAGES + 1
    assert db("SELECT status FROM scans WHERE id = 1")[0].status == "completed"


def test_sigterm_stops_a_scan_started_in_the_background(
    server: FixtureServer, seolog_env: dict[str, str], db
) -> None:
    """A job a shell script starts with `&` has Ctrl-C ignored; SIGTERM must stop it all the
    same."""
    _site(server)

    def background() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    proc = _scan(server, seolog_env, preexec_fn=background)
    _wait_for(lambda: _pages_requested(server) >= 20, "20 pages to be requested")
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    _clean(err)
    assert db("SELECT status FROM scans WHERE id = 1")[0].status == "interrupted"


SITE_PAGES = 400  # enough pages that the site checks take seconds here


def test_ctrl_c_during_the_site_checks_leaves_the_scan_interrupted_and_resumable(
    server: FixtureServer, seolog_env: dict[str, str], db
) -> None:
    _site(server, SITE_PAGES, delay=0)
    proc = _scan(server, seolog_env, preexec_fn=interruptible)

    def auditing() -> bool:
        # The crawl's statistics are stored when it ends, just before the site checks start.
        assert proc.poll() is None, "the scan ended before its site checks could be interrupted"
        rows = db("SELECT status, stats FROM scans WHERE id = 1")
        # (Before that, the JSON column holds a JSON null: "null" as SQLite returns it.)
        return rows[0].stats not in (None, "null") and rows[0].status == "running"

    # The scan row exists before the first request: then the store can be read.
    _wait_for(lambda: _pages_requested(server) > 0, "the crawl to start")
    _wait_for(auditing, "the site checks to start", timeout=120)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert f"crawl ended: {SITE_PAGES + 1} pages, 0 queued" in err  # it was the site checks
    assert "seolog scan --resume 1" in err
    _clean(err)
    scan = db("SELECT status, stop_reason, error_message, score FROM scans WHERE id = 1")[0]
    assert (scan.status, scan.stop_reason, scan.error_message) == (
        "interrupted",
        "interrupted",
        None,
    )
    assert scan.score is None  # no half-done audit was stored

    _resume(seolog_env)
    scan = db("SELECT status, score, pages_crawled FROM scans WHERE id = 1")[0]
    assert scan.status == "completed" and scan.score is not None
    assert scan.pages_crawled == SITE_PAGES + 1


@pytest.mark.store_agnostic
def test_a_worker_whose_crawl_process_is_gone_saves_its_pages_and_leaves_quietly(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C just as a crawl ends, or a killed crawl process: the page worker finishes the page
    in hand and finds nobody to answer. It saves what it has and exits without the
    BrokenPipeError traceback it used to print."""
    sink = tmp_path / "pages.pickle"
    pipeline = WorkerPipeline(partial(FileSink, sink), False)
    big = html("Big", "<p>a paragraph of words</p>" * 40_000)  # a moment to parse

    async def hand_over() -> None:
        await pipeline.set_scope(Scope(ORIGIN + "/"))
        await pipeline.submit(_page("/small", html("Small")))
        await pipeline.submit(_page("/big", big))

    asyncio.run(hand_over())
    pipeline.shutdown()  # the crawl process's end of the socket closes; no reply is read
    assert pipeline.process.exitcode == 0
    assert set(_stored(sink)) == {ORIGIN + "/small", ORIGIN + "/big"}
    _clean(capfd.readouterr().err)


@pytest.mark.store_agnostic
@pytest.mark.parametrize("quiet", [True, False])
def test_an_interrupt_inside_a_task_is_reported_once(caplog, quiet: bool) -> None:
    """SIGTERM to a background scan raises KeyboardInterrupt wherever Python is, often inside a
    fetch task: the scan says it was interrupted; asyncio must not add "Task exception was never
    retrieved" and a traceback (it did, now and then, in CI)."""
    import asyncio
    import gc

    from seolog.services.scans import _run_loop

    async def fetch() -> None:
        await asyncio.sleep(0)
        raise KeyboardInterrupt

    async def main() -> None:
        try:
            await asyncio.gather(fetch(), asyncio.sleep(1))  # another fetch still going
        except BaseException:  # as the scan's main does: save what was fetched, then go on
            await asyncio.sleep(0)
            raise

    with pytest.raises(KeyboardInterrupt):
        (_run_loop if quiet else asyncio.run)(main())
    gc.collect()
    logged = [r.getMessage() for r in caplog.records if r.name == "asyncio"]
    assert any("never retrieved" in m for m in logged) != quiet  # asyncio.run: the noise


def test_an_interrupt_swallowed_by_a_finalizer_is_delivered_again(tmp_path) -> None:
    """A signal that lands while Python runs a weakref callback raises KeyboardInterrupt there,
    where Python only prints it and goes on: seolog delivers it again (a SIGTERM once ran a
    scan to its end, exit 0)."""
    script = tmp_path / "swallowed.py"
    script.write_text(
        "import gc, sys, time, weakref\n"
        "from seolog.cli.app import install_stop_handlers\n"
        "install_stop_handlers()\n"
        "class Thing: pass\n"
        "def callback(_ref):\n"
        "    raise KeyboardInterrupt  # as if Ctrl-C arrived inside the finalizer\n"
        "thing = Thing()\n"
        "ref = weakref.ref(thing, callback)\n"
        "try:\n"
        "    del thing\n"
        "    gc.collect()\n"
        "    deadline = time.monotonic() + 30\n"
        "    while time.monotonic() < deadline:\n"
        "        time.sleep(0.01)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted')\n"
        "    sys.exit(130)\n"
        "print('ran on')\n"
    )
    import seolog

    src = str(Path(seolog.__file__).resolve().parent.parent)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": src},
                          preexec_fn=interruptible)  # fmt: skip
    assert (done.returncode, done.stdout.strip()) == (130, "interrupted"), done.stderr
    assert "Exception ignored" not in done.stderr
