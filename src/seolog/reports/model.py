"""What each report shows, gathered from saved scan documents and work-log rows. Pure: the
services layer loads the data; these functions only choose, rank and sum."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from seolog.checks.registry import get_check
from seolog.output import worst_pages

TOP_ISSUES = 10
WORST_PAGES = 15
EXAMPLES = 5
APPENDIX_PDF_LIMIT = 500  # issues in a PDF appendix; the rest go to a CSV beside it
_RANK = {"error": 3, "warning": 2, "notice": 1}


@dataclass
class TopIssue:
    code: str
    title: str
    family: str
    severity: str
    count: int
    why: str
    fix: str
    examples: list[str]


@dataclass
class SiteAudit:
    """One scan of one site, as a report shows it."""

    site: str
    url: str
    scan_id: int
    scanned: datetime | None
    score: int | None
    pages: int
    previous_score: int | None
    previous_date: datetime | None
    trend: list[tuple[str, int]]
    by_severity: dict[str, int]
    by_family: list[tuple[str, int]]
    top: list[TopIssue]
    worst: list[tuple[str, int, list[str], str | None]]  # url, score, codes, title
    issues: list[dict[str, Any]]

    @property
    def change(self) -> int | None:
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def top_issues(issues: list[dict[str, Any]], limit: int = TOP_ISSUES) -> list[TopIssue]:
    """Codes ranked by severity, then by how many URLs have them."""
    counts = Counter(i["code"] for i in issues)
    severity = {i["code"]: i["severity"] for i in issues}
    ranked = sorted(counts, key=lambda c: (-_RANK.get(severity[c], 0), -counts[c], c))
    out = []
    for code in ranked[:limit]:
        spec = get_check(code)
        urls = list(dict.fromkeys(i["url"] for i in issues if i["code"] == code))
        out.append(
            TopIssue(
                code,
                spec.title if spec else code,
                spec.family if spec else "",
                severity[code],
                counts[code],
                spec.why if spec else "",
                spec.fix if spec else "",
                urls[:EXAMPLES],
            )
        )
    return out


def site_audit(doc: dict[str, Any], history: list[dict[str, Any]]) -> SiteAudit:
    """`doc` is the scan's document; `history` the site's completed scans (id, score,
    completed_at), oldest first, up to and including this one."""
    scan, issues = doc["scan"], doc["issues"]
    earlier = [h for h in history if h["id"] < scan["id"] and h["score"] is not None]
    previous = earlier[-1] if earlier else None
    specs = {i["code"]: get_check(i["code"]) for i in issues}
    families = Counter(
        (spec.family if (spec := specs[i["code"]]) is not None else "other") for i in issues
    )
    trend = [
        (
            done.strftime("%d %b") if (done := _when(h["completed_at"])) else f"#{h['id']}",
            h["score"],
        )
        for h in history
        if h["score"] is not None and h["id"] <= scan["id"]
    ]
    return SiteAudit(
        site=scan["site"],
        url=scan["url"],
        scan_id=scan["id"],
        scanned=_when(scan["completed_at"] or scan["started_at"]),
        score=scan["score"],
        pages=scan["pages_crawled"],
        previous_score=previous["score"] if previous else None,
        previous_date=_when(previous["completed_at"]) if previous else None,
        trend=trend[-24:],
        by_severity={
            s: doc["summary"]["by_severity"].get(s, 0) for s in ("error", "warning", "notice")
        },
        by_family=families.most_common(),
        top=top_issues(issues),
        worst=[
            (p["url"], p["score"], codes, p["title"]) for p, codes in worst_pages(doc, WORST_PAGES)
        ],
        issues=sorted(issues, key=lambda i: (-_RANK.get(i["severity"], 0), i["code"], i["url"])),
    )


def fixed_issues(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Issues present in the earlier scan and gone in the later one (matched by code and URL)."""
    if before is None:
        return []
    now = {(i["code"], i["url"]) for i in after["issues"]}
    return [i for i in before["issues"] if (i["code"], i["url"]) not in now]


@dataclass
class WorkSummary:
    rows: list[Any]  # EntryRow
    by_type: list[tuple[str, float]]
    by_site: list[tuple[str, float]]
    minutes: int = 0
    billable_minutes: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)  # per currency

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def billable_hours(self) -> float:
        return self.billable_minutes / 60


def work_summary(rows: list[Any]) -> WorkSummary:
    by_type: Counter[str] = Counter()
    by_site: Counter[str] = Counter()
    summary = WorkSummary(rows, [], [])
    for r in rows:
        e = r.entry
        by_type[e.work_type] += e.minutes
        by_site[r.site or r.project or "–"] += e.minutes
        summary.minutes += e.minutes
        if e.billable:
            summary.billable_minutes += e.minutes
            if r.amount is not None:
                key = r.currency or "EUR"
                summary.amounts[key] = summary.amounts.get(key, Decimal("0")) + r.amount
    summary.by_type = [(k, round(v / 60, 2)) for k, v in by_type.most_common()]
    summary.by_site = [(k, round(v / 60, 2)) for k, v in by_site.most_common()]
    return summary


@dataclass
class Period:
    since: date
    until: date
