"""The lab runner with the real Lighthouse in the real Chromium, on pages served on 127.0.0.1.

Two pages: a clean one (fast, accessible, complete head) and one made slow and inaccessible on
purpose (a late document, a render-blocking script that keeps the main thread busy, images
without alt, low-contrast text, no lang, nameless buttons and links). Three Lighthouse runs,
one after another (runs side by side distort each other's performance scores): both pages on
mobile, the clean one on desktop. Then one run cut short by its timeout, to show it leaves no
browser process behind. Nothing here asserts wall-clock speed.

.ci/run installs Debian's chromium and lighthouse@12.2.3 (npm, in ~/.cache/seolog-ci/lighthouse)
and exports SEOLOG_TEST_LIGHTHOUSE; without them the module is skipped.
"""

from __future__ import annotations

import base64
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from seolog.lab.lighthouse import LabResult, find_lighthouse, lighthouse_version, run_lighthouse
from tests.lighthouse_tools import (
    CHROME,
    LIGHTHOUSE,
    LIGHTHOUSE_VERSION,
    skip_without_lighthouse,
)
from tests.server import FixtureServer, Response

skip_without_lighthouse()

pytestmark = [
    pytest.mark.store_agnostic,  # no store at all; the PostgreSQL run skips it
    pytest.mark.timeout(900),  # the first test waits for three Lighthouse runs
]

RUN_TIMEOUT_S = 240  # one run takes 10-30 s here; generous so a busy machine does not fail it
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PROSE = (
    "Our garden spades are forged from one piece of boron steel, fitted with seasoned ash "
    "handles, and tested on heavy clay before they leave the workshop in Sheffield. "
) * 3

CLEAN = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Garden spades, forged and tested | Acme Tools</title>
<meta name="description" content="Forged steel garden spades with ash handles, tested on heavy
clay and sold with a lifetime guarantee.">
<link rel="icon" href="data:,">
<style>body{{font:18px/1.6 sans-serif;color:#1a1a1a;background:#fff;max-width:40em;
margin:0 auto;padding:1em}} a{{color:#0645ad}}</style>
</head><body><main>
<h1>Garden spades</h1><p>{PROSE}</p>
<p><img src="/pixel.png" alt="A forged garden spade" width="1" height="1"></p>
<p><a href="/">All our garden tools</a></p>
</main></body></html>"""

# Busy for 1.5 s before the page can render: Lighthouse's simulated mobile CPU makes it longer.
BLOCKING_SCRIPT = "var t = Date.now(); while (Date.now() - t < 1500) {}"
BAD = f"""<!doctype html>
<html><head><meta charset="utf-8">
<script src="/block.js"></script>
<style>body{{color:#ccc;background:#fff;font-size:11px}}</style>
</head><body>
<div>Garden spades</div><p>{PROSE}</p>
<img src="/pixel.png" width="300" height="300"><img src="/pixel.png?2">
<button></button><button><img src="/pixel.png?3"></button>
<a href="/"></a><a href="/"><img src="/pixel.png?4"></a>
</body></html>"""


@dataclass(frozen=True)
class Runs:
    clean: LabResult
    bad: LabResult
    clean_desktop: LabResult
    version: str
    seconds: dict[str, float]


def _serve(server: FixtureServer) -> None:
    server.routes["/clean"] = Response(body=CLEAN)
    server.routes["/bad"] = Response(body=BAD, delay=1.2)  # a slow server answer
    server.routes["/block.js"] = Response(body=BLOCKING_SCRIPT, content_type="text/javascript")
    for query in ("", "?2", "?3", "?4"):
        server.routes["/pixel.png" + query] = Response(body=PIXEL, content_type="image/png")


@pytest.fixture(scope="module")
def server() -> Iterator[FixtureServer]:
    server = FixtureServer()
    _serve(server)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def cmd() -> list[str]:
    return find_lighthouse(LIGHTHOUSE)


@pytest.fixture(scope="module")
def runs(server: FixtureServer, cmd: list[str]) -> Runs:
    """The three runs, one at a time."""
    seconds: dict[str, float] = {}
    results: dict[str, LabResult] = {}
    for name, path, form_factor in (
        ("clean", "/clean", "mobile"),
        ("bad", "/bad", "mobile"),
        ("clean_desktop", "/clean", "desktop"),
    ):
        started = time.monotonic()
        results[name] = run_lighthouse(
            server.url(path),
            cmd=cmd,
            chrome_path=CHROME,
            form_factor=form_factor,  # type: ignore[arg-type]
            timeout_s=RUN_TIMEOUT_S,
        )
        seconds[name] = round(time.monotonic() - started, 1)
    for name, result in results.items():  # shown with -s, and in the report of a failure
        print(f"\n{name} ({seconds[name]} s): {result.to_dict()}")
    return Runs(**results, version=lighthouse_version(cmd), seconds=seconds)


def _all(runs: Runs) -> list[LabResult]:
    return [runs.clean, runs.bad, runs.clean_desktop]


def test_every_run_has_four_scores_and_five_metrics(runs: Runs) -> None:
    for result in _all(runs):
        assert result.error is None, result
        scores = result.to_dict()["scores"]
        assert all(isinstance(s, int) and 0 <= s <= 100 for s in scores.values()), result
        metrics = result.to_dict()["metrics"]
        assert all(isinstance(m, float) and m >= 0 for m in metrics.values()), result


def test_the_bad_page_scores_lower_on_performance_and_accessibility(runs: Runs) -> None:
    clean, bad = runs.clean, runs.bad
    assert clean.performance is not None and bad.performance is not None
    assert clean.accessibility is not None and bad.accessibility is not None
    assert bad.performance < clean.performance, (clean, bad)
    assert bad.accessibility < clean.accessibility, (clean, bad)
    # The late document and the script that blocks rendering hold back the first paint. (Not
    # blocking time: a task before the first paint does not count towards TBT.)
    assert bad.fcp_ms is not None and clean.fcp_ms is not None
    assert bad.fcp_ms > clean.fcp_ms


def test_version_form_factor_and_urls_are_recorded(runs: Runs, server: FixtureServer) -> None:
    assert runs.version == LIGHTHOUSE_VERSION
    for result in _all(runs):
        assert result.lighthouse_version == runs.version
    assert (runs.clean.form_factor, runs.bad.form_factor) == ("mobile", "mobile")
    assert runs.clean_desktop.form_factor == "desktop"
    assert runs.clean.url == runs.clean.final_url == server.url("/clean")
    assert runs.clean_desktop.url == server.url("/clean")


def test_a_real_result_survives_its_json_record(runs: Runs) -> None:
    for result in _all(runs):
        assert LabResult.from_dict(result.to_dict()) == result


# --- a run cut short --------------------------------------------------------------------------


def _tagged(tag: str) -> dict[int, str]:
    """Live processes whose environment holds `tag`: every process a run started inherits its
    TMPDIR, even one that left its parent's session (Chromium) or daemonised (crashpad)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if tag.encode() not in (entry / "environ").read_bytes():
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (entry / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
        except (OSError, IndexError):
            continue  # gone meanwhile
        if state not in ("Z", "X"):  # a zombie is dead, waiting for a parent to reap it
            found[int(entry.name)] = command
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_timeout_leaves_no_browser_process(
    runs: Runs,  # after the measured runs, never beside them
    cmd: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = FixtureServer()
    server.routes["/never"] = Response(body=CLEAN, delay=120)  # the document never comes
    server.start()
    # The run's scratch folder goes in `tag`, and is its TMPDIR. Not in tmp_path: a path that
    # long leaves no room for Chromium's socket address below it (run_lighthouse then uses /tmp).
    tag = tempfile.mkdtemp(prefix="sl-", dir="/tmp")
    monkeypatch.setattr(tempfile, "tempdir", tag)
    seen: dict[int, str] = {}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.update(_tagged(tag))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        result = run_lighthouse(server.url("/never"), cmd=cmd, chrome_path=CHROME, timeout_s=10)
    finally:
        done.set()
        watcher.join()
        server.stop()
    assert result.error == "Lighthouse did not finish within 10 s"
    assert result.performance is None and result.lighthouse_version is None
    assert any("chrom" in command for command in seen.values()), f"no browser started: {seen}"
    # Everything was SIGKILLed before run_lighthouse returned; a crashpad handler (not the
    # browser) exits on its own once its browser is gone, so it gets a moment.
    assert {p: c for p, c in _tagged(tag).items() if "crashpad" not in c} == {}
    deadline = time.monotonic() + 5
    while _tagged(tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _tagged(tag) == {}
    assert os.listdir(tag) == []  # the scratch folder (Chromium's profile) is gone too
    os.rmdir(tag)
