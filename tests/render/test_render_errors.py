"""Pages the browser cannot finish do not stop a scan (issue 22): an app whose data never comes is
read as it was when its time ran out, a script that never yields is given up on, a script that
sends the browser to another page leaves this one to its raw HTML, and each such page is stored
with render-failed saying why; a browser that dies fails the renders left, not the scan. Ctrl-C while pages render leaves a resumable scan
and no browser behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from seolog.errors import ExitCode
from tests.conftest import interruptible, run_seolog
from tests.render.spa import AppPage, app_site, serve, shell
from tests.render.support import (
    MISSING_BROWSER,
    SLOW_TIMEOUT,
    clean,
    crawl_stats,
    descendants,
    found,
    issue,
    pages,
    parent,
    program,
    render_record,
    running,
    scan,
)
from tests.server import FixtureServer, Request, Response

if MISSING_BROWSER:
    pytest.skip(MISSING_BROWSER, allow_module_level=True)

pytestmark = [
    pytest.mark.timeout(SLOW_TIMEOUT),
    # The browser's failures, not the store's: the SQLite run covers them (tests/render/
    # test_render.py renders on every backend), and CI's time goes to the three passes at once.
    pytest.mark.store_agnostic,
]

# Seconds (--render-timeout) for pages that never finish: time enough for the app's first
# request on a busy machine.
RENDER_TIMEOUT = 4


@pytest.fixture
def held() -> Iterator[threading.Event]:
    """Released when the test ends: until then, a route waiting on it never answers."""
    release = threading.Event()
    yield release
    release.set()


def _waits_for(release: threading.Event) -> Callable[[Request], Response]:
    def route(_req: Request) -> Response:
        release.wait(120)
        return Response(body="Late words.", content_type="text/plain")

    return route


def test_pages_the_browser_cannot_render_as_themselves_are_stored_with_render_failed(
    server: FixtureServer,
    seolog_env: dict[str, str],
    tmp_path: Path,
    held: threading.Event,
    db,
) -> None:
    server.routes["/never"] = _waits_for(held)
    serve(
        server,
        [
            # Its title and head come with the first answer; its text waits for a second one.
            AppPage("/waiting", "An app page waiting for its data", ["/"], extra="/never"),
        ],
    )
    busy = '<script>while (true) {}</script><script src="/app.js"></script>'
    server.routes["/busy"] = Response(body=shell(title="A page whose script never yields",
                                                 scripts=busy))  # fmt: skip
    # An app that sends the browser elsewhere (a JavaScript redirect); the page there has a
    # relative link, which is not this page's.
    server.routes["/go.js"] = Response(body="location.replace('/elsewhere/');",
                                       content_type="text/javascript")  # fmt: skip
    server.routes["/moved-by-script"] = Response(
        body=shell(scripts='<script src="/go.js"></script>')
    )
    server.page("/elsewhere/", "Where the script went", '<h1>Elsewhere</h1><a href="sub">sub</a>')
    # Served as it is shown: `auto` renders the app shells only, so no page here has to render
    # in the short time on a busy machine.
    links = " ".join(f'<a href="{p}">{p}</a>' for p in ("/waiting", "/busy", "/moved-by-script"))
    server.page("/", "Home of a site with three troubled app pages",
                links + "<p>Words.</p>" * 50)  # fmt: skip
    done, doc = scan(seolog_env, tmp_path / "scan.json", server.url(), "--render", "auto",
                     "--render-timeout", str(RENDER_TIMEOUT), "--store-html",
                     timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    clean(done.stderr)
    assert set(pages(doc)) == {"/", "/waiting", "/busy", "/moved-by-script"}
    assert "/never" in server.paths()  # asked for, and still not answered
    assert found(doc)["render-failed"] == {"/waiting", "/busy", "/moved-by-script"}
    stats = crawl_stats(doc)
    assert (stats["rendered"], stats["render_failed"]) == (3, 3)

    # What rendered before the time ran out is judged: the app's title, no heading yet.
    waiting = pages(doc)["/waiting"]
    assert (waiting["title"], waiting["h1"]) == ("An app page waiting for its data", [])
    note = issue(doc, "render-failed", "/waiting")["message"]
    assert f"still loading after {RENDER_TIMEOUT}s" in note
    stored = db("SELECT render FROM pages WHERE url = :u", u=server.url("/waiting"))[0].render
    render = render_record(stored)
    assert render is not None
    assert render["note"] == note.removeprefix("rendering: ")
    assert "<title>An app page waiting for its data</title>" in render["html"]
    assert "Late words" not in render["html"]

    # A script that never yields: nothing could be read, so the raw HTML is judged.
    assert pages(doc)["/busy"]["title"] == "A page whose script never yields"
    assert "kept the page busy" in issue(doc, "render-failed", "/busy")["message"]

    # Sent elsewhere by its script: the DOM there is another page's, so this one is judged as
    # its raw HTML, and the other page's relative link is not read as this page's (/sub).
    moved = issue(doc, "render-failed", "/moved-by-script")["message"]
    assert f"its script went to {server.url('/elsewhere/')}" in moved
    assert pages(doc)["/moved-by-script"]["title"] == "Loading"
    assert "/sub" not in server.paths()


def _chromium(program: str) -> bool:
    """chromium, chrome, chromium-browse(r): a process name is cut at 15 characters."""
    return program.startswith("chrom") and "crashpad" not in program


def _api_requests(server: FixtureServer) -> int:
    return sum(p.startswith("/api/page") for p in server.paths())


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc")
def test_ctrl_c_while_rendering_leaves_a_resumable_scan_and_no_browser(
    server: FixtureServer, seolog_env: dict[str, str], db
) -> None:
    site = app_site(5)
    serve(server, site)
    proc = subprocess.Popen(
        [sys.executable, "-m", "seolog", "scan", server.url(), "--no-sitemaps",
         "--render", "always"],
        env=seolog_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, preexec_fn=interruptible,
    )  # fmt: skip
    try:
        _wait_for(lambda: _api_requests(server) >= 3, "three pages to be rendering")
        browser = {pid: name for pid, name in descendants(proc.pid).items()
                   if name not in ("python", "python3")}  # fmt: skip
        assert any(_chromium(name) for name in browser.values()), browser
        # A terminal's Ctrl-C reaches every process of the foreground group: Playwright's
        # driver too, not only seolog.
        os.killpg(proc.pid, signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert "seolog scan --resume 1" in err
    clean(err)
    scan_row = db("SELECT status, stop_reason FROM scans WHERE id = 1")[0]
    assert (scan_row.status, scan_row.stop_reason) == ("interrupted", "interrupted")
    stored_before = db("SELECT count(*) AS n FROM pages WHERE scan_id = 1")[0].n
    assert 0 < stored_before < len(site)

    def browser_left() -> list[str]:
        return [name for pid, name in browser.items() if running(pid) and program(pid) == name]

    _wait_for(lambda: not browser_left(), "the browser to exit", timeout=30)

    resumed = run_seolog(seolog_env, "scan", "--resume", "1", "--format", "json")
    assert resumed.returncode == 0, resumed.stderr
    clean(resumed.stderr)
    stored = db("SELECT url, title, render FROM pages WHERE scan_id = 1")
    assert sorted(r.url for r in stored) == sorted(server.url(p.path) for p in site)
    # Every page judged as rendered, the ones stored before Ctrl-C and after the resume.
    assert {r.url: r.title for r in stored} == {server.url(p.path): p.title for p in site}
    assert db("SELECT status FROM scans WHERE id = 1")[0].status == "completed"
    stats = crawl_stats(json.loads(resumed.stdout))
    assert (stats["rendered"], stats["render_failed"], stats["runs"]) == (len(site), 0, 2)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc")
def test_a_browser_that_dies_mid_scan_fails_the_renders_not_the_scan(
    server: FixtureServer, seolog_env: dict[str, str], tmp_path: Path
) -> None:
    """Chromium crashes or is killed (the OOM killer picks the largest process): the pages
    still to render are stored as the raw HTML shows them, each with render-failed saying so,
    and the scan completes (it was exit 70, "a bug in seolog")."""
    site = app_site(7)
    serve(server, site)
    out = tmp_path / "scan.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "seolog", "scan", server.url(), "--no-sitemaps",
         "--render", "always", "--format", "json", "-o", str(out)],
        env=seolog_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_for(lambda: _api_requests(server) >= 2, "two pages to be rendering")
        tree = descendants(proc.pid)
        # Chromium's own process: the one whose parent is not Chromium (Playwright's driver).
        (browser,) = [pid for pid, name in tree.items()
                      if _chromium(name) and not _chromium(tree.get(parent(pid) or 0, ""))]  # fmt: skip
        os.kill(browser, signal.SIGKILL)
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    clean(err)
    doc = json.loads(out.read_text())
    assert doc["scan"]["status"] == "completed"
    stored = pages(doc)
    failed = found(doc)["render-failed"]
    assert failed  # the pages after the crash
    for page in site:
        if page.path in failed:
            message = issue(doc, "render-failed", page.path)["message"]
            assert "the browser quit during the scan" in message
            assert stored[page.path]["title"] == "Loading"  # the raw HTML, judged as it is
        else:
            assert stored[page.path]["title"] == page.title  # rendered before the crash
    stats = crawl_stats(doc)
    assert stats["render_failed"] == len(failed) and stats["rendered"] == len(stored)
