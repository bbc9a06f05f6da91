"""Lab scores (`seolog scan --lab`, `seolog lab`): the real Lighthouse on a sample of a scan's
pages (one per template unless told), stored with the scan, one row per page and form factor.

Pages are measured one after another: Lighthouse runs at once on two cores slow each other
down, and the performance scores would say more about the machine than about the site.

Lighthouse gets none of the scan's --header, --cookie or --auth: it sends extra headers to every
host a page loads from, and the user's secrets must not leave the site's origin. A page behind
a login is then stored with Lighthouse's error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import col

from seolog.context import AppContext
from seolog.domain import is_html_type
from seolog.errors import NotFoundError
from seolog.lab.lighthouse import (
    LabResult,
    find_lighthouse,
    lighthouse_version,
    run_lighthouse,
)
from seolog.lab.sample import PageShape, sample_pages, template_pattern
from seolog.storage import repo
from seolog.storage.db import read_scope, session_scope
from seolog.storage.models import LabResult as LabRow
from seolog.storage.models import Page, utcnow

CATEGORIES = ("performance", "accessibility", "best_practices", "seo")
METRICS = ("lcp_ms", "fcp_ms", "tbt_ms", "speed_index_ms", "cls")
COLUMN = {"cls": "layout_shift"}  # the metric's column, where its name is a Python keyword's


@dataclass(frozen=True)
class LabSettings:
    pages: int | None = None  # --lab-pages; None: one page per template
    desktop: bool = False  # Lighthouse's desktop preset instead of mobile
    lighthouse: str | None = None  # --lighthouse PATH; None: SEOLOG_LIGHTHOUSE, PATH, npx
    browser: str | None = None  # the Chromium; None: SEOLOG_BROWSER, PATH
    timeout: float = 120.0  # seconds per page

    @property
    def form_factor(self) -> str:
        return "desktop" if self.desktop else "mobile"


@dataclass(frozen=True)
class LabTools:
    """Lighthouse and the browser, found before any page is measured."""

    command: list[str]
    version: str
    browser: str


def find_tools(how: LabSettings) -> LabTools:
    """Missing parts are one line (exit 8), before a scan or a measurement starts."""
    from seolog.browser.browser import find_browser

    command = find_lighthouse(how.lighthouse)
    browser = find_browser(how.browser)
    return LabTools(command, lighthouse_version(command), browser)


def _shape(page: Any) -> str:
    """A page's DOM shape from what the scan stored: its heading, image and structured-data
    make-up, coarsely (two posts of one blog template differ in length, not in shape)."""
    h2 = min(len(page.h2 or []), 6)
    images = len(page.images or [])
    image_band = 0 if images == 0 else 1 if images <= 3 else 2 if images <= 15 else 3
    words = page.word_count or 0
    text_band = 0 if words < 100 else 1 if words < 600 else 2
    return f"h2:{h2}|img:{image_band}|ld:{min(len(page.json_ld or []), 3)}|text:{text_band}"


def candidates(ctx: AppContext, scan_id: int) -> list[PageShape]:
    """The scan's pages Lighthouse can judge: HTML answering 200 at their own URL."""
    with read_scope(ctx.engine) as session:
        rows = session.execute(
            select(Page)
            .where(
                col(Page.scan_id) == scan_id,
                col(Page.final_status_code) == 200,
                col(Page.redirect_hops) == 0,
            )
            .order_by(col(Page.id))
        ).scalars()
        return [
            PageShape(p.url, p.depth, _shape(p))
            for p in rows
            if is_html_type(p.content_type or "") and p.word_count is not None
        ]


def target_scan(ctx: AppContext, target: str, then: str = " --lab") -> tuple[int, list[str] | None]:
    """What `seolog lab TARGET` measures (and `seolog suggest TARGET` writes for): a scan ID, a
    site's latest completed scan, or a URL (that one page, of the latest completed scan of its
    site). None: the sample. `then`: the scan's flags the hint names."""
    from seolog.ids import numeric_id
    from seolog.services.sites import get_site
    from seolog.urls import root_url

    number = numeric_id(target)
    with read_scope(ctx.engine) as session:
        if number is not None:
            if repo.scan_by_id(session, number) is not None:
                return number, None
            if (
                repo.site_by_id(session, number) is None
                and repo.site_by_name(session, target) is None
            ):
                raise NotFoundError(f"no scan {target}", hint="list them with `seolog scans list`")
        url = target if "://" in target else None
        site = repo.site_by_root(session, root_url(url)) if url else get_site(session, target)
        scans = repo.completed_scans(session, site.id or 0) if site is not None else []
    if not scans:
        raise NotFoundError(
            f"no completed scan of {target}",
            hint=f"scan it first: seolog scan {target}{then}",
        )
    latest = max(scans, key=lambda scan: scan.id or 0)
    return latest.id or 0, [url] if url and url.rstrip("/") != root_url(url).rstrip("/") else None


def plan_urls(ctx: AppContext, scan_id: int, how: LabSettings) -> list[str]:
    """The pages to measure: one per template, the largest templates first, at most
    `how.pages`."""
    return sample_pages(candidates(ctx, scan_id), how.pages)


Progress = Callable[[int, int, str], None]  # (done, total, URL being measured)


def run_lab(
    ctx: AppContext,
    scan_id: int,
    how: LabSettings,
    urls: list[str] | None = None,
    progress: Progress | None = None,
    tools: LabTools | None = None,
) -> list[LabResult]:
    """Measure the pages and store each result as it comes: Ctrl-C keeps the pages measured
    so far. A new run of the same form factor replaces the scan's earlier results."""
    tools = tools or find_tools(how)
    with read_scope(ctx.engine) as session:
        if repo.scan_by_id(session, scan_id) is None:
            raise NotFoundError(f"no scan {scan_id}", hint="list them with `seolog scans list`")
    urls = urls if urls is not None else plan_urls(ctx, scan_id, how)
    with session_scope(ctx.engine) as session:
        session.execute(
            delete(LabRow).where(
                col(LabRow.scan_id) == scan_id, col(LabRow.form_factor) == how.form_factor
            )
        )
    results: list[LabResult] = []
    for done, url in enumerate(urls):
        if progress is not None:
            progress(done, len(urls), url)
        result = run_lighthouse(
            url,
            cmd=tools.command,
            chrome_path=tools.browser,
            form_factor="desktop" if how.desktop else "mobile",
            timeout_s=how.timeout,
        )
        _store(ctx, scan_id, result)
        results.append(result)
    if progress is not None:
        progress(len(urls), len(urls), "")
    return results


def _store(ctx: AppContext, scan_id: int, result: LabResult) -> None:
    values = {COLUMN.get(name, name): getattr(result, name) for name in (*CATEGORIES, *METRICS)}
    with session_scope(ctx.engine) as session:
        session.add(
            LabRow(
                scan_id=scan_id,
                url=result.url,
                final_url=result.final_url,
                template=template_pattern(result.url),
                form_factor=result.form_factor,
                lighthouse_version=result.lighthouse_version,
                error=result.error,
                measured_at=utcnow(),
                **values,
            )
        )


def lab_rows(ctx: AppContext, scan_id: int) -> list[dict[str, Any]]:
    """The scan's lab results as the scan document has them (`lab`), mobile first."""
    with read_scope(ctx.engine) as session:
        return lab_docs(session, scan_id)


def lab_docs(session: Any, scan_id: int) -> list[dict[str, Any]]:
    """`lab_rows` in a unit of work the caller has open (one connection: an in-memory store)."""
    rows = session.execute(
        select(LabRow)
        .where(col(LabRow.scan_id) == scan_id)
        .order_by(col(LabRow.form_factor).desc(), col(LabRow.id))
    ).scalars()
    return [lab_doc(r) for r in rows]


def lab_doc(row: Any) -> dict[str, Any]:
    """One page's lab result: the shape of LabResult.to_dict, with its template and time."""
    return {
        "url": row.url,
        "final_url": row.final_url,
        "template": row.template,
        "form_factor": row.form_factor,
        "lighthouse_version": row.lighthouse_version,
        "scores": {name: getattr(row, name) for name in CATEGORIES},
        "metrics": {name: getattr(row, COLUMN.get(name, name)) for name in METRICS},
        "error": row.error,
        "measured_at": row.measured_at.isoformat() if row.measured_at else None,
    }


def lowest(rows: list[dict[str, Any]], category: str) -> tuple[int, str] | None:
    """The lowest score of a category among the measured pages, and its page."""
    scored = [(r["scores"][category], r["url"]) for r in rows if r["scores"][category] is not None]
    return min(scored) if scored else None


def medians(rows: list[dict[str, Any]]) -> Iterator[tuple[str, int | None]]:
    """Each category's median score over the measured pages (a site's lab score)."""
    from statistics import median

    for name in CATEGORIES:
        values = [r["scores"][name] for r in rows if r["scores"][name] is not None]
        yield name, round(median(values)) if values else None


def median_performance(ctx: AppContext, scan_ids: list[int]) -> dict[int, int | None]:
    """Each scan's median mobile performance score, for a report's lab trend (scans without
    lab results are left out)."""
    from statistics import median

    if not scan_ids:
        return {}
    with read_scope(ctx.engine) as session:
        rows = session.execute(
            select(col(LabRow.scan_id), col(LabRow.performance)).where(
                col(LabRow.scan_id).in_(scan_ids),
                col(LabRow.form_factor) == "mobile",
                col(LabRow.performance).is_not(None),
            )
        ).all()
    by_scan: dict[int, list[int]] = {}
    for scan_id, performance in rows:
        by_scan.setdefault(scan_id, []).append(performance)
    return {scan_id: round(median(values)) for scan_id, values in by_scan.items()}
