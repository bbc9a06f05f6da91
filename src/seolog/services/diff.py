"""Two scans compared: what got fixed, what is new, what changed on each page.

Issues are matched by (code, URL): the message may change (a count goes from 3 to 4) while the
problem stays the same one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from seolog.context import AppContext
from seolog.domain import finding_subject
from seolog.errors import NotFoundError, UsageError
from seolog.services.results import scan_document
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
    persisting: int = 0
    pages_added: list[str] = field(default_factory=list)
    pages_removed: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # url, field, before, after

    @property
    def score_change(self) -> int | None:
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
            "score_change": self.score_change,
            "issues": {
                "new": self.new,
                "fixed": self.fixed,
                "persisting": self.persisting,
                "new_by_code": dict(Counter(i["code"] for i in self.new)),
                "fixed_by_code": dict(Counter(i["code"] for i in self.fixed)),
            },
            "pages": {"added": self.pages_added, "removed": self.pages_removed},
            "changes": self.changes,
        }


def _key(issue: dict[str, Any]) -> tuple[str, str, str]:
    return issue["code"], issue["url"], finding_subject(issue.get("details"))


def compare(before: dict[str, Any], after: dict[str, Any]) -> ScanDiff:
    """Compare two scan documents (`seolog.scan/1`)."""
    old = {_key(i): i for i in before["issues"]}
    new = {_key(i): i for i in after["issues"]}
    diff = ScanDiff(before["scan"], after["scan"])
    diff.new = [i for k, i in new.items() if k not in old]
    diff.fixed = [i for k, i in old.items() if k not in new]
    diff.persisting = len(old.keys() & new.keys())
    pages_a = {p["url"]: p for p in before["pages"]}
    pages_b = {p["url"]: p for p in after["pages"]}
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


def diff_scans(ctx: AppContext, before_id: int, after_id: int) -> ScanDiff:
    for scan_id in (before_id, after_id):
        with session_scope(ctx.engine) as session:
            if repo.scan_by_id(session, scan_id) is None:
                raise NotFoundError(f"no scan with id {scan_id}", hint="see `seolog scans list`")
    if before_id == after_id:
        raise UsageError("that is the same scan twice", hint="give two different scan IDs")
    return compare(scan_document(ctx, before_id), scan_document(ctx, after_id))


def previous_scan_id(ctx: AppContext, scan_id: int) -> int | None:
    """The latest completed scan of the same site before this one."""
    with session_scope(ctx.engine) as session:
        scan = repo.scan_by_id(session, scan_id)
        if scan is None:
            return None
        earlier = repo.completed_scans(session, scan.site_id, before=scan_id)
        return earlier[0].id if earlier else None
