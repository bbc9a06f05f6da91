"""A site's history like for like (issue 16): the trend and the period a report compares skip
partial scans and scans of another scope, and a site's first period compares its first and last
scan in it, as `scans diff` does."""

from __future__ import annotations

from datetime import timedelta

from seolog.context import AppContext
from seolog.services.diff import compare
from seolog.services.history import comparable_history, period_scans
from seolog.services.results import scan_document
from seolog.storage import repo
from seolog.storage.db import session_scope
from tests.cli.test_comparable_scans import _site
from tests.server import FixtureServer


def _history(cli, server: FixtureServer) -> None:
    """Scans 1 (complete), 2 (a 2-page test: partial), 3 (another threshold), 4 (complete,
    after the broken links were fixed)."""
    _site(server)
    for flags in ((), ("--max-pages", "2"), ("--threshold", "title_min_chars=1")):
        assert cli("scan", server.url(), "--no-sitemaps", *flags).exit_code == 0
    _site(server, broken=False)
    assert cli("scan", server.url(), "--no-sitemaps").exit_code == 0


def _completed(ctx: AppContext, scan_id: int):
    with session_scope(ctx.engine) as session:
        scan = repo.scan_by_id(session, scan_id)
        assert scan is not None and scan.completed_at is not None
        return scan.completed_at, scan.site_id


def test_the_trend_shows_only_complete_scans_of_the_same_scope(cli, server, store_url):
    _history(cli, server)
    ctx = AppContext(db_url=store_url)
    assert [p["id"] for p in comparable_history(ctx, 4)] == [1, 4]
    assert [p["id"] for p in comparable_history(ctx, 3)] == [3]  # its own scope: alone
    assert [p["id"] for p in comparable_history(ctx, 2)] == [2]  # partial: alone


def test_a_period_compares_the_last_comparable_scan_before_it(cli, server, store_url):
    _history(cli, server)
    ctx = AppContext(db_url=store_url)
    after_2, site = _completed(ctx, 2)
    end, _site_id = _completed(ctx, 4)
    pair = period_scans(ctx, site, after_2 + timedelta(microseconds=1), end)
    assert (pair.before, pair.after) == (1, 4)  # not 2 (partial) nor 3 (other thresholds)


def test_a_first_period_compares_its_first_and_last_scan_as_scans_diff_does(cli, server, store_url):
    _history(cli, server)
    ctx = AppContext(db_url=store_url)
    start, site = _completed(ctx, 1)
    end, _site_id = _completed(ctx, 4)
    pair = period_scans(ctx, site, start - timedelta(days=1), end)
    assert (pair.before, pair.after) == (1, 4)
    fixed = compare(scan_document(ctx, 1), scan_document(ctx, 4)).fixed
    diffed = cli("scans", "diff", "1", "4", "--format", "json").json()["issues"]["fixed"]
    assert fixed and fixed == diffed
    # A period before any scan compares nothing; one with only the partial scan says why.
    empty = period_scans(ctx, site, start - timedelta(days=1), start - timedelta(hours=1))
    assert (empty.before, empty.after, empty.note) == (None, None, None)
    after_2, _site_id = _completed(ctx, 2)
    lone = period_scans(ctx, site, start + timedelta(microseconds=1), after_2)
    assert (lone.before, lone.after) == (None, None)
    assert lone.note == "not compared: scan 2 stopped at --max-pages 2"
