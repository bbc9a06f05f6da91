"""`seolog sync push`: every page of a scan and its SEO data reach the platform, once."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Cli
from tests.sync.conftest import LONG_TITLE, Shop
from tests.sync.platform import MAX_CHARS


def _by_url(shop: Shop) -> dict[str, dict[str, Any]]:
    return {p["url"]: p for p in shop.platform.pages_of(shop.remote).values()}


def test_push_sends_every_page_with_its_seo_data(logged_in: Shop, cli: Cli, db: Any) -> None:
    r = cli("sync", "push", "shop", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert doc["schema"] == "seolog.sync/1" and doc["scan_id"] == logged_in.scan_id
    assert (doc["created"], doc["updated"], doc["failed"], doc["remaining"]) == (5, 0, 0, 0)
    assert doc["skipped"] == 2  # the redirect and the broken link are not pages

    pages = _by_url(logged_in)
    assert set(pages) == {
        logged_in.url(p) for p in ("/", "/about/", "/blog/hello-world/", "/long/", "/plain/")
    }
    # WordPress's own ids where the page shows them; seolog's from 1,000,000,001 elsewhere.
    ids = {url: p["wp_post_id"] for url, p in pages.items()}
    assert ids[logged_in.url("/")] == 2
    assert ids[logged_in.url("/about/")] == 7
    assert ids[logged_in.url("/blog/hello-world/")] == 15
    assert sorted(ids[logged_in.url(p)] for p in ("/long/", "/plain/")) == [
        1_000_000_001,
        1_000_000_002,
    ]
    home, about = pages[logged_in.url("/")], pages[logged_in.url("/about/")]
    assert home["is_homepage"] is True and home["slug"] == ""
    assert about["slug"] == "about" and about["title"] == "About the shop"
    assert about["modified_at"] == "2026-10-21T07:28:00Z"
    assert about["yoast_description"] == "Who we are."
    # Too long for the platform's columns: cut to fit instead of refused.
    long_page = pages[logged_in.url("/long/")]
    assert len(long_page["title"]) == MAX_CHARS and long_page["title"].endswith("…")
    assert long_page["title"].startswith(LONG_TITLE[:100].strip())

    blog = logged_in.platform.seo_of(pages[logged_in.url("/blog/hello-world/")]["page_id"])
    assert blog is not None
    assert blog["images_count"] == 2 and blog["images_without_alt"] == 1
    assert blog["external_links"] == ["https://elsewhere.test/x"]
    assert blog["external_links_count"] == 1 and blog["internal_links_count"] == 6
    assert blog["has_schema"] is True and blog["schema_type"] == "BlogPosting"
    assert 0 <= blog["seo_score"] <= 100
    # Findings become issues; the checks' advice becomes recommendations.
    stored = {
        (code, sev)
        for code, sev in db(
            "SELECT i.code, i.severity FROM issues i JOIN pages p ON p.id = i.page_id "
            "WHERE p.url = :url",
            url=logged_in.url("/blog/hello-world/"),
        )
    }
    assert {(i["type"], i["severity"]) for i in blog["issues"]} == stored
    assert ("image-alt-missing", "warning") in stored
    assert len(blog["recommendations"]) == len({c for c, _ in stored})
    about_seo = logged_in.platform.seo_of(about["page_id"])
    assert about_seo is not None and about_seo["h2_texts"] == ["Team", "History"]

    # Every path ends in "/" (that server answers a POST without it with an HTML 500).
    assert all(r.path.endswith("/") for r in logged_in.platform.state.requests)
    # Sent rows keep no copy of the bodies: the outbox does not grow by a copy of each push.
    rows = db("SELECT state, page, seo_data FROM sync_outbox")
    assert len(rows) == 5
    for state, *bodies in rows:  # JSON: text on SQLite, decoded already on PostgreSQL
        assert state == "sent"
        assert [json.loads(b) if isinstance(b, str) else b for b in bodies] == [{}, {}]
    # The platform's page ids are kept locally.
    kept = dict(db("SELECT url, page_id FROM sync_pages"))
    assert kept == {url: p["page_id"] for url, p in pages.items()}


def test_pushing_again_updates_without_duplicates(logged_in: Shop, cli: Cli) -> None:
    assert cli("sync", "push", "shop").exit_code == 0
    first = {p["url"]: p["page_id"] for p in logged_in.platform.pages_of(logged_in.remote).values()}
    # The same scan again: already sent, nothing queued, nothing sent.
    again = cli("sync", "push", "shop", "--format", "json")
    assert again.exit_code == 0 and again.json()["queued"] == 0
    assert again.json()["already_sent"] is True
    said = cli("sync", "push", "shop")
    assert "Nothing to send: scan 1 of shop went to" in said.stderr and "--force" in said.stderr
    # A new scan of the site: the same pages are updated under the same ids.
    assert cli("scan", "shop", "--no-sitemaps").exit_code == 0
    second = cli("sync", "push", "shop", "--format", "json")
    assert second.exit_code == 0, second.stderr
    assert (second.json()["created"], second.json()["updated"]) == (0, 5)
    forced = cli("sync", "push", "shop", "--force", "--format", "json")
    assert (forced.json()["created"], forced.json()["updated"]) == (0, 5)
    assert logged_in.platform.state.creations == 5
    after = {p["url"]: p["page_id"] for p in logged_in.platform.pages_of(logged_in.remote).values()}
    assert after == first


def test_dry_run_sends_nothing_and_shows_the_bodies(shop: Shop, cli: Cli, db: Any) -> None:
    r = cli("sync", "push", "shop", "--dry-run", "--format", "json")  # no login needed
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert doc["dry_run"] is True and doc["queued"] == 5 and len(doc["requests"]) == 5
    assert {b["page"]["wp_post_id"] for b in doc["requests"]} >= {2, 7, 15}
    assert shop.platform.state.requests == []
    assert db("SELECT count(*) FROM sync_outbox")[0][0] == 0
    assert db("SELECT count(*) FROM sync_post_ids")[0][0] == 0
    text = cli("sync", "push", "shop", "--dry-run")
    assert "would send 5 pages" in text.stderr and "nothing was sent" in text.stderr


def test_scan_with_sync_pushes_after_the_scan(shop: Shop, cli: Cli, monkeypatch: Any) -> None:
    monkeypatch.setenv("SEOLOG_API_KEY", shop.key)
    monkeypatch.setenv("SEOLOG_API_URL", shop.platform.api_url)
    r = cli("scan", "shop", "--no-sitemaps", "--sync", "--fail-under", "100")
    assert r.exit_code == 1  # the gate still decides the exit, after the push
    assert "Synced scan" in r.stderr and "5 pages sent" in r.stderr
    assert len(shop.platform.pages_of(shop.remote)) == 5


def test_push_refuses_unfinished_scans_and_unknown_targets(
    logged_in: Shop, cli: Cli, sql: Any
) -> None:
    sql("UPDATE scans SET status = 'interrupted'")
    r = cli("sync", "push", "--scan", str(logged_in.scan_id))
    assert r.exit_code == 2 and "is interrupted, not completed" in r.stderr
    assert f"seolog scan --resume {logged_in.scan_id}" in r.stderr
    assert cli("sync", "push", "nope").exit_code == 3
    assert cli("sync", "push", "--scan", "999").exit_code == 3
    assert cli("sync", "push").exit_code == 2


def test_push_without_a_login_says_how(shop: Shop, cli: Cli) -> None:
    r = cli("sync", "push", "shop")
    assert r.exit_code == 6
    assert "not logged in to a platform" in r.stderr and "seolog auth login shop" in r.stderr


def test_a_scheduled_scan_pushes_silently(shop: Shop, cli: Cli, monkeypatch: Any) -> None:
    """Cron mails whatever a job prints: a push that worked prints nothing, one that failed
    says so (and exits 6), with the scan saved either way."""
    monkeypatch.setenv("SEOLOG_API_KEY", shop.key)
    monkeypatch.setenv("SEOLOG_API_URL", shop.platform.api_url)
    monkeypatch.setenv("SEOLOG_SYNC_BACKOFF", "0")
    r = cli("scan", "shop", "--scheduled", "--sync", "--no-sitemaps")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
    assert len(shop.platform.pages_of(shop.remote)) == 5
    shop.platform.fault("/pages/sync/", "status", times=100)
    failed = cli("scan", "shop", "--scheduled", "--sync", "--no-sitemaps")
    assert failed.exit_code == 6 and "HTTP 500" in failed.stderr
    assert len(cli("scans", "list", "--format", "json").json()) == 3
