"""Progress in CI logs: when stderr is not a terminal, `seolog scan` prints a plain line every
10 s (SEOLOG_PROGRESS_INTERVAL), and a last line when the crawl ends; nothing with -q."""

from __future__ import annotations

import io
import re
import subprocess
import sys

from seolog.cli.render import PlainProgress
from seolog.crawl.stats import CrawlStats
from seolog.errors import ExitCode

NUMBERS = r"(\d+) pages?, (\d+) queued, (\d+\.\d) pages/s, (\d+) HTTP errors?, \S+ elapsed"
LINE = re.compile(rf"^seolog: crawling: {NUMBERS}$")
LAST = re.compile(rf"^seolog: crawl ended: {NUMBERS}$")


def _site(server, pages: int = 12) -> None:
    links = "".join(f'<a href="/p{i}">page {i}</a>' for i in range(pages))
    server.page("/", "Home", links)
    for i in range(pages):
        if i != 3:  # /p3 answers 404: one error
            server.page(f"/p{i}", f"Page {i}", "<p>text</p>")


def _scan(server, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "seolog", *extra, "scan", server.url(), "--no-sitemaps"],
        env=env,
        capture_output=True,  # stderr is a pipe, as in a CI log
        text=True,
        timeout=120,
    )


def test_a_scan_logs_plain_progress_lines_and_a_last_line_when_stderr_is_a_log(server, seolog_env):
    _site(server)
    run = _scan(server, {**seolog_env, "SEOLOG_PROGRESS_INTERVAL": "0"})
    assert run.returncode == 0, run.stderr
    lines = run.stderr.splitlines()
    progress = [line for line in lines if LINE.match(line)]
    last = [line for line in lines if LAST.match(line)]
    assert progress, run.stderr  # interval 0: a line per update
    assert len(last) == 1, run.stderr
    # No live-bar debris in a log: no carriage returns, no escape sequences.
    assert "\r" not in run.stderr and "\x1b" not in run.stderr
    # The last line counts the whole crawl: 13 pages, one of them a 404, nothing left queued.
    match = LAST.match(last[0])
    assert match is not None
    pages, queued, _rate, errors = (match.group(i) for i in range(1, 5))
    assert (pages, queued, errors) == ("13", "0", "1")
    # Page counts never go down from one line to the next.
    counts = [int(LINE.match(line).group(1)) for line in progress]  # type: ignore[union-attr]
    assert counts == sorted(counts) and counts[-1] <= 13


def test_by_default_a_short_scan_logs_only_the_last_line(server, seolog_env):
    """Every 10 s: a scan shorter than that says nothing until its last line."""
    _site(server, pages=2)
    env = {k: v for k, v in seolog_env.items() if k != "SEOLOG_PROGRESS_INTERVAL"}
    run = _scan(server, {**env, "SEOLOG_PROGRESS_INTERVAL": "3600"})
    assert run.returncode == 0, run.stderr
    assert not [line for line in run.stderr.splitlines() if LINE.match(line)]
    assert [line for line in run.stderr.splitlines() if LAST.match(line)]


def test_quiet_logs_no_progress(server, seolog_env):
    _site(server, pages=2)
    run = _scan(server, {**seolog_env, "SEOLOG_PROGRESS_INTERVAL": "0"}, "-q")
    assert run.returncode == 0 and run.stderr == ""


def test_a_bad_interval_is_one_line_naming_the_variable(server, seolog_env):
    server.page("/")
    run = _scan(server, {**seolog_env, "SEOLOG_PROGRESS_INTERVAL": "soon"})
    assert run.returncode == ExitCode.CONFIG
    assert "SEOLOG_PROGRESS_INTERVAL='soon' is not a number of seconds" in run.stderr
    assert "Traceback" not in run.stderr


def test_lines_follow_the_clock_not_the_updates():
    """Driven by a fake clock: a line only once the interval has passed, whatever the number of
    updates in between; then the last line with the final numbers."""
    now = [100.0]
    stream = io.StringIO()
    plain = PlainProgress(stream, interval=10, clock=lambda: now[0])
    stats = CrawlStats()
    for second in range(25):  # an update every second for 25 s
        now[0] = 100.0 + second
        stats.pages, stats.queued, stats.errors, stats.elapsed = second * 4, 50 - second, 1, second
        plain(stats)
    plain.finish()
    lines = stream.getvalue().splitlines()
    assert lines == [
        "seolog: crawling: 40 pages, 40 queued, 4.0 pages/s, 1 HTTP error, 10.0s elapsed",
        "seolog: crawling: 80 pages, 30 queued, 4.0 pages/s, 1 HTTP error, 20.0s elapsed",
        "seolog: crawl ended: 96 pages, 26 queued, 4.0 pages/s, 1 HTTP error, 24.0s elapsed",
    ]


def test_no_update_no_last_line():
    stream = io.StringIO()
    PlainProgress(stream, interval=0).finish()
    assert stream.getvalue() == ""
