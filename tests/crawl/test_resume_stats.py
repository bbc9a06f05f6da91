"""A resumed scan's statistics are the totals of every run: an interrupted crawl stores what it
counted, and the resumed run adds to it, so pages, requests, errors and time agree. Before, the
interrupted run's counts were never stored and the resumed run's alone were shown beside the
pages of both (a rate of pages per second that no run achieved)."""

from __future__ import annotations

import signal

from seolog.crawl.stats import CrawlStats
from seolog.errors import ExitCode
from tests.crawl.test_interrupt_resume import TOTAL, _resume_to_the_end, _start_scan
from tests.server import FixtureServer


def _crawl(cli) -> dict:
    return cli("scans", "show", "1", "--format", "json").json()["summary"]["crawl"]


def test_a_resumed_scan_counts_both_runs(server: FixtureServer, seolog_env, cli) -> None:
    proc = _start_scan(server, seolog_env)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == ExitCode.INTERRUPTED, err

    first = _crawl(cli)  # stored at the interruption, no longer lost
    assert first["runs"] == 1
    assert 0 < first["pages"] < TOTAL and first["requests"] > 0 and first["elapsed_s"] > 0
    requests_before = len(server.requests)

    _resume_to_the_end(seolog_env)
    second_run_requests = len(server.requests) - requests_before

    total = _crawl(cli)
    assert total["runs"] == 2
    assert total["pages"] == TOTAL  # every page, stored once
    # Requests are the first run's plus every request the server saw from the second.
    assert total["requests"] == first["requests"] + second_run_requests
    assert total["errors"] >= first["errors"]
    assert total["bytes"] > first["bytes"]
    assert total["elapsed_s"] > first["elapsed_s"]
    # The rate is pages over the time of both runs: one consistent set of numbers.
    assert abs(total["pages_per_s"] - total["pages"] / total["elapsed_s"]) < 0.11
    assert sum(total["status"].values()) >= sum(first["status"].values())
    assert any("crawled in 2 runs" in note for note in total["notes"])
    shown = cli("scans", "show", "1")
    assert "crawled in 2 runs (resumed)" in shown.stdout + shown.stderr


def test_stats_add_up_run_by_run() -> None:
    first = CrawlStats(pages=10, html_pages=9, errors=1, requests=12, bytes=1000, elapsed=2.0)
    first.status.update({"200": 9, "404": 1})
    second = CrawlStats(pages=25, html_pages=15, errors=2, requests=16, bytes=3000, elapsed=3.0)
    second.status.update({"200": 13, "500": 2})
    total = second.after(first)
    assert (total.pages, total.html_pages, total.errors) == (25, 24, 3)
    assert (total.requests, total.bytes, total.elapsed, total.runs) == (28, 4000, 5.0, 2)
    assert total.status == {"200": 22, "404": 1, "500": 2}
    assert total.rate == 5.0
    again = CrawlStats(pages=30, requests=2, elapsed=1.0).after(total)
    assert again.runs == 3 and again.requests == 30
    assert [n for n in again.notes if n.startswith("crawled in")] == [
        "crawled in 3 runs (resumed): counts and time are the totals of all runs"
    ]
    assert CrawlStats.from_dict(again.to_dict()).runs == 3
    assert CrawlStats.from_dict({}).runs == 1  # a scan stored before runs were counted
    assert second.after(None) is second
