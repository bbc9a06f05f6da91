"""The site audit reads the stored pages a chunk at a time (a million-page scan is never held
whole): however small the chunks, the findings, their order and the scores are the same."""

from __future__ import annotations

from typing import Any

from seolog.config import CrawlSettings
from seolog.context import AppContext
from seolog.crawl.stats import CrawlStats
from seolog.services.audit import audit_scan
from seolog.services.results import scan_document
from seolog.storage import repo
from seolog.storage.db import session_scope
from tests.checks.test_audit_end_to_end import _site
from tests.server import FixtureServer


def _audited(ctx: AppContext, chunk: int) -> dict[str, Any]:
    """Scan 1 audited again from its stored pages with `chunk` rows a read."""
    with session_scope(ctx.engine) as session:
        scan = repo.scan_by_id(session, 1)
        assert scan is not None
        settings = CrawlSettings.from_stored(scan.settings or {})
        stats = CrawlStats.from_dict(scan.stats)
    audit_scan(ctx, 1, settings, stats, chunk=chunk)
    doc = scan_document(ctx, 1)
    return {
        "issues": doc["issues"],
        "scores": [(p["url"], p["score"]) for p in doc["pages"]],
        "score": doc["scan"]["score"],
        "checks": doc["checks"],
    }


def test_two_pages_a_chunk_finds_what_the_whole_scan_in_one_chunk_finds(
    server: FixtureServer, cli, store_url
):
    _site(server)  # duplicates, canonicals, hreflang, an orphan, broken links, a soft 404
    r = cli("scan", server.url(), "--format", "json")
    assert r.exit_code == 0, r.stderr
    crawled = r.json()
    ctx = AppContext(db_url=store_url)
    whole = _audited(ctx, chunk=100_000)
    # Audited again: the same findings (the stored statistics round a reprobe's milliseconds).
    assert [(i["code"], i["url"]) for i in whole["issues"]] == [
        (i["code"], i["url"]) for i in crawled["issues"]
    ]
    assert whole["score"] == crawled["scan"]["score"]
    codes = {i["code"] for i in whole["issues"]}
    assert {"title-duplicate", "canonical-broken", "orphan-page", "link-broken"} <= codes

    small = _audited(ctx, chunk=2)
    assert small == whole
    assert _audited(ctx, chunk=1) == whole
