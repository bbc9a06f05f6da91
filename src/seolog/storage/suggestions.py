"""Queries of language-model suggestions and their runs, and what a run reads from its scan."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlmodel import Session, col, select

from seolog.storage.models import Issue, Page, Suggestion, SuggestionRun, utcnow

# What a prompt is grounded on, and what decides whether a page is asked about.
_PROMPT_COLUMNS = (
    Page.id,
    Page.url,
    Page.title,
    Page.meta_description,
    Page.h1,
    Page.lang,
    Page.images,
    Page.indexable,
)


def scan_pages(session: Session, scan_id: int) -> list[Any]:
    """The scan's HTML pages that answered 200, with what a prompt is grounded on."""
    stmt = (
        select(*_PROMPT_COLUMNS)
        .where(Page.scan_id == scan_id, Page.final_status_code == 200)
        .where(col(Page.content_type).like("text/html%"))
        .order_by(col(Page.id))
    )
    return list(session.exec(stmt))


def page_html(session: Session, page_ids: Sequence[int]) -> dict[int, str]:
    """The stored HTML (`--store-html`) of these pages only: a big scan's HTML is not all read
    to write for a few of its pages."""
    found: dict[int, str] = {}
    for start in range(0, len(page_ids), 500):
        chunk = list(page_ids[start : start + 500])
        stmt = select(Page.id, Page.html).where(
            col(Page.id).in_(chunk), col(Page.html).is_not(None)
        )
        found.update({page_id: html for page_id, html in session.exec(stmt) if page_id and html})
    return found


def page_codes(session: Session, scan_id: int) -> dict[int, set[str]]:
    """The codes found on each page of the scan (site-wide findings by the page they name)."""
    stmt = select(Issue.page_id, Issue.code, Issue.url).where(Issue.scan_id == scan_id)
    ids = {url: page_id for page_id, url in session.exec(select(Page.id, Page.url).where(
        Page.scan_id == scan_id))}  # fmt: skip
    found: dict[int, set[str]] = {}
    for page_id, code, url in session.exec(stmt):
        target = page_id if page_id is not None else ids.get(url)
        if target is not None:
            found.setdefault(target, set()).add(code)
    return found


def kept(session: Session, site_id: int, fields: Iterable[str]) -> dict[tuple[str, str, str], Any]:
    """The suggestions already made for the site's pages that a run must not pay for again:
    (page URL, field, target) → (what the page said then, its language). Rejected ones are
    not kept: the user asked for another."""
    stmt = (
        select(
            Suggestion.page_url,
            Suggestion.field,
            Suggestion.target,
            Suggestion.current,
            Suggestion.lang,
        )
        .where(Suggestion.site_id == site_id, col(Suggestion.field).in_(list(fields)))
        .where(Suggestion.status != "rejected")
    )
    return {
        (url, f, target): (current, lang) for url, f, target, current, lang in session.exec(stmt)
    }


def add_run(session: Session, run: SuggestionRun) -> SuggestionRun:
    session.add(run)
    session.flush()
    return run


def run_by_id(session: Session, run_id: int) -> SuggestionRun | None:
    return session.get(SuggestionRun, run_id)


def add_suggestions(session: Session, rows: Sequence[Suggestion]) -> None:
    session.add_all(list(rows))
    session.flush()


def suggestions(
    session: Session,
    site_id: int | None = None,
    scan_id: int | None = None,
    statuses: Sequence[str] = (),
    fields: Sequence[str] = (),
    ids: Sequence[int] = (),
    run_id: int | None = None,
) -> list[Suggestion]:
    stmt = select(Suggestion)
    if site_id is not None:
        stmt = stmt.where(Suggestion.site_id == site_id)
    if scan_id is not None:
        stmt = stmt.where(Suggestion.scan_id == scan_id)
    if run_id is not None:
        stmt = stmt.where(Suggestion.run_id == run_id)
    if statuses:
        stmt = stmt.where(col(Suggestion.status).in_(list(statuses)))
    if fields:
        stmt = stmt.where(col(Suggestion.field).in_(list(fields)))
    if ids:
        stmt = stmt.where(col(Suggestion.id).in_(list(ids)))
    return list(session.exec(stmt.order_by(col(Suggestion.id))))


def set_status(session: Session, rows: Sequence[Suggestion], status: str) -> None:
    now = utcnow()
    for row in rows:
        row.status = status
        row.updated_at = now
        session.add(row)
    session.flush()


def runs(session: Session, site_id: int | None = None) -> list[SuggestionRun]:
    stmt = select(SuggestionRun)
    if site_id is not None:
        stmt = stmt.where(SuggestionRun.site_id == site_id)
    return list(session.exec(stmt.order_by(col(SuggestionRun.id))))
