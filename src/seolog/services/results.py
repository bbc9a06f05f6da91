"""A stored scan as users and scripts see it: the audit summary and the JSON document.

The JSON document is a public contract (`schema`: seolog.scan/1). Adding a field is fine;
renaming or removing one is a new schema version and a CHANGELOG "Changed" entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, overload

from seolog.checks.registry import code_hint, get_check
from seolog.checks.sitedata import resource_failed
from seolog.context import AppContext
from seolog.domain import Severity
from seolog.scope import ScanScope
from seolog.services.lab import lab_docs, medians
from seolog.storage import audit as store
from seolog.storage import repo
from seolog.storage.db import session_scope
from seolog.storage.models import Issue, Page, Scan, Site

SCHEMA = "seolog.scan/1"
WORST_PAGES = 10


@dataclass(frozen=True)
class ScanInfo:
    """A stored scan as plain data, named as in the JSON document's `scan` object."""

    id: int
    uuid: str
    url: str  # the start URL
    site: str  # the site's name
    type: str  # manual | scheduled | ci | api
    status: str  # running | completed | interrupted | failed
    stop_reason: str | None  # finished | max_pages | time_budget | interrupted | failed
    started_at: datetime | None
    completed_at: datetime | None
    pages_crawled: int
    score: int | None
    error: str | None
    settings: dict[str, Any]
    seolog_version: str | None

    @classmethod
    def from_row(cls, scan: Scan, site: Site) -> ScanInfo:
        return cls(
            id=scan.id or 0,
            uuid=scan.uuid,
            url=scan.start_url,
            site=site.name,
            type=scan.scan_type,
            status=scan.status,
            stop_reason=scan.stop_reason,
            started_at=scan.started_at,
            completed_at=scan.completed_at,
            pages_crawled=scan.pages_crawled,
            score=scan.score,
            error=scan.error_message,
            settings=dict(scan.settings or {}),
            seolog_version=scan.seolog_version,
        )


@dataclass(frozen=True)
class SiteInfo:
    id: int
    name: str
    root_url: str

    @classmethod
    def from_row(cls, site: Site) -> SiteInfo:
        return cls(site.id or 0, site.name, site.root_url)


@dataclass
class AuditSummary:
    score: int | None
    by_severity: dict[str, int] = field(default_factory=dict)
    by_code: list[tuple[str, str, int, str]] = field(default_factory=list)  # code, sev, n, title
    worst_pages: list[tuple[str, int, list[str]]] = field(default_factory=list)  # url, score, codes
    by_result: dict[str, int] = field(default_factory=dict)  # checks per result (CHECK_RESULTS)

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


def audit_summary(
    ctx: AppContext, scan_id: int, score: int | None, worst: int = WORST_PAGES
) -> AuditSummary:
    with session_scope(ctx.engine) as session:
        counts = store.issue_counts(session, scan_id)
        pages = store.worst_pages(session, scan_id, worst) if worst else []
        codes = store.codes_by_page(session, [pid for pid, _url, _score in pages])
        scan = repo.scan_by_id(session, scan_id)
        results = check_results(session, scan) if scan is not None else []
        return AuditSummary(
            score=score,
            by_severity=_by_severity(counts),
            by_code=[(code, sev, n, _title(code)) for code, sev, n in counts],
            worst_pages=[(url, score, codes[pid]) for pid, url, score in pages],
            by_result=results_by_kind(results),
        )


def _by_severity(counts: list[tuple[str, str, int]]) -> dict[str, int]:
    """Findings per severity from (code, severity, count); every severity present, even at 0."""
    totals = {s.value: 0 for s in Severity}
    for _code, severity, n in counts:
        totals[severity] = totals.get(severity, 0) + n
    return totals


def _title(code: str) -> str:
    spec = get_check(code)
    return spec.title if spec is not None else "(a check this seolog version does not know)"


# What a check did in a scan, as in Lighthouse's audit results. A not-applicable check had nothing
# to judge (no hreflang anywhere, --no-sitemaps): it is neither a pass nor a fail, and the score
# never counted it. Scans stored before seolog recorded coverage say "unknown" unless they failed.
CHECK_RESULTS = ("passed", "failed", "not_applicable", "error", "disabled", "unknown")


def check_results(session: Any, scan: Scan) -> list[dict[str, Any]]:
    """One entry per check, by code: `scope` (page or site), `result` (CHECK_RESULTS), `judged`
    (pages a page check judged; 1 or 0 for a site check: the site; null when unknown) and
    `failed` (pages with a finding of a page check; 1 or 0 for a site check)."""
    from seolog.checks.registry import catalog
    from seolog.checks.rules import AuditRules
    from seolog.checks.runner import CHECK_ERROR

    scan_id = scan.id or 0
    coverage = scan.coverage  # None: stored before seolog recorded coverage
    judged_pages: dict[str, int] = dict((coverage or {}).get("pages") or {})
    applied: dict[str, bool] = dict((coverage or {}).get("site") or {})
    rules = AuditRules.from_stored((scan.settings or {}).get("audit_rules"))
    failed = store.failed_pages(session, scan_id)
    errored = store.errored_checks(session, scan_id, CHECK_ERROR)
    specs = {s.code: s for s in catalog()}
    codes = (set(specs) | set(failed) | set(judged_pages) | set(applied)) - {CHECK_ERROR}
    results = []
    for code in sorted(codes):
        spec = specs.get(code)
        scope = spec.scope if spec else ("site" if code in applied else "page")
        if scope == "site":
            judged = int(applied[code]) if code in applied else None
            failures = int(code in failed)
        else:
            judged = judged_pages.get(code)
            failures = failed.get(code, 0)
        if not rules.runs(code):
            result, judged, failures = "disabled", 0, 0
        elif failures:
            result = "failed"
        elif code in errored:
            result = "error"  # it raised somewhere (see check-error) and found nothing elsewhere
        elif judged is None:
            result = "unknown"
        else:
            result = "passed" if judged else "not_applicable"
        results.append(
            {"code": code, "scope": scope, "result": result, "judged": judged, "failed": failures}
        )
    return results


def results_by_kind(results: list[dict[str, Any]]) -> dict[str, int]:
    """How many checks had each result, every kind present (0 when none)."""
    counts = dict.fromkeys(CHECK_RESULTS, 0)
    for r in results:
        counts[r["result"]] += 1
    return counts


class StoredRows(Sequence[dict[str, Any]]):
    """A part of a scan document (its pages, its issues) read from the store on each pass, a
    chunk of rows at a time, never held whole: a million-page scan's document streams to its
    file (`output.jsonout.chunks`). Counting is a query; indexing or comparing reads it all."""

    def __init__(
        self,
        ctx: AppContext,
        scan_id: int,
        rows: Callable[[Any, int], Iterator[Any]],
        doc: Callable[[Any], dict[str, Any]],
        count: int,
    ) -> None:
        self._ctx, self._scan_id, self._rows, self._doc, self._count = (
            ctx,
            scan_id,
            rows,
            doc,
            count,
        )

    def __iter__(self) -> Iterator[dict[str, Any]]:
        with session_scope(self._ctx.engine) as session:
            for row in self._rows(session, self._scan_id):
                yield self._doc(row)

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a list's equality, a list's hashability

    def __repr__(self) -> str:
        return f"<{self._count} stored rows of scan {self._scan_id}>"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def page_doc(page: Page | Any) -> dict[str, Any]:
    """A page as in the document: from a Page, or a row of `repo.PAGE_DOC_COLUMNS`."""
    return {
        "url": page.url,
        "final_url": page.final_url,
        "status": page.status_code,
        "final_status": page.final_status_code,
        "content_type": page.content_type,
        "depth": page.depth,
        "found_via": page.found_via,
        "in_sitemap": page.in_sitemap,
        "response_ms": page.response_ms,
        "bytes": page.size_bytes,
        "score": page.score,
        "indexable": page.indexable,
        "title": page.title,
        "meta_description": page.meta_description,
        "h1": page.h1 or [],
        "canonical": page.canonical,
        "word_count": page.word_count,
        "error_kind": page.error_kind,
        "error": page.error_message,
    }


def resource_doc(resource: Any, uses: dict[str, int]) -> dict[str, Any]:
    """A checked resource for scripts: how it answered, and which pages use it how."""
    return {
        "url": resource.url,
        "kinds": sorted(uses),
        "pages": sum(uses.values()),
        "external": resource.external,
        "method": resource.method or None,
        "status": resource.status_code,
        "final_url": resource.final_url,
        "final_status": resource.final_status_code,
        "content_type": resource.content_type,
        "bytes": resource.size_bytes,
        "response_ms": None if resource.response_ms is None else round(resource.response_ms, 1),
        "error_kind": resource.error_kind,
        "error": resource.error_message,
    }


def issue_doc(issue: Issue | Any) -> dict[str, Any]:
    """A finding as in the document: from an Issue, or a row of `store.issue_rows`."""
    return {
        "code": issue.code,
        "severity": issue.severity,
        "url": issue.url,
        "message": issue.message,
        "details": issue.details or {},
    }


def _default_thresholds() -> dict[str, int]:
    from seolog.checks.thresholds import Thresholds

    return Thresholds().to_stored()


def scope_from(
    start_url: str,
    settings: dict[str, Any] | None,
    stop_reason: str | None = None,
    catalog: str | None = None,
) -> ScanScope:
    """A scope from stored settings, a threshold override equal to its default not counted."""
    return ScanScope.of(start_url, settings, stop_reason, catalog, _default_thresholds())


def scope_of(scan: Scan) -> ScanScope:
    """A stored scan's scope: what it crawled and judged, and whether it got through."""
    return scope_from(scan.start_url, scan.settings, scan.stop_reason, scan.catalog)


def scan_scope(ctx: AppContext, scan_id: int) -> ScanScope:
    """The scope of a stored scan, by ID (which must exist)."""
    with session_scope(ctx.engine) as session:
        scan = repo.scan_by_id(session, scan_id)
        assert scan is not None
        return scope_of(scan)


def scope_in(scan_part: dict[str, Any]) -> ScanScope:
    """The scope of a scan document's `scan` part (`seolog.scan/1`)."""
    catalog = (scan_part.get("scope") or {}).get("catalog")
    return scope_from(
        scan_part["url"], scan_part.get("settings"), scan_part.get("stop_reason"), catalog
    )


def scan_document(ctx: AppContext, scan_id: int, stream: bool = False) -> dict[str, Any]:
    """The whole scan for scripts: `seolog scan --format json` and `scans show --format json`.
    With `stream`, its pages and issues are `StoredRows`, read from the store when iterated
    (the CLI writes them to the file as they are read); else lists."""
    with session_scope(ctx.engine) as session:
        scan = repo.scan_by_id(session, scan_id)
        assert scan is not None
        site = repo.site_by_id(session, scan.site_id)
        counts = repo.page_counts(session, scan_id)
        pages: Sequence[dict[str, Any]]
        issues: Sequence[dict[str, Any]]
        if stream:
            pages = StoredRows(ctx, scan_id, repo.page_doc_rows, page_doc, counts.total)
            issues = StoredRows(
                ctx, scan_id, store.issue_rows, issue_doc, store.issue_count(session, scan_id)
            )
        else:
            pages = [page_doc(p) for p in repo.page_doc_rows(session, scan_id)]
            issues = [issue_doc(i) for i in store.issue_rows(session, scan_id)]
        resources = [resource_doc(r, uses) for r, uses in repo.resources_of_scan(session, scan_id)]
        lab = lab_docs(session, scan_id)
        issue_counts = store.issue_counts(session, scan_id)
        checks = check_results(session, scan)
        by_severity = _by_severity(issue_counts)
        by_code: dict[str, int] = {}
        for code, _severity, n in issue_counts:
            by_code[code] = by_code.get(code, 0) + n
        duration = (
            (scan.completed_at - scan.started_at).total_seconds()
            if scan.completed_at and scan.started_at
            else None
        )
        return {
            "schema": SCHEMA,
            "gate": None,  # the verdict, when the scan was gated (services.gates.Verdict.to_dict)
            "scan": {
                "id": scan.id,
                "uuid": scan.uuid,
                "url": scan.start_url,
                "site": site.name if site else None,
                "type": scan.scan_type,
                "status": scan.status,
                "stop_reason": scan.stop_reason,
                "started_at": _iso(scan.started_at),
                "completed_at": _iso(scan.completed_at),
                "duration_s": round(duration, 3) if duration is not None else None,
                "pages_crawled": scan.pages_crawled,
                "score": scan.score,
                "settings": scan.settings or {},
                "scope": scope_of(scan).document(),
                "error": scan.error_message,
                "seolog_version": scan.seolog_version,
            },
            "pages": pages,
            "issues": issues,
            "resources": resources,
            "checks": checks,
            "lab": lab,
            "summary": {
                "score": scan.score,
                "by_severity": by_severity,
                "by_code": by_code,
                "checks": results_by_kind(checks),
                "pages": {
                    "total": counts.total,
                    "html": counts.html,
                    "ok": counts.ok,
                    "redirects": counts.redirects,
                    "client_errors": counts.client_errors,
                    "server_errors": counts.server_errors,
                    "failed": counts.failed,
                    "blocked": counts.blocked,
                },
                "resources": _resource_counts(
                    resources, bool((scan.stats or {}).get("resources_offline"))
                ),
                "crawl": scan.stats or {},
                "lab": dict(medians(lab)) if lab else None,
            },
        }


def _resource_counts(resources: list[dict[str, Any]], offline: bool) -> dict[str, int]:
    """How many were checked, failed and redirected; failed as the checks judge it (a network
    failure of another host is none when the network looked cut off)."""
    failed = sum(
        1
        for r in resources
        if resource_failed(r["error_kind"], r["final_status"], r["external"], offline)
    )
    redirected = sum(1 for r in resources if 300 <= (r["status"] or 0) < 400)
    external = sum(1 for r in resources if r["external"])
    return {
        "checked": len(resources),
        "external": external,
        "failed": failed,
        "redirected": redirected,
    }


def scan_issues(ctx: AppContext, scan_id: int) -> list[dict[str, Any]]:
    """The issues of a scan as in its document, without loading its pages (for gates)."""
    with session_scope(ctx.engine) as session:
        return [issue_doc(i) for i in store.issues_of_scan(session, scan_id)]


def findings_of(ctx: AppContext, scan_id: int, code: str, limit: int) -> list[Issue]:
    """The findings of one code; an unknown code is an error, a known one with none is not."""
    from seolog.errors import ConfigError

    with session_scope(ctx.engine) as session:
        found = store.issues_of_scan(session, scan_id, code=code, limit=limit)
    if not found and get_check(code) is None:
        raise ConfigError(f"no check has the code {code!r}", hint=code_hint(code))
    return found
