"""Two scans compared: what got fixed, what is new, what changed on each page.

Issues are matched by (code, URL): the message may change (a count goes from 3 to 4) while the
problem stays the same one.

Only scans of the same scope compare (`seolog.scope`): the same start, limits, checks and
thresholds, each crawl complete. And an issue is fixed only when it was rechecked: its URL was
fetched again in the later scan, the check ran there, and the issue is gone. An issue on a URL
the later scan did not reach is "not rechecked", listed apart: nobody knows whether it is fixed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from seolog.context import AppContext
from seolog.domain import finding_subject
from seolog.errors import NotFoundError, UsageError
from seolog.services.results import scan_document, scope_in
from seolog.storage import repo
from seolog.storage.db import session_scope

SCHEMA = "seolog.diff/1"
WATCHED = ("status", "title", "meta_description", "h1", "canonical", "indexable")


@dataclass
class ScanDiff:
    before: dict[str, Any]  # the scan part of each document
    after: dict[str, Any]
    new: list[dict[str, Any]] = field(default_factory=list)
    fixed: list[dict[str, Any]] = field(default_factory=list)
    # Gone, but its URL was not fetched again (or the check did not run there): not known fixed.
    not_rechecked: list[dict[str, Any]] = field(default_factory=list)
    persisting: int = 0
    pages_added: list[str] = field(default_factory=list)
    pages_removed: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # url, field, before, after
    # Why the two scans are not like for like ("not comparable: max depth 2 vs none"); set when
    # they were compared anyway (--force). Then no score change is claimed.
    not_comparable: str | None = None

    @property
    def score_change(self) -> int | None:
        if self.not_comparable is not None:
            return None
        a, b = self.before.get("score"), self.after.get("score")
        return b - a if a is not None and b is not None else None

    def document(self) -> dict[str, Any]:
        def side(scan: dict[str, Any]) -> dict[str, Any]:
            keys = ("id", "url", "site", "status", "completed_at", "score", "pages_crawled")
            return {k: scan.get(k) for k in keys}

        return {
            "schema": SCHEMA,
            "before": side(self.before),
            "after": side(self.after),
            "comparable": self.not_comparable is None,
            "not_comparable": self.not_comparable,
            "score_change": self.score_change,
            "issues": {
                "new": self.new,
                "fixed": self.fixed,
                "not_rechecked": self.not_rechecked,
                "persisting": self.persisting,
                "new_by_code": dict(Counter(i["code"] for i in self.new)),
                "fixed_by_code": dict(Counter(i["code"] for i in self.fixed)),
            },
            "pages": {"added": self.pages_added, "removed": self.pages_removed},
            "changes": self.changes,
        }


def _key(issue: dict[str, Any]) -> tuple[str, str, str]:
    return issue["code"], issue["url"], finding_subject(issue.get("details"))


def not_comparable(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    """Why two scan documents are not like for like, in one line; None when they are."""
    a, b = before["scan"], after["scan"]
    if a.get("site") != b.get("site"):
        return f"not comparable: different sites ({a.get('site')} and {b.get('site')})"
    return scope_in(a).not_comparable(scope_in(b), f"scan {a['id']}", f"scan {b['id']}")


def compare(before: dict[str, Any], after: dict[str, Any]) -> ScanDiff:
    """Compare two scan documents (`seolog.scan/1`); the caller decides whether they are
    comparable (`not_comparable`), and the diff says it when they are not."""
    old = {_key(i): i for i in before["issues"]}
    new = {_key(i): i for i in after["issues"]}
    diff = ScanDiff(before["scan"], after["scan"])
    diff.not_comparable = not_comparable(before, after)
    pages_a = {p["url"]: p for p in before["pages"]}
    pages_b = {p["url"]: p for p in after["pages"]}
    ran = _checks_that_ran(after)
    diff.new = [i for k, i in new.items() if k not in old]
    for k, issue in old.items():
        if k in new:
            continue
        # Not like for like (--force): nothing is known fixed (a partial scan did not judge
        # the links to pages it never fetched, other thresholds judged otherwise).
        # A finding on a page needs the page fetched again; one of the site's on a URL that is
        # no page (/robots.txt, a sitemap) needs its check to have run again.
        fetched = issue["url"] in pages_b or issue["url"] not in pages_a
        rechecked = (
            diff.not_comparable is None and fetched and (ran is None or issue["code"] in ran)
        )
        (diff.fixed if rechecked else diff.not_rechecked).append(issue)
    diff.persisting = len(old.keys() & new.keys())
    diff.pages_added = sorted(pages_b.keys() - pages_a.keys())
    diff.pages_removed = sorted(pages_a.keys() - pages_b.keys())
    for url in sorted(pages_a.keys() & pages_b.keys()):
        a, b = pages_a[url], pages_b[url]
        for name in WATCHED:
            if a.get(name) != b.get(name):
                diff.changes.append(
                    {"url": url, "field": name, "before": a.get(name), "after": b.get(name)}
                )
    return diff


def _checks_that_ran(doc: dict[str, Any]) -> set[str] | None:
    """The codes whose check judged something in the scan (None: a scan stored before seolog
    kept that, when every check is taken to have run)."""
    checks = doc.get("checks")
    if not checks:
        return None
    return {c["code"] for c in checks if c.get("result") not in ("disabled", "not_applicable")}


def diff_scans(ctx: AppContext, before_id: int, after_id: int, force: bool = False) -> ScanDiff:
    """Compare two scans; scans that are not like for like (another site, another scope, a
    partial crawl) are refused unless `force`, and then the diff says why they differ."""
    for scan_id in (before_id, after_id):
        with session_scope(ctx.engine) as session:
            if repo.scan_by_id(session, scan_id) is None:
                raise NotFoundError(f"no scan with id {scan_id}", hint="see `seolog scans list`")
    if before_id == after_id:
        raise UsageError("that is the same scan twice", hint="give two different scan IDs")
    before, after = scan_document(ctx, before_id), scan_document(ctx, after_id)
    reason = not_comparable(before, after)
    if reason is not None and not force:
        raise UsageError(
            f"scans {before_id} and {after_id} are {reason}",
            hint="compare scans of the same scope, or pass --force to compare them anyway",
        )
    return compare(before, after)
