"""Queries of the audit: what site checks read, and where findings and scores are written.

Link queries never join every link to its target page: a scan has ~50 links a page and no index
on target URLs (it would slow every save). They filter links by a small set of URLs first.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, func, or_, select, update
from sqlmodel import Session

from seolog.domain import Finding
from seolog.storage.models import Issue, Link, Page, PageResource, Resource, Scan
from seolog.storage.repo import ISSUES, issue_row, streamed

PAGES = Page.__table__  # type: ignore[attr-defined]

SITE_COLUMNS = (
    Page.id,
    Page.url,
    Page.final_url,
    Page.status_code,
    Page.final_status_code,
    Page.error_kind,
    Page.word_count,
    Page.indexable,
    Page.meta_robots,
    Page.x_robots_tag,
    Page.in_sitemap,
    Page.found_via,
    Page.title,
    Page.meta_description,
    Page.content_hash,
    Page.canonical,
    Page.hreflang,
    Page.simhash,
    Page.soft_404,
)


def page_rows(session: Session, scan_id: int, chunk: int = 1000) -> Iterator[Any]:
    """One row per page with the columns of SITE_COLUMNS, in crawl order, fetched `chunk` rows
    at a time (never the whole scan in memory; stopping early closes the cursor)."""
    stmt = select(*SITE_COLUMNS).where(Page.scan_id == scan_id).order_by(Page.id)
    return streamed(session, stmt, chunk)


def page_count(session: Session, scan_id: int) -> int:
    stmt = select(func.count(Page.id)).where(Page.scan_id == scan_id)
    return int(session.execute(stmt).scalar_one())


def pages_by_url(session: Session, scan_id: int, urls: Sequence[str]) -> Iterator[Any]:
    """The rows (SITE_COLUMNS) of the scan's pages among `urls` (at most a few hundred)."""
    if urls:
        stmt = select(*SITE_COLUMNS).where(
            Page.scan_id == scan_id,
            Page.url.in_(urls),  # type: ignore[attr-defined]
        )
        yield from session.execute(stmt)


def troubled_page_rows(session: Session, scan_id: int) -> Iterator[Any]:
    """Rows (SITE_COLUMNS) of the pages a link into is a finding: failed for a visitor (an
    error status or no response; a robots block is neither) or redirected. In crawl order."""
    broken = or_(
        and_(Page.error_kind.is_not(None), Page.error_kind != "blocked_robots"),  # type: ignore[union-attr]
        Page.final_status_code >= 400,  # type: ignore[operator]
    )
    redirects = Page.status_code.between(300, 399)  # type: ignore[union-attr]
    stmt = (
        select(*SITE_COLUMNS)
        .where(Page.scan_id == scan_id, or_(broken, redirects))
        .order_by(Page.id)
    )
    yield from session.execute(stmt)


def sitemap_only_urls(session: Session, scan_id: int) -> Iterator[str]:
    """URLs of pages listed in a sitemap and found there first (no link led to them before)."""
    stmt = (
        select(Page.url)
        .where(
            Page.scan_id == scan_id,
            Page.in_sitemap.is_(True),  # type: ignore[attr-defined]
            Page.found_via == "sitemap",
        )
        .order_by(Page.id)
    )
    yield from session.execute(stmt).scalars()


def blocked_urls(session: Session, scan_id: int) -> list[str]:
    """URLs robots.txt kept the crawl from fetching."""
    stmt = (
        select(Page.url)
        .where(Page.scan_id == scan_id, Page.error_kind == "blocked_robots")
        .order_by(Page.id)
    )
    return list(session.execute(stmt).scalars())


def page_ids(session: Session, scan_id: int, urls: Iterable[str]) -> dict[str, int]:
    """The IDs of the scan's pages among `urls`, by URL."""
    wanted = list(dict.fromkeys(urls))
    found: dict[str, int] = {}
    stmt = select(Page.url, Page.id).where(
        Page.scan_id == scan_id,
        Page.url.in_(bindparam("urls", expanding=True)),  # type: ignore[attr-defined]
    )
    for start in range(0, len(wanted), 500):
        found.update(
            (r[0], r[1]) for r in session.execute(stmt, {"urls": wanted[start : start + 500]})
        )
    return found


def mark_in_sitemap(session: Session, scan_id: int, urls: Sequence[str]) -> None:
    """Pages stored before the sitemaps were read (the start page) that the sitemaps list."""
    if urls:
        session.execute(
            update(Page)
            .where(Page.scan_id == scan_id, Page.url.in_(urls))  # type: ignore[attr-defined]
            .values(in_sitemap=True)
        )


def add_sitemap_hreflang(
    session: Session, scan_id: int, alternates: dict[str, list[list[str]]]
) -> None:
    """hreflang the sitemaps state for pages stored before the sitemaps were read."""
    for url, pairs in alternates.items():
        row = session.execute(
            select(Page.id, Page.hreflang).where(Page.scan_id == scan_id, Page.url == url)
        ).first()
        if row is None:
            continue
        entries = [*(row.hreflang or [])]
        new = [{"lang": lang, "url": target, "source": "sitemap"} for lang, target in pairs]
        entries += [e for e in new if e not in entries]  # an audit run again adds nothing
        session.execute(update(Page).where(Page.id == row.id).values(hreflang=entries))


def links_into(session: Session, scan_id: int, targets: Iterable[str]) -> list[tuple[str, str]]:
    """(source page URL, target URL) of the scan's internal links pointing at `targets`."""
    wanted = list(dict.fromkeys(targets))
    if not wanted:
        return []
    source = Page.__table__.alias("source")  # type: ignore[attr-defined]
    stmt = (
        select(source.c.url, Link.target_url)
        .join(source, source.c.id == Link.source_page_id)
        .where(source.c.scan_id == scan_id, Link.internal.is_(True))  # type: ignore[attr-defined]
        .where(Link.target_url.in_(bindparam("targets", expanding=True)))  # type: ignore[attr-defined]
        .distinct()
    )
    found: list[tuple[str, str]] = []
    for start in range(0, len(wanted), 500):  # keeps under every backend's parameter limit
        rows = session.execute(stmt, {"targets": wanted[start : start + 500]})
        found.extend((r[0], r[1]) for r in rows)
    return found


def troubled_resources(session: Session, scan_id: int, max_image_bytes: int) -> Iterator[Any]:
    """(page URL, kind, resource row) of each page's use of a resource with a problem: it
    failed or redirected, or (an image) is over `max_image_bytes` or not an image, or (a
    stylesheet) is not CSS. Reached through the scan's pages (indexed), never a scan of every
    scan's resources."""
    kind = PageResource.kind
    ctype = func.lower(func.coalesce(Resource.content_type, ""))
    problem = or_(
        Resource.error_kind.is_not(None),  # type: ignore[union-attr]
        Resource.final_status_code >= 400,  # type: ignore[operator]
        Resource.status_code.between(300, 399),  # type: ignore[union-attr]
        and_(
            kind == "image",
            or_(
                Resource.size_bytes > max_image_bytes,  # type: ignore[operator]
                and_(ctype != "", ctype.not_like("image/%")),
            ),
        ),
        and_(kind == "stylesheet", ctype != "", ctype.not_like("text/css%")),
    )
    stmt = (
        select(Page.url, kind, Resource)
        .join(PageResource, PageResource.page_id == Page.id)
        .join(
            Resource,
            and_(Resource.scan_id == scan_id, Resource.url == PageResource.url),
        )
        .where(Page.scan_id == scan_id, problem)
        .order_by(Resource.url, Page.id)
    )
    yield from session.execute(stmt)


def external_checked(session: Session, scan_id: int) -> int:
    """How many URLs on other hosts the scan checked (none with --external-skip '*')."""
    stmt = select(func.count(Resource.id)).where(
        Resource.scan_id == scan_id,
        Resource.external.is_(True),  # type: ignore[attr-defined]
        Resource.method != "",
    )
    return int(session.execute(stmt).scalar_one())


def delete_site_findings(session: Session, scan_id: int, site_codes: set[str]) -> None:
    """Site findings of an earlier audit of this scan (before a resume) go before new ones."""
    session.execute(delete(Issue).where(Issue.scan_id == scan_id, Issue.code.in_(site_codes)))  # type: ignore[attr-defined]


def add_site_findings(
    session: Session, scan_id: int, findings: Sequence[Finding], page_ids: dict[str, int]
) -> None:
    rows = [issue_row(scan_id, page_ids.get(f.url), f) for f in findings]
    if rows:
        session.execute(ISSUES.insert(), rows)


def site_finding_codes(session: Session, scan_id: int) -> Iterator[tuple[str, str]]:
    """(code, severity) of the scan's site-wide findings (on no page), in the order found."""
    stmt = (
        select(Issue.code, Issue.severity)
        .where(Issue.scan_id == scan_id, Issue.page_id.is_(None))  # type: ignore[union-attr]
        .order_by(Issue.id)
    )
    for row in session.execute(stmt):
        yield row[0], row[1]


_IN_LIMIT = 500  # values in one IN (...): under every backend's parameter limit


def scored_pages(
    session: Session, scan_id: int, chunk: int
) -> Iterator[dict[int, list[tuple[str, str]]]]:
    """The pages to score, up to `chunk` at a time in crawl order: every HTML page and every
    page with a finding, each with the (code, severity) of its findings in the order found.
    Only the IDs of the scan's pages are held whole (8 bytes each)."""
    ids, html = array("q"), bytearray()
    listed = (
        select(Page.id, Page.word_count.is_not(None))  # type: ignore[union-attr]
        .where(Page.scan_id == scan_id)
        .order_by(Page.id)
    )
    for pid, is_html in session.execute(listed.execution_options(yield_per=10_000)):
        ids.append(pid)
        html.append(bool(is_html))
    found_on = (
        select(Issue.page_id, Issue.code, Issue.severity)
        .where(Issue.page_id.in_(bindparam("ids", expanding=True)))  # type: ignore[union-attr]
        .order_by(Issue.page_id, Issue.id)
    )
    step = max(1, min(chunk, _IN_LIMIT))
    for start in range(0, len(ids), step):
        batch = ids[start : start + step]
        found: dict[int, list[tuple[str, str]]] = {}
        for pid, code, severity in session.execute(found_on, {"ids": list(batch)}):
            found.setdefault(pid, []).append((code, severity))
        yield {
            pid: found.get(pid, [])
            for i, pid in enumerate(batch)
            if html[start + i] or pid in found
        }


def clear_scores(session: Session, scan_id: int) -> None:
    """An earlier audit's page scores (before a resume) are dropped before scoring again."""
    session.execute(update(Page).where(Page.scan_id == scan_id).values(score=None))


def save_page_scores(session: Session, page_scores: dict[int, int]) -> None:
    if page_scores:
        session.execute(
            update(PAGES).where(PAGES.c.id == bindparam("pid")).values(score=bindparam("s")),
            [{"pid": pid, "s": s} for pid, s in page_scores.items()],
        )


def save_site_score(session: Session, scan_id: int, site_score: int | None) -> None:
    session.execute(update(Scan).where(Scan.id == scan_id).values(score=site_score))


def save_coverage(
    session: Session, scan_id: int, page_codes: Iterable[str], site: dict[str, bool]
) -> None:
    """The audit's part of the scan's coverage: every page check that ran (0 where it judged no
    page) and whether each site check applied. An earlier audit's (before a resume) is replaced."""
    stored = session.execute(select(Scan.coverage).where(Scan.id == scan_id)).scalar_one()
    coverage = dict(stored or {})
    pages = {code: 0 for code in page_codes} | dict(coverage.get("pages") or {})
    coverage.update(pages=pages, site=dict(site))
    session.execute(update(Scan).where(Scan.id == scan_id).values(coverage=coverage))


def coverage_of(session: Session, scan_id: int) -> dict[str, Any] | None:
    return session.execute(select(Scan.coverage).where(Scan.id == scan_id)).scalar_one_or_none()


def failed_pages(session: Session, scan_id: int) -> dict[str, int]:
    """Per code, the distinct URLs with a finding of it."""
    stmt = (
        select(Issue.code, func.count(func.distinct(Issue.url)))
        .where(Issue.scan_id == scan_id)
        .group_by(Issue.code)
    )
    return {code: int(n) for code, n in session.execute(stmt)}


def errored_checks(session: Session, scan_id: int, code: str) -> set[str]:
    """The checks named by the scan's `code` findings (check-error: which checks raised)."""
    stmt = select(Issue.details).where(Issue.scan_id == scan_id, Issue.code == code)
    return {str(d["check"]) for d in session.execute(stmt).scalars() if d and d.get("check")}


def issues_of_scan(
    session: Session, scan_id: int, code: str | None = None, limit: int | None = None
) -> list[Issue]:
    stmt = select(Issue).where(Issue.scan_id == scan_id)
    if code is not None:
        stmt = stmt.where(Issue.code == code)
    stmt = stmt.order_by(Issue.id)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.execute(stmt).scalars())


def issue_rows(session: Session, scan_id: int, chunk: int = 1000) -> Iterator[Any]:
    """The scan's findings as in its document (code, severity, url, message, details), in the
    order found, `chunk` rows fetched at a time."""
    stmt = (
        select(Issue.code, Issue.severity, Issue.url, Issue.message, Issue.details)
        .where(Issue.scan_id == scan_id)
        .order_by(Issue.id)
    )
    return streamed(session, stmt, chunk)


def issue_count(session: Session, scan_id: int) -> int:
    stmt = select(func.count(Issue.id)).where(Issue.scan_id == scan_id)
    return int(session.execute(stmt).scalar_one())


def issue_counts(session: Session, scan_id: int) -> list[tuple[str, str, int]]:
    """(code, severity, findings) of the scan, most frequent first."""
    n = func.count(Issue.id)
    stmt = (
        select(Issue.code, Issue.severity, n)
        .where(Issue.scan_id == scan_id)
        .group_by(Issue.code, Issue.severity)
        .order_by(n.desc(), Issue.code)
    )
    return [(r[0], r[1], int(r[2])) for r in session.execute(stmt)]


def worst_pages(session: Session, scan_id: int, limit: int) -> list[tuple[int, str, int]]:
    """(page id, URL, score) of the lowest-scoring pages below 100."""
    stmt = (
        select(Page.id, Page.url, Page.score)
        .where(Page.scan_id == scan_id, Page.score < 100)  # type: ignore[operator]
        .order_by(Page.score, Page.id)
        .limit(limit)
    )
    return [(r[0], r[1], int(r[2])) for r in session.execute(stmt)]


def codes_by_page(session: Session, page_ids: Sequence[int]) -> dict[int, list[str]]:
    """The distinct codes found on each page, worst severity first."""
    if not page_ids:
        return {}
    rank = case((Issue.severity == "error", 0), (Issue.severity == "warning", 1), else_=2)
    stmt = (
        select(Issue.page_id, Issue.code)
        .where(Issue.page_id.in_(page_ids))  # type: ignore[union-attr]
        .group_by(Issue.page_id, Issue.code)
        .order_by(func.min(rank), Issue.code)
    )
    found: dict[int, list[str]] = {pid: [] for pid in page_ids}
    for page_id, code in session.execute(stmt):
        found[page_id].append(code)
    return found
