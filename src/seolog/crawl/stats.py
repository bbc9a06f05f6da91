"""The crawl's statistics: counted live by the engine, stored with the scan as JSON, and read back
typed (a stored scan's `ScanResult.stats`), so no layer re-parses display text."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from seolog.domain import NotFoundProbe, OriginVariant, Reprobe, RobotsProblem, RobotsState


@dataclass
class CrawlStats:
    """Counters reported live and stored with the scan (scrapy's stats collector)."""

    pages: int = 0
    html_pages: int = 0
    errors: int = 0  # fetch failures plus 4xx/5xx answers
    blocked: int = 0
    redirects: int = 0
    queued: int = 0
    requests: int = 0
    retries: int = 0
    bytes: int = 0
    elapsed: float = 0.0
    sitemap_urls: int = 0
    crawl_delay: float = 0.0
    status: Counter[str] = field(default_factory=Counter)
    skipped: dict[str, int] = field(default_factory=dict)
    robots: RobotsState | None = None  # the start origin's; None until robots.txt is read
    robots_detail: str = ""  # what it answered: "HTTP 200", "HTTP 503", "--ignore-robots" ...
    # Its lines Lighthouse calls errors (the first ROBOTS_PROBLEMS_KEPT), and how many there were.
    robots_problems: list[RobotsProblem] = field(default_factory=list)
    robots_problem_count: int = 0
    notes: list[str] = field(default_factory=list)
    slow_pages: int = 0  # pages slower than the threshold during the crawl
    reprobes: list[Reprobe] = field(default_factory=list)  # the slowest of them, timed alone
    # Pages fetched before the sitemaps were read (the start page) that the sitemaps list: the
    # audit marks them listed, since they were stored before anyone knew.
    listed_early: list[str] = field(default_factory=list)
    # … and the hreflang alternates the sitemaps state for them: {url: [[hreflang, url], …]}.
    early_hreflang: dict[str, list[list[str]]] = field(default_factory=dict)
    sitemaps_complete: bool = True  # every sitemap named was read whole (no failure, no limit)
    # Sitemaps found but not read at all (too large, failed, not XML): [[sitemap URL, reason]].
    sitemaps_unread: list[list[str]] = field(default_factory=list)
    not_found_probe: NotFoundProbe | None = None  # how the site answers a URL that cannot exist
    legacy_robots: str = ""  # the display text of a scan stored before robots_state existed
    runs: int = 1  # crawl runs these counts cover: 2 after an interrupted scan was resumed once
    # Resources (external links, images, CSS, JS, iframes): distinct URLs accepted for checking,
    # checked so far, the requests that took, and URLs not checked by reason (the cap, the skip
    # list). `resources_offline`: most external hosts could not be reached (their network failures
    # prove nothing).
    resources_queued: int = 0
    resources_checked: int = 0
    resource_requests: int = 0
    resources_skipped: dict[str, int] = field(default_factory=dict)
    resources_offline: bool = False
    origin_variants: list[OriginVariant] = field(default_factory=list)
    origin: str = ""  # the origin crawled (the start URL's, or where it redirected to)
    # --render: pages loaded in the browser, those it could not render (or only in part), and
    # the browser's requests refused (robots.txt, other hosts); the browser's version.
    rendered: int = 0
    render_failed: int = 0
    render_blocked: int = 0
    browser: str = ""

    @property
    def robots_display(self) -> str:
        """For people: "parsed (HTTP 200)". Scripts read robots_state and robots_detail."""
        if self.robots is None:
            return self.legacy_robots
        return f"{self.robots.value} ({self.robots_detail})" if self.robots_detail else self.robots

    def after(self, earlier: CrawlStats | None) -> CrawlStats:
        """These counts (a resumed run's) added to those of the runs before it, so a resumed
        scan's requests, errors, bytes and time are the totals of every run, consistent with its
        pages (which the engine already counts from the pages stored before). What describes the
        site as it is now (robots.txt, sitemaps, the timing probes) comes from this run."""
        if earlier is None:
            return self
        status = Counter(earlier.status)
        status.update(self.status)
        skipped = dict(earlier.skipped)
        for reason, n in self.skipped.items():
            skipped[reason] = skipped.get(reason, 0) + n
        runs = earlier.runs + self.runs
        said = f"crawled in {runs} runs (resumed): counts and time are the totals of all runs"
        notes = [n for n in earlier.notes if not n.startswith("crawled in ")]
        notes += [n for n in self.notes if n not in notes and not n.startswith("crawled in ")]
        hreflang = {**earlier.early_hreflang, **self.early_hreflang}
        return replace(
            self,
            html_pages=earlier.html_pages + self.html_pages,
            errors=earlier.errors + self.errors,
            blocked=earlier.blocked + self.blocked,
            redirects=earlier.redirects + self.redirects,
            requests=earlier.requests + self.requests,
            retries=earlier.retries + self.retries,
            bytes=earlier.bytes + self.bytes,
            elapsed=earlier.elapsed + self.elapsed,
            status=status,
            skipped=skipped,
            slow_pages=earlier.slow_pages + self.slow_pages,
            crawl_delay=max(earlier.crawl_delay, self.crawl_delay),
            notes=[*notes, said],
            listed_early=list(dict.fromkeys([*earlier.listed_early, *self.listed_early])),
            early_hreflang=hreflang,
            not_found_probe=self.not_found_probe or earlier.not_found_probe,
            runs=runs,
            origin=self.origin or earlier.origin,
            resources_offline=self.resources_offline or earlier.resources_offline,
            rendered=earlier.rendered + self.rendered,
            render_failed=earlier.render_failed + self.render_failed,
            render_blocked=earlier.render_blocked + self.render_blocked,
            browser=self.browser or earlier.browser,
            resources_queued=earlier.resources_queued + self.resources_queued,
            resources_checked=earlier.resources_checked + self.resources_checked,
            resource_requests=earlier.resource_requests + self.resource_requests,
            resources_skipped={
                k: earlier.resources_skipped.get(k, 0) + self.resources_skipped.get(k, 0)
                for k in {*earlier.resources_skipped, *self.resources_skipped}
            },
        )

    @property
    def rate(self) -> float:
        return self.pages / self.elapsed if self.elapsed > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "html_pages": self.html_pages,
            "errors": self.errors,
            "blocked": self.blocked,
            "redirects": self.redirects,
            "requests": self.requests,
            "retries": self.retries,
            "bytes": self.bytes,
            "elapsed_s": round(self.elapsed, 3),
            "pages_per_s": round(self.rate, 1),
            "sitemap_urls": self.sitemap_urls,
            "crawl_delay_s": self.crawl_delay,
            "status": dict(self.status),
            "skipped": self.skipped,
            "robots": self.robots_display,
            "robots_state": self.robots.value if self.robots else None,
            "robots_detail": self.robots_detail,
            "robots_problems": [p.to_dict() for p in self.robots_problems],
            "robots_problem_count": self.robots_problem_count,
            "notes": self.notes,
            "slow_pages": self.slow_pages,
            "reprobes": [r.to_dict() for r in self.reprobes],
            "listed_early": self.listed_early,
            "sitemaps_complete": self.sitemaps_complete,
            "sitemaps_unread": self.sitemaps_unread,
            "early_hreflang": self.early_hreflang,
            "not_found_probe": self.not_found_probe.to_dict() if self.not_found_probe else None,
            "runs": self.runs,
            "resources_queued": self.resources_queued,
            "resources_checked": self.resources_checked,
            "resource_requests": self.resource_requests,
            "resources_skipped": self.resources_skipped,
            "resources_offline": self.resources_offline,
            "origin_variants": [v.to_dict() for v in self.origin_variants],
            "origin": self.origin,
            "rendered": self.rendered,
            "render_failed": self.render_failed,
            "render_blocked": self.render_blocked,
            "browser": self.browser,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> CrawlStats:
        """The stored form back (see `to_dict`). Scans stored before `robots_state` existed keep
        their display text in `robots` and read as state None."""
        data = data or {}
        state = data.get("robots_state")
        elapsed = float(data.get("elapsed_s") or 0.0)
        return cls(
            pages=int(data.get("pages") or 0),
            html_pages=int(data.get("html_pages") or 0),
            errors=int(data.get("errors") or 0),
            blocked=int(data.get("blocked") or 0),
            redirects=int(data.get("redirects") or 0),
            requests=int(data.get("requests") or 0),
            retries=int(data.get("retries") or 0),
            bytes=int(data.get("bytes") or 0),
            elapsed=elapsed,
            sitemap_urls=int(data.get("sitemap_urls") or 0),
            crawl_delay=float(data.get("crawl_delay_s") or 0.0),
            status=Counter(data.get("status") or {}),
            skipped=dict(data.get("skipped") or {}),
            robots=RobotsState(state) if state in set(RobotsState) else None,
            robots_detail=str(data.get("robots_detail") or ""),
            robots_problems=[RobotsProblem.from_dict(p) for p in data.get("robots_problems") or []],
            robots_problem_count=int(data.get("robots_problem_count") or 0),
            notes=list(data.get("notes") or []),
            slow_pages=int(data.get("slow_pages") or 0),
            reprobes=[Reprobe.from_dict(r) for r in data.get("reprobes") or []],
            listed_early=[str(u) for u in data.get("listed_early") or []],
            sitemaps_complete=bool(data.get("sitemaps_complete", True)),
            sitemaps_unread=[[str(x) for x in pair] for pair in data.get("sitemaps_unread") or []],
            early_hreflang={
                str(u): [[str(x) for x in pair] for pair in pairs]
                for u, pairs in (data.get("early_hreflang") or {}).items()
            },
            not_found_probe=NotFoundProbe.from_dict(probe)
            if (probe := data.get("not_found_probe"))
            else None,
            legacy_robots=str(data.get("robots") or "") if state is None else "",
            runs=int(data.get("runs") or 1),
            rendered=int(data.get("rendered") or 0),
            render_failed=int(data.get("render_failed") or 0),
            render_blocked=int(data.get("render_blocked") or 0),
            browser=str(data.get("browser") or ""),
            resources_queued=int(data.get("resources_queued") or 0),
            resources_checked=int(data.get("resources_checked") or 0),
            resource_requests=int(data.get("resource_requests") or 0),
            resources_skipped={
                str(k): int(v) for k, v in (data.get("resources_skipped") or {}).items()
            },
            resources_offline=bool(data.get("resources_offline")),
            origin_variants=[OriginVariant.from_dict(v) for v in data.get("origin_variants") or []],
            origin=str(data.get("origin") or ""),
        )
