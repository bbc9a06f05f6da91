"""What each report shows, gathered from saved scan documents and work-log rows. Pure: the
services layer loads the data; these functions only choose, rank and sum."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from seolog.checks.registry import get_check
from seolog.llm.fields import field_for
from seolog.output import worst_pages
from seolog.reports.labels import score_band
from seolog.worklog.money import Tally

TOP_ISSUES = 10
WORST_PAGES = 15
EXAMPLES = 5
APPENDIX_PDF_LIMIT = 500  # issues in a PDF appendix before each check's list is cut
APPENDIX_PER_CHECK = 25  # URLs per check at most in a cut PDF appendix (all are in the CSV)
APPENDIX_PER_CHECK_MIN = 5  # and at least, however many checks failed
_RANK = {"error": 3, "warning": 2, "notice": 1}
SEVERITIES = ("error", "warning", "notice")


def title_of(code: str) -> str:
    """The check's plain-language title (English, translated by the renderer); the code itself
    for a code the catalog no longer has."""
    spec = get_check(code)
    return spec.title if spec else code


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
class CheckGroup:
    """The findings of one check, for the appendix: every URL, or the first `shown` of them."""

    code: str
    title: str
    family: str
    severity: str
    count: int
    rows: list[dict[str, Any]]  # the issues (url, message), by URL

    @property
    def hidden(self) -> int:
        return self.count - len(self.rows)


@dataclass
class TrendPoint:
    when: datetime | None
    scan_id: int
    score: int


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
    trend: list[TrendPoint]
    by_severity: dict[str, int]
    by_family: list[tuple[str, dict[str, int]]]  # family, issues by severity; most errors first
    top: list[TopIssue]
    worst: list[tuple[str, int, list[str], str | None]]  # url, score, codes, title
    issues: list[dict[str, Any]]
    # Earlier scans exist, but none of the same scope (a test scan, other thresholds): no change
    # is shown, and the report says why instead of "the first scan".
    incomparable: bool = False
    # A partial scan (a sample of the site) is compared with nothing: why it stopped
    # ("max_pages", "time_budget", "interrupted") and its page limit, so the report says so.
    stopped: str | None = None
    max_pages: int | None = None
    # Lighthouse lab results of the scan (--lab), one per measured page, and the median
    # performance score of each comparable scan that has them, oldest first.
    lab: list[dict[str, Any]] = field(default_factory=list)
    lab_trend: list[TrendPoint] = field(default_factory=list)
    # Accepted language-model suggestions (`seolog suggest`): (page URL, field) → the texts.
    suggested: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def suggestion(self, url: str, code: str) -> list[str]:
        """The accepted suggestions that fix a finding of `code` on the page at `url`."""
        name = field_for(code)
        return self.suggested.get((url, name), []) if name else []

    @property
    def band(self) -> str | None:
        return score_band(self.score)

    @property
    def checks(self) -> list[CheckGroup]:
        """Every failing check with its count, by severity then count: the summary's table."""
        return issue_groups(self.issues, per_check=0)

    @property
    def change(self) -> int | None:
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def issue_groups(issues: list[dict[str, Any]], per_check: int | None = None) -> list[CheckGroup]:
    """The issues grouped by check: errors first, then by how many URLs, then by code; each
    group's rows by URL, cut to `per_check` when given."""
    by_code: dict[str, list[dict[str, Any]]] = {}
    for issue in issues:
        by_code.setdefault(issue["code"], []).append(issue)
    groups = []
    for code, rows in by_code.items():
        spec = get_check(code)
        rows.sort(key=lambda i: (i["url"], i.get("message") or ""))
        groups.append(
            CheckGroup(
                code,
                spec.title if spec else code,
                spec.family if spec else "other",
                rows[0]["severity"],
                len(rows),
                rows if per_check is None else rows[:per_check],
            )
        )
    groups.sort(key=lambda g: (-_RANK.get(g.severity, 0), -g.count, g.code))
    return groups


def appendix_cut(issues: list[dict[str, Any]]) -> int | None:
    """URLs per check in a PDF appendix: all (None) up to APPENDIX_PDF_LIMIT issues; beyond, an
    equal share of that limit for each failing check, between 5 and 25, so the appendix stays
    about as long however many checks failed."""
    if len(issues) <= APPENDIX_PDF_LIMIT:
        return None
    checks = len({i["code"] for i in issues}) or 1
    share = APPENDIX_PDF_LIMIT // checks
    return max(APPENDIX_PER_CHECK_MIN, min(APPENDIX_PER_CHECK, share))


def _families(issues: list[dict[str, Any]]) -> list[tuple[str, dict[str, int]]]:
    """Issues per family by severity, the families with the most errors first, then warnings,
    notices."""
    counts: dict[str, Counter[str]] = {}
    for i in issues:
        spec = get_check(i["code"])
        counts.setdefault(spec.family if spec else "other", Counter())[i["severity"]] += 1
    ranked = sorted(counts.items(), key=lambda kv: (*(-kv[1][s] for s in SEVERITIES), kv[0]))
    return [(family, {s: c[s] for s in SEVERITIES}) for family, c in ranked]


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


def site_audit(
    doc: dict[str, Any],
    history: list[dict[str, Any]],
    incomparable: bool = False,
    lab_history: dict[int, int | None] | None = None,
    suggested: dict[tuple[str, str], list[str]] | None = None,
) -> SiteAudit:
    """`doc` is the scan's document; `history` the site's completed scans comparable with it
    (`services.history.comparable_history`: id, score, completed_at), oldest first, up to and
    including this one: the trend and the change since the previous scan are like for like."""
    scan, issues = doc["scan"], doc["issues"]
    earlier = [h for h in history if h["id"] < scan["id"] and h["score"] is not None]
    previous = earlier[-1] if earlier else None
    trend = [
        TrendPoint(_when(h["completed_at"]), h["id"], h["score"])
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
        by_family=_families(issues),
        top=top_issues(issues),
        worst=[
            (p["url"], p["score"], codes, p["title"]) for p, codes in worst_pages(doc, WORST_PAGES)
        ],
        issues=sorted(issues, key=lambda i: (-_RANK.get(i["severity"], 0), i["code"], i["url"])),
        incomparable=incomparable and previous is None,
        stopped=scan.get("stop_reason") if (scan.get("scope") or {}).get("partial") else None,
        max_pages=(scan.get("scope") or {}).get("max_pages"),
        lab=list(doc.get("lab") or []),
        lab_trend=[
            TrendPoint(_when(h["completed_at"]), h["id"], performance)
            for h in history
            if h["id"] <= scan["id"]
            and (performance := (lab_history or {}).get(h["id"])) is not None
        ][-24:],
        suggested=suggested or {},
    )


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
    tallies: dict[str, Tally] = {}
    for r in rows:
        e = r.entry
        by_type[e.work_type] += e.minutes
        by_site[r.site or r.project or "–"] += e.minutes
        summary.minutes += e.minutes
        if e.billable:
            summary.billable_minutes += e.minutes
            if r.rate is not None:
                tallies.setdefault(r.currency or "EUR", Tally()).add(e.minutes, r.rate)
    summary.amounts = {currency: t.amount for currency, t in tallies.items()}
    summary.by_type = [(k, round(v / 60, 2)) for k, v in by_type.most_common()]
    summary.by_site = [(k, round(v / 60, 2)) for k, v in by_site.most_common()]
    return summary


@dataclass
class Period:
    since: date
    until: date


def rank_sites(sites: list[Any]) -> list[Any]:
    """Sites for the monthly summary, the most errors first, then warnings, notices, the lowest
    score; sites without a scan last. Each has `.name` and `.audit` (a SiteAudit or None)."""

    def key(s: Any) -> tuple[Any, ...]:
        if s.audit is None:
            return (1, 0, 0, 0, 0, s.name)
        sev = s.audit.by_severity
        score = s.audit.score if s.audit.score is not None else 101
        return (0, *(-sev.get(x, 0) for x in SEVERITIES), score, s.name)

    return sorted(sites, key=key)
