"""Faults halfway through a push: nothing lost, nothing sent twice, and the next run carries on."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import Cli, interruptible
from tests.sync.conftest import Shop

PAGES = 5


@pytest.fixture(autouse=True)
def _quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEOLOG_SYNC_BACKOFF", "0.01")


def _status(cli: Cli) -> dict[str, Any]:
    [row] = cli("sync", "status", "shop", "--format", "json").json()
    return dict(row)


def _all_there(shop: Shop) -> None:
    """Every page once, each with its SEO data: the end state of any push, faults or not."""
    pages = shop.platform.pages_of(shop.remote)
    assert len(pages) == PAGES
    assert shop.platform.state.creations == PAGES  # never created twice
    for page in pages.values():
        assert shop.platform.seo_of(page["page_id"]) is not None, page["url"]


def _counts(stderr: str) -> tuple[int, int]:
    """(sent, still queued) from the one-line error of a push that stopped."""
    m = re.search(r"(\d+) pages sent, (\d+) still queued", stderr)
    assert m, stderr
    return int(m.group(1)), int(m.group(2))


@pytest.mark.parametrize("concurrency", ["1", "4"])
def test_a_failing_platform_leaves_the_rest_queued(
    logged_in: Shop, cli: Cli, concurrency: str
) -> None:
    # Every request meets a 500, on every try (1 + 3 retries): pages failing one after another,
    # none sent in between, are an outage, not pages to set aside.
    logged_in.platform.fault("/api/v1/", "status", times=10**6)
    r = cli("sync", "push", "shop", "--concurrency", concurrency)
    assert r.exit_code == 6
    assert "HTTP 500: an HTML error page (Server Error (500))" in r.stderr
    assert "run `seolog sync retry shop` once the platform is back" in r.stderr
    assert _counts(r.stderr) == (0, PAGES)
    status = _status(cli)
    assert (status["pending"], status["sent"], status["failed"]) == (PAGES, 0, 0)
    assert "HTTP 500" in status["last_error"]
    assert logged_in.platform.pages_of(logged_in.remote) == {}
    logged_in.platform.state.faults.clear()  # the platform is back

    again = cli("sync", "retry", "shop", "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert again.json()["created"] == PAGES
    _all_there(logged_in)
    status = _status(cli)
    assert (status["pending"], status["sent"], status["last_error"]) == (0, PAGES, None)


def test_a_half_sent_page_continues_at_its_seo_data(logged_in: Shop, cli: Cli) -> None:
    # The SEO data of the first three pages fails through every try: an outage.
    logged_in.platform.fault("/seo-data/", "status", times=12)
    r = cli("sync", "push", "shop", "--concurrency", "1")
    assert r.exit_code == 6 and _counts(r.stderr) == (0, PAGES)
    page_syncs = len(logged_in.platform.calls("/pages/sync/"))
    assert page_syncs == 3
    assert cli("sync", "retry", "shop", "--concurrency", "1").exit_code == 0
    # The half-sent pages' page ids were kept: only the two others were synced as pages.
    assert len(logged_in.platform.calls("/pages/sync/")) == page_syncs + PAGES - 3
    _all_there(logged_in)


def test_429_waits_for_retry_after(logged_in: Shop, cli: Cli) -> None:
    logged_in.platform.json_fault(
        "/pages/sync/",
        429,
        {"detail": "Request was throttled. Expected available in 1 second."},
        retry_after="1",
        skip=1,
    )
    r = cli("sync", "push", "shop")
    assert r.exit_code == 0, r.stderr
    _all_there(logged_in)
    syncs = logged_in.platform.calls("/pages/sync/")
    limited = next(c for c in syncs if c.status == 429)
    retried = next(c for c in syncs if c.body == limited.body and c.at > limited.at)
    assert retried.status == 201
    assert retried.at - limited.at >= 0.9  # after Retry-After, not the (0.01 s) backoff


def test_a_long_retry_after_stops_instead_of_hanging(logged_in: Shop, cli: Cli) -> None:
    logged_in.platform.fault(
        "/pages/sync/", "status", status=503, body="", retry_after="3600", skip=3, times=1
    )
    r = cli("sync", "push", "shop")
    assert r.exit_code == 6
    assert "asked us to slow down (HTTP 503)" in r.stderr
    _sent, queued = _counts(r.stderr)
    assert queued >= 1 and _status(cli)["pending"] == queued
    assert cli("sync", "retry", "shop").exit_code == 0
    _all_there(logged_in)


@pytest.mark.parametrize("kind", ["drop-before", "drop-after"])
def test_a_dropped_connection_is_retried_without_duplicates(
    logged_in: Shop, cli: Cli, kind: str
) -> None:
    # drop-after: the platform stored the page, but the answer never came back.
    logged_in.platform.fault("/pages/sync/", kind, skip=1, times=1)
    logged_in.platform.fault("/seo-data/", kind, skip=3, times=1)
    r = cli("sync", "push", "shop")
    assert r.exit_code == 0, r.stderr
    _all_there(logged_in)


def test_a_slow_answer_times_out_and_is_retried(logged_in: Shop, cli: Cli) -> None:
    logged_in.platform.fault("/seo-data/", "slow", delay=2.5, skip=1, times=1)
    r = cli("sync", "push", "shop", "--timeout", "1")
    assert r.exit_code == 0, r.stderr
    _all_there(logged_in)


def test_a_revoked_key_stops_at_once(logged_in: Shop, cli: Cli) -> None:
    logged_in.platform.json_fault(
        "/pages/sync/", 401, {"detail": "Invalid API key."}, skip=2, times=100
    )
    r = cli("sync", "push", "shop", "--concurrency", "1")
    assert r.exit_code == 6
    assert "rejected the API key" in r.stderr and "Invalid API key." in r.stderr
    assert "seolog auth login" in r.stderr
    # No retry of a rejected key, and no further page tried.
    assert [c.status for c in logged_in.platform.calls("/pages/sync/")] == [201, 201, 401]
    assert _status(cli)["pending"] == 3


def test_a_refused_page_is_set_aside_and_the_rest_sent(logged_in: Shop, cli: Cli) -> None:
    logged_in.platform.json_fault(
        "/pages/sync/",
        400,
        {"title": ["Ensure this field has no more than 500 characters."]},
        skip=1,
    )
    r = cli("sync", "push", "shop", "--format", "json")
    assert r.exit_code == 6
    assert r.json()["created"] == 4 and r.json()["failed"] == 1
    assert "1 page of shop failed on the platform and was set aside" in r.stderr
    status = _status(cli)
    assert (status["failed"], status["pending"]) == (1, 0)
    assert (
        status["last_error"]
        == "HTTP 400: title: Ensure this field has no more than 500 characters."
    )
    table = cli("sync", "status")
    assert "HTTP 400: title: Ensure this field" in " ".join(table.stdout.split())
    again = cli("sync", "retry", "shop")
    assert again.exit_code == 0, again.stderr
    _all_there(logged_in)


def test_a_page_deleted_on_the_platform_is_sent_again(logged_in: Shop, cli: Cli) -> None:
    logged_in.platform.fault("/seo-data/", "status", times=12)  # three pages: half sent
    assert cli("sync", "push", "shop", "--concurrency", "1").exit_code == 6
    state = logged_in.platform.state
    (first_key, first), *_ = list(state.pages.items())
    logged_in.platform.delete_page(logged_in.remote, first["wp_post_id"])
    r = cli("sync", "retry", "shop", "--concurrency", "1")
    assert r.exit_code == 0, r.stderr
    _all_there(logged_in)
    assert state.pages[first_key]["page_id"] != first["page_id"]
    assert [c.status for c in logged_in.platform.calls(f"/pages/{first['page_id']}/")][-1] == 404


def _push_process(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "seolog", "sync", "push", "shop"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=interruptible,
    )


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_or_interrupted_push_resumes_without_duplicates(
    logged_in: Shop, cli: Cli, seolog_env: dict[str, str], how: signal.Signals
) -> None:
    platform = logged_in.platform
    platform.fault("/seo-data/", "hang", skip=2, times=1)  # the third page hangs halfway
    proc = _push_process({**seolog_env, **{k: v for k, v in os.environ.items() if "KEYRING" in k}})
    try:
        assert platform.hung.wait(60), proc.stderr.read() if proc.stderr else ""
        proc.send_signal(how)
        _, err = proc.communicate(timeout=60)
    finally:
        platform.release.set()
        if proc.poll() is None:
            proc.kill()
    queued = _status(cli)["pending"]
    assert queued >= 1  # at least the page that hung
    if how == signal.SIGINT:
        assert proc.returncode == 130, err
        assert "sync interrupted: " in err.decode() and b"seolog sync push shop" in err
        sent, still = _counts(err.decode())
        # What the line says matches the store (a Ctrl-C mid-commit may under-count the sent).
        assert still == queued and sent <= PAGES - queued
    else:
        assert proc.returncode == -signal.SIGKILL
    r = cli("sync", "push", "shop", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["remaining"] == 0
    _all_there(logged_in)


def test_two_pushes_at_once_send_each_page_once(
    logged_in: Shop, cli: Cli, seolog_env: dict[str, str]
) -> None:
    """Two consultants (or a cron push and a manual one) pushing one site at the same time: the
    second waits for the first, then finds nothing left to send."""
    logged_in.platform.fault("/seo-data/", "slow", delay=0.3, times=PAGES)
    env = {**seolog_env, **{k: v for k, v in os.environ.items() if "KEYRING" in k}}
    procs = [_push_process(env) for _ in range(2)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    _all_there(logged_in)
    assert len(logged_in.platform.calls("/pages/sync/")) == PAGES


def test_queued_pages_outlive_their_scan_being_deleted(logged_in: Shop, cli: Cli, db: Any) -> None:
    # an outage: after the first page, three pages fail through their retries (12 requests) and
    # the first page fails too when sent once more to tell bad pages from an outage
    logged_in.platform.fault("/pages/sync/", "status", skip=1, times=13)
    r = cli("sync", "push", "shop", "--concurrency", "1")
    assert r.exit_code == 6
    _sent, queued = _counts(r.stderr)
    assert cli("scans", "delete", str(logged_in.scan_id), "--yes").exit_code == 0
    assert db("SELECT count(*) FROM sync_outbox WHERE scan_id IS NULL")[0][0] == queued
    assert db("SELECT count(*) FROM sync_outbox WHERE state = 'sent'")[0][0] == 0
    assert _status(cli)["pending"] == queued
    assert cli("sync", "retry", "shop").exit_code == 0
    _all_there(logged_in)


@pytest.mark.sqlite_only
def test_status_answers_while_another_connection_holds_the_write_lock(
    logged_in: Shop, cli: Cli, store_url: str
) -> None:
    """A push interrupted mid-transaction (or one still writing) holds SQLite's write lock; the
    counts it reports on its way out, and `sync status` beside it, only read and must not wait
    for that lock nor fail with "database is locked"."""
    import sqlite3

    assert cli("sync", "push", "shop", "--concurrency", "1").exit_code == 0
    writer = sqlite3.connect(store_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE sync_outbox SET state = 'pending'")  # not committed
        r = cli("sync", "status", "shop", "--format", "json")
        assert r.exit_code == 0, r.stderr
        [row] = r.json()
        assert (row["pending"], row["sent"]) == (0, PAGES)  # the last commit, not the write
    finally:
        writer.rollback()
        writer.close()
