"""What was sent is kept per platform site: the one the key opens (`/auth/verify/`).

One API serves many platform sites, and each key opens one. A key for another platform site
starts a history of its own: the scan goes there in full, and `sync status` never counts there
what went elsewhere. `--force` says what it will update and create before it sends.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli
from tests.sync.conftest import Shop

PAGES = 5


pytestmark = pytest.mark.usefixtures("no_backoff")


def _status(cli: Cli) -> dict[int | None, dict[str, Any]]:
    """`sync status` rows by platform site."""
    rows = cli("sync", "status", "shop", "--format", "json").json()
    return {row["platform_site_id"]: row for row in rows}


def _push(cli: Cli, *args: str) -> Any:
    return cli("sync", "push", "shop", *args)


def test_a_key_for_another_platform_site_starts_a_fresh_history(
    logged_in: Shop, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform, a = logged_in.platform, logged_in.remote
    assert _push(cli).exit_code == 0
    assert len(platform.pages_of(a)) == PAGES

    # The same seolog site and API, a key for another platform site (from the environment).
    key_b, b = platform.add_site("Shop staging", logged_in.url())
    monkeypatch.setenv("SEOLOG_API_KEY", key_b)
    r = _push(cli, "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert (doc["already_sent"], doc["created"], doc["platform_site_id"]) == (False, PAGES, b.id)
    assert len(platform.pages_of(b)) == PAGES
    # The same post ids on both: they are the page's identity, whichever platform site.
    assert set(platform.pages_of(b)) == set(platform.pages_of(a))

    # Status: one row per platform site, each with what it got.
    status = _status(cli)
    assert set(status) == {a.id, b.id}
    for site in (a, b):
        assert (status[site.id]["sent"], status[site.id]["platform_pages"]) == (PAGES, PAGES)
    assert status[a.id]["platform_site_name"] == "Shop"  # as the login recorded it
    table = cli("sync", "status", "shop")
    assert "Shop (1)" in table.stdout and "2" in table.stdout

    # Now sent there too: nothing to send, and --force promises only updates.
    again = _push(cli)
    assert again.exit_code == 0
    assert f"(platform site {b.id}) before" in again.stderr
    assert "--force sends it again: 5 pages update, 0 are new." in again.stderr

    # Back to key A: --force says what it will do before it sends, and keeps its word.
    monkeypatch.delenv("SEOLOG_API_KEY")
    creations = platform.state.creations
    forced = _push(cli, "--force")
    assert forced.exit_code == 0, forced.stderr
    lines = forced.stderr.splitlines()
    assert lines[0] == f"Sending scan {logged_in.scan_id} again: 5 pages update, 0 are new."
    assert "5 pages sent (0 new, 5 updated)" in forced.stderr
    assert platform.state.creations == creations


def test_status_never_counts_pages_a_platform_site_has_not_got(
    logged_in: Shop, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _push(cli).exit_code == 0
    key_b, b = logged_in.platform.add_site("Elsewhere", "https://elsewhere.test")
    monkeypatch.setenv("SEOLOG_API_KEY", key_b)
    # The platform site B refuses every page: none reaches it.
    logged_in.platform.json_fault("/pages/sync/", 400, {"url": ["Enter a valid URL."]}, times=10**6)
    r = _push(cli, "--format", "json")
    assert r.exit_code == 6
    assert (r.json()["created"], r.json()["failed"]) == (0, PAGES)
    status = _status(cli)
    assert (status[b.id]["platform_pages"], status[b.id]["failed"]) == (0, PAGES)
    assert status[logged_in.remote.id]["platform_pages"] == PAGES


def test_a_forced_push_counts_pages_new_to_the_platform_site(logged_in: Shop, cli: Cli) -> None:
    assert _push(cli).exit_code == 0
    deleted = next(iter(logged_in.platform.pages_of(logged_in.remote)))
    logged_in.platform.delete_page(logged_in.remote, deleted)
    # seolog cannot know of a page deleted on the dashboard: it counts by what it sent.
    forced = _push(cli, "--force")
    assert forced.exit_code == 0
    assert "again: 5 pages update, 0 are new." in forced.stderr
    assert "5 pages sent (1 new, 4 updated)" in forced.stderr


def test_a_page_whose_seo_data_was_refused_is_on_the_platform(logged_in: Shop, cli: Cli) -> None:
    platform = logged_in.platform
    platform.json_fault(
        "/seo-data/", 400, {"schema_type": ["Ensure this field has no more than 100 characters."]}
    )
    r = _push(cli, "--concurrency", "1", "--format", "json")
    assert r.exit_code == 6
    assert (r.json()["failed"], r.json()["failed_total"]) == (1, 1)
    assert len(platform.pages_of(logged_in.remote)) == PAGES  # the page is there
    [row] = _status(cli).values()
    assert (row["sent"], row["failed"], row["platform_pages"]) == (PAGES - 1, 1, PAGES)
    assert row["last_error"].startswith("HTTP 400: schema_type")

    # `sync retry` sends it again from its SEO data: the page itself is not sent again.
    pages_before = len(platform.calls("/pages/sync/"))
    seo_before = len(platform.calls("/seo-data/"))
    retried = cli("sync", "retry", "shop", "--format", "json")
    assert retried.exit_code == 0, retried.stderr
    assert len(platform.calls("/pages/sync/")) == pages_before
    assert len(platform.calls("/seo-data/")) == seo_before + 1
    [row] = _status(cli).values()
    assert (row["sent"], row["failed"], row["platform_pages"]) == (PAGES, 0, PAGES)


def test_an_environment_key_with_the_platform_down_queues_nothing(
    shop: Shop, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEOLOG_API_KEY", shop.key)
    monkeypatch.setenv("SEOLOG_API_URL", shop.platform.api_url)
    shop.platform.stop()
    r = _push(cli)
    assert r.exit_code == 6
    assert "nothing was queued" in r.stderr and "once the platform is back" in r.stderr
    assert cli("sync", "status", "shop", "--format", "json").json() == []


def test_pages_queued_before_the_platform_site_was_recorded_are_sent(
    shop: Shop, cli: Cli, monkeypatch: pytest.MonkeyPatch, sql: Any
) -> None:
    # A CI job pushed with a key in the environment only, and one page was refused: no login
    # recorded which platform site the key opens, so migration 0009 leaves its rows unkeyed.
    monkeypatch.setenv("SEOLOG_API_KEY", shop.key)
    monkeypatch.setenv("SEOLOG_API_URL", shop.platform.api_url)
    shop.platform.json_fault("/pages/sync/", 400, {"title": ["Too long."]})
    assert _push(cli, "--concurrency", "1").exit_code == 6
    for table in ("sync_outbox", "sync_pages"):
        sql(f"UPDATE {table} SET platform_site_id = NULL")
    assert set(_status(cli)) == {None}

    # The next run's key opens a platform site: the page still to send is its to send. Which
    # platform site got the others is not known, so none is said to hold them.
    retried = cli("sync", "retry", "shop", "--format", "json")
    assert retried.exit_code == 0, retried.stderr
    assert (retried.json()["created"], retried.json()["failed_total"]) == (1, 0)
    status = _status(cli)
    assert set(status) == {None, shop.remote.id}
    assert (status[None]["sent"], status[None]["failed"]) == (PAGES - 1, 0)
    mine = status[shop.remote.id]
    assert (mine["sent"], mine["failed"], mine["platform_pages"]) == (1, 0, 1)
    assert len(shop.platform.pages_of(shop.remote)) == PAGES


def test_unkeyed_rows_beside_the_platform_sites_own_give_way(
    shop: Shop, cli: Cli, monkeypatch: pytest.MonkeyPatch, sql: Any
) -> None:
    # The same scan queued twice: once unkeyed (an older seolog), once for the platform site.
    monkeypatch.setenv("SEOLOG_API_KEY", shop.key)
    monkeypatch.setenv("SEOLOG_API_URL", shop.platform.api_url)
    assert _push(cli).exit_code == 0
    sql(
        "INSERT INTO sync_outbox (site_id, api_url, platform_site_id, scan_id, url, wp_post_id, "
        "page, seo_data, state, attempts, created_at, updated_at) SELECT site_id, api_url, NULL, "
        "scan_id, url, wp_post_id, page, seo_data, 'pending', 0, created_at, updated_at "
        "FROM sync_outbox"
    )
    calls = len(shop.platform.calls("/pages/sync/"))
    again = _push(cli, "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert again.json()["already_sent"] is True
    assert len(shop.platform.calls("/pages/sync/")) == calls  # nothing sent twice
    status = _status(cli)
    assert set(status) == {shop.remote.id}
    assert (status[shop.remote.id]["sent"], status[shop.remote.id]["pending"]) == (PAGES, 0)


def test_status_shows_the_platform_site_a_new_login_opens(logged_in: Shop, cli: Cli) -> None:
    assert _push(cli).exit_code == 0
    # A login with a key for another platform site: nothing sent there yet, and status says so
    # beside the history of the first.
    key_b, b = logged_in.platform.add_site("Shop staging", logged_in.url())
    login = cli(
        "auth", "login", "shop", "--api-url", logged_in.platform.api_url, input=key_b + "\n"
    )
    assert login.exit_code == 0, login.stderr
    status = _status(cli)
    assert set(status) == {logged_in.remote.id, b.id}
    assert (status[b.id]["sent"], status[b.id]["platform_pages"]) == (0, 0)
    assert status[logged_in.remote.id]["platform_pages"] == PAGES
    # The key shown is where a push with it goes: the new platform site, not the old history.
    assert status[b.id]["key"] == key_b[:13] + "…"
    assert status[logged_in.remote.id]["key"] is None
