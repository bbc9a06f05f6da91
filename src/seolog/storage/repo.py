"""Every query seolog makes. Small rows go through the ORM; pages and links through Core bulk inserts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, case, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col

from seolog.domain import CrawledPage, Finding, ResourceCheck, clip_text
from seolog.errors import StorageError
from seolog.ids import storable_id
from seolog.storage.models import (
    Issue,
    Link,
    OutboxItem,
    Page,
    PageResource,
    Resource,
    Scan,
    Site,
    SyncAccount,
    SyncPage,
    SyncPostId,
)

PAGES = Page.__table__  # type: ignore[attr-defined]
LINKS = Link.__table__  # type: ignore[attr-defined]
ISSUES = Issue.__table__  # type: ignore[attr-defined]
MAX_URL = 2048
PAGE_RESOURCES = PageResource.__table__  # type: ignore[attr-defined]
RESOURCES = Resource.__table__  # type: ignore[attr-defined]


# --- sites -----------------------------------------------------------------------------------


def site_by_name(session: Session, name: str) -> Site | None:
    return session.execute(select(Site).where(Site.name == name)).scalar_one_or_none()


def site_by_root(session: Session, root_url: str) -> Site | None:
    return session.execute(select(Site).where(Site.root_url == root_url)).scalar_one_or_none()


def site_by_id(session: Session, site_id: int) -> Site | None:
    return session.get(Site, site_id) if storable_id(site_id) else None


def list_sites(session: Session, include_inactive: bool = True) -> list[Site]:
    stmt = select(Site).order_by(Site.name)
    if not include_inactive:
        stmt = stmt.where(Site.active.is_(True))  # type: ignore[attr-defined]
    return list(session.execute(stmt).scalars())


def site_names(session: Session) -> list[str]:
    """Every site's name: what a mistyped name is compared with."""
    return list(session.execute(select(Site.name)).scalars())


def add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def delete_site(session: Session, site: Site) -> None:
    """Delete a site with its scans, pages and links, children first so no backend needs CASCADE."""
    scan_ids = select(Scan.id).where(Scan.site_id == site.id)
    for table in (OutboxItem, SyncPage, SyncPostId, SyncAccount):
        session.execute(delete(table).where(table.site_id == site.id))
    for child in (Link, PageResource, Resource):
        session.execute(delete(child).where(child.scan_id.in_(scan_ids)))  # type: ignore[attr-defined]
    session.execute(delete(Page).where(Page.scan_id.in_(scan_ids)))  # type: ignore[attr-defined]
    session.execute(delete(Scan).where(Scan.site_id == site.id))
    session.delete(site)


# --- scans -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteScanStats:
    scans: int
    last_scan_at: datetime | None


def site_scan_stats(session: Session, site_id: int) -> SiteScanStats:
    row = session.execute(
        select(func.count(Scan.id), func.max(Scan.started_at)).where(Scan.site_id == site_id)
    ).one()
    last = row[1]
    if last is not None and last.tzinfo is None:  # func.max bypasses the column type on SQLite
        last = last.replace(tzinfo=UTC)
    return SiteScanStats(scans=row[0], last_scan_at=last)


def scan_by_id(session: Session, scan_id: int) -> Scan | None:
    return session.get(Scan, scan_id) if storable_id(scan_id) else None


def list_scans(
    session: Session, site_id: int | None = None, limit: int = 20
) -> list[tuple[Scan, Site]]:
    stmt = (
        select(Scan, Site)
        .join(Site, Site.id == Scan.site_id)
        .order_by(col(Scan.id).desc())
        .limit(limit)
    )
    if site_id is not None:
        stmt = stmt.where(Scan.site_id == site_id)
    return [(r[0], r[1]) for r in session.execute(stmt)]


def scans_with_status(session: Session, status: str) -> list[tuple[Scan, Site]]:
    """Scans in one status (`running`: those a crash may have left so, too), oldest first."""
    stmt = (
        select(Scan, Site)
        .join(Site, Site.id == Scan.site_id)
        .where(Scan.status == status)
        .order_by(col(Scan.id))
    )
    return [(r[0], r[1]) for r in session.execute(stmt)]


def completed_scans(session: Session, site_id: int, before: int | None = None) -> list[Scan]:
    """A site's completed scans, newest first; with `before`, only those older than that scan."""
    stmt = select(Scan).where(Scan.site_id == site_id, Scan.status == "completed")
    if before is not None:
        stmt = stmt.where(Scan.id < before)  # type: ignore[operator]
    return list(session.execute(stmt.order_by(Scan.id.desc())).scalars())  # type: ignore[union-attr]


def delete_scan(session: Session, scan: Scan) -> None:
    """Delete a scan with its pages and links. Its pages still queued for the platform stay
    queued (their rows carry what is sent); the sent ones go."""
    outbox = OutboxItem.scan_id == scan.id
    session.execute(delete(OutboxItem).where(outbox, OutboxItem.state == "sent"))
    session.execute(update(OutboxItem).where(outbox).values(scan_id=None))
    for child in (Link, PageResource, Resource):
        session.execute(delete(child).where(child.scan_id == scan.id))
    session.execute(delete(Page).where(Page.scan_id == scan.id))
    session.delete(scan)


@dataclass(frozen=True)
class PageCounts:
    total: int
    html: int
    ok: int  # 2xx
    redirects: int  # 3xx
    client_errors: int  # 4xx
    server_errors: int  # 5xx
    failed: int  # no response at all
    blocked: int  # robots.txt said no


def page_counts(session: Session, scan_id: int) -> PageCounts:
    code = Page.status_code

    def count_if(cond: Any) -> Any:
        return func.sum(case((cond, 1), else_=0))

    row = session.execute(
        select(
            func.count(Page.id),
            count_if(Page.title.is_not(None) | Page.word_count.is_not(None)),  # type: ignore[union-attr]
            count_if((code >= 200) & (code < 300)),  # type: ignore[operator]
            count_if((code >= 300) & (code < 400)),  # type: ignore[operator]
            count_if((code >= 400) & (code < 500)),  # type: ignore[operator]
            count_if(code >= 500),  # type: ignore[operator]
            count_if(code.is_(None) & (Page.error_kind != "blocked_robots")),  # type: ignore[union-attr]
            count_if(Page.error_kind == "blocked_robots"),
        ).where(Page.scan_id == scan_id)
    ).one()
    return PageCounts(*(int(v or 0) for v in row))


def pages_of_scan(
    session: Session, scan_id: int, problems_only: bool = False, limit: int | None = None
) -> list[Page]:
    stmt = select(Page).where(Page.scan_id == scan_id).order_by(Page.id)
    if problems_only:
        stmt = stmt.where((Page.status_code >= 400) | Page.error_kind.is_not(None))  # type: ignore[operator, union-attr]
    if limit:
        stmt = stmt.limit(limit)
    return list(session.execute(stmt).scalars())


# What a page says in the scan document (`services.results.page_doc`), by name.
PAGE_DOC_COLUMNS = (
    Page.url,
    Page.final_url,
    Page.status_code,
    Page.final_status_code,
    Page.content_type,
    Page.depth,
    Page.found_via,
    Page.in_sitemap,
    Page.response_ms,
    Page.size_bytes,
    Page.score,
    Page.indexable,
    Page.title,
    Page.meta_description,
    Page.h1,
    Page.canonical,
    Page.word_count,
    Page.error_kind,
    Page.error_message,
)


def streamed(session: Session, stmt: Any, chunk: int = 1000) -> Iterator[Any]:
    """The rows of `stmt`, `chunk` fetched at a time (never the whole result in memory);
    stopping early closes the cursor."""
    result = session.execute(stmt.execution_options(yield_per=chunk))
    try:
        yield from result
    finally:
        result.close()


def page_doc_rows(session: Session, scan_id: int, chunk: int = 1000) -> Iterator[Any]:
    """The scan's pages as in its document (PAGE_DOC_COLUMNS), in crawl order, `chunk` rows
    fetched at a time: a million-page document is written without holding its pages."""
    stmt = select(*PAGE_DOC_COLUMNS).where(Page.scan_id == scan_id).order_by(Page.id)
    return streamed(session, stmt, chunk)


# --- the crawl's bulk writes and the resume frontier -------------------------------------------


def _page_row(scan_id: int, page: CrawledPage, now: datetime) -> dict[str, Any]:
    f = page.fetch
    s = page.snapshot
    row: dict[str, Any] = {
        "scan_id": scan_id,
        "url": f.url,
        "final_url": f.final_url,
        "status_code": f.hops[0].status if f.hops else f.status_code,
        "final_status_code": f.status_code,
        "content_type": f.content_type or None,
        "size_bytes": f.size,
        "response_ms": round(f.response_ms, 1) if f.response_ms is not None else None,
        "depth": page.depth,
        "found_via": page.found_via,
        "in_sitemap": page.in_sitemap,
        "redirect_hops": len(f.hops),
        "redirect_chain": [
            {"url": h.url, "status": h.status, "location": h.location} for h in f.hops
        ]
        or None,
        "x_robots_tag": f.headers.get("x-robots-tag"),
        "headers": f.headers or None,
        "error_kind": f.error_kind.value if f.error_kind else None,
        "error_message": f.error,
        "html": page.html,
        "render": page.render_record(),
        "fetched_at": now,
        "indexable": page.indexable,
        "title": None,
        "meta_description": None,
        "h1": None,
        "h2": None,
        "canonical": None,
        "meta_robots": None,
        "lang": None,
        "hreflang": None,
        "word_count": None,
        "content_hash": None,
        "simhash": None,
        "soft_404": None,
        "open_graph": None,
        "twitter": None,
        "json_ld": None,
        "images": None,
        "viewport": None,
        "wp_post_id": None,
    }
    if s is not None:
        row.update(
            # Capped: the checks judged the whole texts already (MAX_STORED_TEXT says why).
            title=clip_text(s.title),
            meta_description=clip_text(s.meta_description),
            h1=_clipped(s.h1),
            h2=_clipped(s.h2),
            canonical=s.canonical,
            meta_robots=s.meta_robots,
            lang=s.lang,
            hreflang=s.hreflang or None,
            word_count=s.word_count,
            content_hash=s.content_hash,
            simhash=s.simhash,
            soft_404=s.soft_404[:100] if s.soft_404 else None,
            open_graph=s.open_graph or None,
            twitter=s.twitter or None,
            json_ld=s.json_ld or None,
            images=[{"src": i.src, "alt": clip_text(i.alt)} for i in s.images] or None,
            viewport=s.viewport,
            wp_post_id=s.wp_post_id,
        )
    return row


def _clipped(texts: list[str] | None) -> list[str] | None:
    return [clip_text(t) or "" for t in texts] if texts is not None else None


def issue_row(scan_id: int, page_id: int | None, f: Finding) -> dict[str, Any]:
    return {
        "scan_id": scan_id,
        "page_id": page_id,
        "url": f.url,
        "code": f.code,
        "severity": f.severity.value,
        "message": f.message,
        "details": f.details or None,
    }


def _bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """executemany straight to the driver for rows of plain values (no JSON, no datetimes).

    Links are ~50 rows per page; SQLAlchemy's per-row parameter processing costs more than SQLite's
    insert itself. The statement is still compiled for the connection's dialect, so this stays
    portable (qmark tuples on SQLite, named parameters on PostgreSQL).
    """
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(rows[0]))
    if compiled.positional and compiled.positiontup is not None:
        keys = compiled.positiontup
        row_tuple = itemgetter(*keys) if len(keys) > 1 else lambda r: (r[keys[0]],)
        conn.exec_driver_sql(str(compiled), [row_tuple(r) for r in rows])
    else:
        conn.exec_driver_sql(str(compiled), rows)


def save_pages(engine: Engine, scan_id: int, pages: Sequence[CrawledPage]) -> int:
    """Write a batch of pages with their links and add them to the scan's running count, in one
    transaction; returns the scan's count after it.

    Core executemany with RETURNING is ~15x faster than ORM objects for these rows, and one
    transaction per batch keeps the store consistent whenever the crawl is interrupted. The count
    is added to in SQL, not set: several page workers save batches of the same scan at once.
    """
    if not pages:
        return _pages_crawled(engine, scan_id)
    now = datetime.now(UTC)
    try:
        with engine.begin() as conn:
            ids = (
                conn.execute(
                    insert(PAGES).returning(PAGES.c.id, sort_by_parameter_order=True),
                    [_page_row(scan_id, p, now) for p in pages],
                )
                .scalars()
                .all()
            )
            links = [
                {
                    "scan_id": scan_id,
                    "source_page_id": page_id,
                    "target_url": link.url,
                    "anchor_text": clip_text(link.text) or None,
                    "rel": link.rel or None,
                    "internal": link.internal,
                }
                for page_id, p in zip(ids, pages, strict=True)
                if p.snapshot is not None
                for link in p.snapshot.links
            ]
            if links:
                _bulk_insert(conn, LINKS, links)
            uses = [
                {"scan_id": scan_id, "page_id": page_id, "url": r.url, "kind": r.kind.value}
                for page_id, p in zip(ids, pages, strict=True)
                if p.snapshot is not None
                for r in p.snapshot.resources
                if len(r.url) <= MAX_URL  # the column's width; no real resource is longer
            ]
            if uses:
                _bulk_insert(conn, PAGE_RESOURCES, uses)
            findings = [
                issue_row(scan_id, page_id, f)
                for page_id, p in zip(ids, pages, strict=True)
                for f in p.findings
            ]
            if findings:
                conn.execute(insert(ISSUES), findings)
            count: int = conn.execute(
                update(Scan)
                .where(col(Scan.id) == scan_id)
                .values(
                    pages_crawled=col(Scan.pages_crawled) + len(pages),
                    updated_at=now,
                    **_judged(conn, scan_id, pages),
                )
                .returning(col(Scan.pages_crawled))
            ).scalar_one()
    except OperationalError as e:
        raise StorageError(
            f"cannot save crawled pages: {e.orig}", hint="check the disk and retry"
        ) from e
    return count


def _pages_crawled(engine: Engine, scan_id: int) -> int:
    with engine.connect() as conn:
        stored = conn.execute(select(Scan.pages_crawled).where(col(Scan.id) == scan_id))
        return int(stored.scalar_one_or_none() or 0)


def _resource_row(scan_id: int, check: ResourceCheck, now: datetime) -> dict[str, Any]:
    f = check.result
    return {
        "scan_id": scan_id,
        "url": check.url,
        "external": check.external,
        "method": check.method,
        "status_code": f.hops[0].status if f.hops else f.status_code,
        "final_url": f.final_url,
        "final_status_code": f.status_code if f.error_kind is None else None,
        "redirect_chain": [
            {"url": h.url, "status": h.status, "location": h.location} for h in f.hops
        ]
        or None,
        "content_type": (f.content_type or None) and f.content_type[:200],
        "size_bytes": f.size,
        "error_kind": f.error_kind.value if f.error_kind else None,
        "error_message": f.error,
        "response_ms": f.response_ms,
        "checked_at": now,
    }


def save_resources(engine: Engine, scan_id: int, checks: Sequence[ResourceCheck]) -> None:
    """Write a batch of checked resources. A URL checked again (a resume racing an earlier
    run's last batch) replaces its row: one row per URL and scan."""
    if not checks:
        return
    now = datetime.now(UTC)
    rows = {c.url: _resource_row(scan_id, c, now) for c in checks}
    try:
        with engine.begin() as conn:
            for start in range(0, len(rows), 500):
                urls = list(rows)[start : start + 500]
                conn.execute(
                    delete(RESOURCES).where(
                        RESOURCES.c.scan_id == scan_id, RESOURCES.c.url.in_(urls)
                    )
                )
            conn.execute(insert(RESOURCES), list(rows.values()))
    except OperationalError as e:
        raise StorageError(
            f"cannot save checked resources: {e.orig}", hint="check the disk and retry"
        ) from e


def checked_resources(session: Session, scan_id: int) -> set[str]:
    """URLs of the scan already checked: a resumed crawl does not ask them again."""
    return set(session.execute(select(Resource.url).where(Resource.scan_id == scan_id)).scalars())


def unchecked_resources(session: Session, scan_id: int) -> list[tuple[str, str]]:
    """(url, kind) the scan's stored pages use that no run has checked yet (the run that stored
    them was interrupted): a resumed crawl checks them. Reached through the scan's pages, and
    NOT EXISTS (an anti-join on the resources' unique index), never NOT IN: PostgreSQL plans a
    NOT IN over 100,000 rows as a subplan per row."""
    checked = (
        select(Resource.id)
        .where(Resource.scan_id == scan_id, Resource.url == PageResource.url)
        .exists()
    )
    stmt = (
        select(PageResource.url, func.min(PageResource.kind))
        .join(Page, Page.id == PageResource.page_id)
        .where(Page.scan_id == scan_id, ~checked)
        .group_by(PageResource.url)
        .order_by(PageResource.url)
    )
    return [(r[0], r[1]) for r in session.execute(stmt)]


def resources_of_scan(session: Session, scan_id: int) -> list[tuple[Any, dict[str, int]]]:
    """Every checked resource of the scan as plain rows (not ORM objects: a scan may have
    100,000), by URL, with how many pages use it per kind."""
    uses: dict[str, dict[str, int]] = {}
    stmt = (
        select(
            PageResource.url,
            PageResource.kind,
            func.count(func.distinct(PageResource.page_id)),
        )
        .join(Page, Page.id == PageResource.page_id)
        .where(Page.scan_id == scan_id)
        .group_by(PageResource.url, PageResource.kind)
    )
    for url, kind, n in session.execute(stmt):
        uses.setdefault(url, {})[kind] = int(n)
    rows = session.execute(
        select(RESOURCES).where(RESOURCES.c.scan_id == scan_id).order_by(RESOURCES.c.url)
    )
    return [(r, uses.get(r.url, {})) for r in rows]


def _judged(conn: Connection, scan_id: int, pages: Sequence[CrawledPage]) -> dict[str, Any]:
    """The scan's coverage with the batch's pages judged per page check added, written in the
    batch's transaction so the counts always match the pages stored (Ctrl-C, resumes)."""
    judged = Counter(code for p in pages for code in p.judged)
    if not judged:
        return {}
    # Locked to the end of the transaction: another page worker adds its batch's counts after
    # this one's, not over them (PostgreSQL; SQLite has one writer at a time anyway). NO KEY
    # UPDATE, so it waits for no worker merely inserting pages that refer to the scan.
    stored = conn.execute(
        select(Scan.coverage).where(col(Scan.id) == scan_id).with_for_update(key_share=True)
    ).scalar_one()
    coverage = dict(stored or {})
    counts = dict(coverage.get("pages") or {})
    for code, n in judged.items():
        counts[code] = counts.get(code, 0) + n
    coverage["pages"] = counts
    return {"coverage": coverage}


def crawled_urls(session: Session, scan_id: int) -> Iterator[tuple[str, str | None]]:
    """(url, final_url) of every stored page: the 'seen' set a resumed crawl starts from."""
    yield from session.execute(select(Page.url, Page.final_url).where(Page.scan_id == scan_id))


def pending_links(session: Session, scan_id: int) -> Iterator[tuple[str, int | None]]:
    """Internal link targets not crawled yet, shallowest source first (a source of no known
    depth last), for a resumed crawl; read as iterated."""
    crawled = select(Page.url).where(Page.scan_id == scan_id)
    depth = func.min(Page.depth)
    stmt = (
        select(Link.target_url, depth)
        .join(Page, Page.id == Link.source_page_id)
        .where(Page.scan_id == scan_id, Link.internal.is_(True))  # type: ignore[attr-defined]
        .where(Link.target_url.not_in(crawled))  # type: ignore[attr-defined]
        .group_by(Link.target_url)
        .order_by(depth.is_(None), depth, Link.target_url)
    )
    for row in session.execute(stmt):
        yield row[0], row[1]


def declared_targets(session: Session, scan_id: int) -> Iterator[tuple[str, int | None]]:
    """Canonical and hreflang URLs the scan's pages declare, with the declaring page's depth,
    shallowest page first (a page of no known depth last).

    A crawl queues these as well as links, so a resumed crawl must find them again; the caller
    drops the ones already crawled or out of scope.
    """
    stmt = (
        select(Page.canonical, Page.hreflang, Page.depth)
        .where(
            Page.scan_id == scan_id,
            (Page.canonical.is_not(None)) | (Page.hreflang.is_not(None)),  # type: ignore[union-attr]
        )
        .order_by(Page.depth.is_(None), Page.depth, Page.id)  # type: ignore[union-attr]
    )
    for canonical, hreflang, depth in session.execute(stmt):
        if canonical:
            yield canonical, depth
        for entry in hreflang or []:
            if entry.get("url"):
                yield entry["url"], depth
