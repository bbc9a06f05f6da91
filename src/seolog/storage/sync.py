"""The sync tables' queries: accounts, stable post ids, the outbox and the platform's page ids."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import CursorResult, Engine
from sqlmodel import Session

from seolog.domain import WP_MAX_POST_ID, FetchErrorKind, is_html_type
from seolog.storage.models import (
    Issue,
    Link,
    OutboxItem,
    Page,
    SyncAccount,
    SyncPage,
    SyncPostId,
    utcnow,
)

OUTBOX = OutboxItem.__table__  # type: ignore[attr-defined]
PAGES = SyncPage.__table__  # type: ignore[attr-defined]
OPEN_STATES = ("pending", "page-sent")
# Never sent and never retried: the platform cannot take the page (its reason in last_error). A
# later scan's row for the URL replaces it, as it does a failed one.
UNSENDABLE = "unsendable"
_PAGE_BATCH = 500  # pages whose links and issues are read in one query


# --- where pages go ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dest:
    """Where a push sends: a seolog site's pages, at one API, into the platform site the key
    opens. The outbox and the platform's page ids are kept per Dest: what went to one platform
    site says nothing about another. `platform_site_id` None: not known (rows from before seolog
    recorded it, or a platform that did not say)."""

    site_id: int
    api_url: str
    platform_site_id: int | None

    def rows(self, table: Any) -> ColumnElement[bool]:
        """The rows of `table` (the outbox's or the platform pages' Core table) for this Dest."""
        c = table.c
        platform = (
            c.platform_site_id.is_(None)
            if self.platform_site_id is None
            else c.platform_site_id == self.platform_site_id
        )
        return and_(c.site_id == self.site_id, c.api_url == self.api_url, platform)

    def values(self) -> dict[str, Any]:
        return {
            "site_id": self.site_id,
            "api_url": self.api_url,
            "platform_site_id": self.platform_site_id,
        }


def adopt_unkeyed(session: Session, dest: Dest) -> None:
    """Unsent rows stored before seolog recorded the platform site, with no login to tell it (a
    key from the environment only), are taken to be this Dest's: without this their pages would
    wait forever. What was sent then stays unkeyed: which platform site holds those pages is not
    known, so none is told it does (a push sends the scan again, and the platform's upsert by
    post id makes that an update where the pages are). A half-sent row keeps its page id: if
    another platform site holds that page, the SEO data meets a 404 and the page is sent again."""
    if dest.platform_site_id is None:
        return
    unkeyed = Dest(dest.site_id, dest.api_url, None)
    unsent = and_(unkeyed.rows(OUTBOX), OUTBOX.c.state != "sent")
    mine = OUTBOX.alias("mine")
    # A row this Dest has already for the same scan and URL is the newer one; the unique
    # constraint (scan, API, platform site, URL) allows only one.
    session.execute(
        delete(OUTBOX).where(
            unsent,
            exists().where(
                dest.rows(mine),
                mine.c.scan_id == OUTBOX.c.scan_id,
                mine.c.url == OUTBOX.c.url,
            ),
        )
    )
    session.execute(update(OUTBOX).where(unsent).values(platform_site_id=dest.platform_site_id))


# --- accounts ------------------------------------------------------------------------------------


def accounts(session: Session, site_id: int | None = None) -> list[SyncAccount]:
    stmt = select(SyncAccount).order_by(SyncAccount.site_id, SyncAccount.api_url)
    if site_id is not None:
        stmt = stmt.where(SyncAccount.site_id == site_id)
    return list(session.execute(stmt).scalars())


def account(session: Session, site_id: int, api_url: str) -> SyncAccount | None:
    return session.execute(
        select(SyncAccount).where(SyncAccount.site_id == site_id, SyncAccount.api_url == api_url)
    ).scalar_one_or_none()


def save_account(session: Session, site_id: int, api_url: str, **values: Any) -> SyncAccount:
    row = account(session, site_id, api_url) or SyncAccount(site_id=site_id, api_url=api_url)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


# --- the pages of a scan, with what the payloads need ------------------------------------------


@dataclass
class PageBundle:
    page: Page
    internal_links: list[str]
    external_links: list[str]
    issues: list[tuple[str, str, str]]  # code, severity, message


# Why a URL of a scan is not a page on the platform: stable keys (`sync push --format json`).
REDIRECT, ERROR, NOT_HTML, NO_ANSWER, BLOCKED = (
    "redirect",
    "error",
    "not_html",
    "no_answer",
    "blocked",
)
NOT_PAGE_REASONS = (REDIRECT, ERROR, NOT_HTML, NO_ANSWER, BLOCKED)


def why_not_a_page(
    status: int | None, content_type: str | None, parsed: bool, error_kind: str | None
) -> str | None:
    """None for a page on the site: HTML answered 2xx at its own URL, parsed or not (a body over
    the crawl's size cap is still a page its visitors see, with findings of its own). Else why
    it is not one, a key of NOT_PAGE_REASONS. Redirects, errors and files are not WordPress
    pages."""
    if status is None:
        return BLOCKED if error_kind == FetchErrorKind.BLOCKED_ROBOTS else NO_ANSWER
    if 300 <= status < 400:
        return REDIRECT
    if not 200 <= status < 300:
        return ERROR
    return None if parsed or is_html_type(content_type or "") else NOT_HTML


def _why_not_pages(session: Session, scan_id: int) -> Iterator[tuple[int, str | None]]:
    """(page id, why it is not a page or None) of every URL of the scan, in page order."""
    columns = (Page.id, Page.status_code, Page.content_type, Page.indexable, Page.error_kind)
    for page_id, status, content_type, indexable, error_kind in session.execute(
        select(*columns).where(Page.scan_id == scan_id).order_by(Page.id)
    ):
        # `indexable` is set exactly for the pages that were parsed as HTML
        yield page_id, why_not_a_page(status, content_type, indexable is not None, error_kind)


def not_pages(session: Session, scan_id: int) -> dict[str, int]:
    """The scan's URLs that `syncable_pages` leaves out, counted by reason (every reason, 0 too)."""
    counts = dict.fromkeys(NOT_PAGE_REASONS, 0)
    for _, why in _why_not_pages(session, scan_id):
        if why is not None:
            counts[why] += 1
    return counts


def syncable_pages(session: Session, scan_id: int) -> Iterator[list[PageBundle]]:
    """The scan's pages that are pages on the site (`why_not_a_page`), a chunk at a time so a big
    scan never sits in memory whole."""
    ids = [page_id for page_id, why in _why_not_pages(session, scan_id) if why is None]
    for start in range(0, len(ids), _PAGE_BATCH):
        chunk = ids[start : start + _PAGE_BATCH]
        pages = list(
            session.execute(
                select(Page).where(Page.id.in_(chunk)).order_by(Page.id)  # type: ignore[union-attr]
            ).scalars()
        )
        links: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
        for source, target, internal in session.execute(
            select(Link.source_page_id, Link.target_url, Link.internal)
            .where(Link.source_page_id.in_(chunk))  # type: ignore[attr-defined]
            .order_by(Link.id)
        ):
            (links[source][0] if internal else links[source][1]).append(target)
        issues: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        for page_id, code, severity, message in session.execute(
            select(Issue.page_id, Issue.code, Issue.severity, Issue.message)
            .where(Issue.page_id.in_(chunk))  # type: ignore[union-attr]
            .order_by(Issue.id)
        ):
            issues[page_id].append((code, severity, message))
        yield [PageBundle(p, *links[p.id or 0], issues[p.id or 0]) for p in pages]
        for p in pages:
            session.expunge(p)  # done with: the session must not keep every page of the scan


# --- post ids --------------------------------------------------------------------------------


class PostIds:
    """The post id of each URL of a site. A URL keeps the id it was first synced under. A new
    URL takes the id WordPress revealed when no other URL of the site holds it, else the next
    of seolog's own (`base` + a per-site sequence, never reused). With `store` False (a dry
    run) nothing is written."""

    def __init__(self, session: Session, site_id: int, base: int, store: bool = True) -> None:
        self.session, self.site_id, self.store = session, site_id, store
        self.known: dict[str, int] = dict(
            session.execute(
                select(SyncPostId.url, SyncPostId.wp_post_id).where(SyncPostId.site_id == site_id)
            ).all()
        )
        self.taken = set(self.known.values())
        top = session.execute(
            select(func.max(SyncPostId.wp_post_id)).where(
                SyncPostId.site_id == site_id, SyncPostId.origin == "assigned"
            )
        ).scalar()
        self.next_id = max(int(top or 0) + 1, base + 1)

    def assign(self, wanted: dict[str, int | None]) -> dict[str, int]:
        """URL → post id for `wanted` (URL → the id the page revealed, or None)."""
        rows: list[dict[str, Any]] = []
        now = utcnow()
        for url, revealed in wanted.items():
            if url in self.known:
                continue
            if revealed is not None and revealed not in self.taken:
                value, origin = revealed, "wordpress"
            else:
                if self.next_id > WP_MAX_POST_ID:
                    raise ValueError("this site has used up seolog's range of post ids")
                value, origin = self.next_id, "assigned"
                self.next_id += 1
            self.taken.add(value)
            self.known[url] = value
            rows.append(
                {"site_id": self.site_id, "url": url, "wp_post_id": value, "origin": origin,
                 "created_at": now}
            )  # fmt: skip
        if self.store and rows:
            self.session.execute(insert(SyncPostId.__table__), rows)  # type: ignore[attr-defined]
        return {url: self.known[url] for url in wanted}


# --- the outbox ------------------------------------------------------------------------------


def queued_for_scan(session: Session, scan_id: int, dest: Dest) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(OUTBOX)
            .where(OUTBOX.c.scan_id == scan_id, dest.rows(OUTBOX))
        ).scalar()
        or 0
    )


def resend_counts(session: Session, scan_id: int, dest: Dest) -> tuple[int, int]:
    """(pages the platform site has, pages new to it) among a scan's sendable rows for `dest`:
    what sending it (again) will update and create there, from what was sent to it before."""
    held = exists().where(dest.rows(PAGES), PAGES.c.url == OUTBOX.c.url)
    # One row, no GROUP BY on the CASE: PostgreSQL takes two copies of an expression with bound
    # parameters for two different expressions (GroupingError).
    total, have = session.execute(
        select(func.count(), func.coalesce(func.sum(case((held, 1), else_=0)), 0)).where(
            OUTBOX.c.scan_id == scan_id, dest.rows(OUTBOX), OUTBOX.c.state != UNSENDABLE
        )
    ).one()
    return int(have), int(total) - int(have)


def unqueue_scan(session: Session, scan_id: int, dest: Dest) -> None:
    """Drop a scan's rows before it is queued again (`--force`)."""
    session.execute(delete(OUTBOX).where(OUTBOX.c.scan_id == scan_id, dest.rows(OUTBOX)))


def enqueue(session: Session, dest: Dest, scan_id: int, rows: list[dict[str, Any]]) -> int:
    """Queue pages of a scan (each row `pending`, or set aside with a state and `last_error` of its
    own). Unsent rows of older scans for the same URLs are dropped: this scan's data replaces
    theirs."""
    session.execute(
        delete(OUTBOX).where(
            dest.rows(OUTBOX),
            OUTBOX.c.state.in_((*OPEN_STATES, "failed", UNSENDABLE)),
            OUTBOX.c.url.in_([r["url"] for r in rows]),
        )
    )
    now = utcnow()
    for row in rows:
        row.setdefault("state", "pending")
        row.setdefault("last_error", None)  # every row with the same keys: one executemany
        row.update(
            **dest.values(),
            scan_id=scan_id,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
    if rows:
        session.execute(insert(OUTBOX), rows)
    return len(rows)


def next_items(
    session: Session, dest: Dest, after_id: int, limit: int, troubled: bool = False
) -> list[OutboxItem]:
    """Queued rows after `after_id`: those that met no trouble yet, or (`troubled`) those that
    did in an earlier run, which a push sends last."""
    error = OutboxItem.last_error
    stmt = (
        select(OutboxItem)
        .where(
            dest.rows(OUTBOX),
            OutboxItem.state.in_(OPEN_STATES),  # type: ignore[attr-defined]
            OutboxItem.id > after_id,  # type: ignore[operator]
            error.is_not(None) if troubled else error.is_(None),  # type: ignore[union-attr]
        )
        .order_by(OutboxItem.id)
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())


def open_urls_longer_than(session: Session, dest: Dest, chars: int) -> list[tuple[int, str]]:
    """(row id, URL) of queued rows whose URL is over `chars` characters."""
    rows = session.execute(
        select(OutboxItem.id, OutboxItem.url).where(
            dest.rows(OUTBOX),
            OutboxItem.state.in_(OPEN_STATES),  # type: ignore[attr-defined]
            func.length(OutboxItem.url) > chars,
        )
    )
    return [(int(row_id), url) for row_id, url in rows]


def set_unsendable(session: Session, item_id: int, why: str) -> None:
    """Set a queued row aside for good, with why; its bodies are no use any more."""
    session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id)
        .values(state=UNSENDABLE, last_error=why, page={}, seo_data={}, updated_at=utcnow())
    )


def mark(engine: Engine, item_id: int, **values: Any) -> None:
    """Record one step of one row, committed at once: the outbox's durability is this commit."""
    values["updated_at"] = utcnow()
    with engine.begin() as conn:
        conn.execute(update(OUTBOX).where(OUTBOX.c.id == item_id).values(**values))


def note_trouble(engine: Engine, item_id: int, error: str, failed: bool = False) -> None:
    """An attempt went wrong: count it and keep the error; `failed` sets the row aside."""
    values: dict[str, Any] = {"attempts": OUTBOX.c.attempts + 1, "last_error": error}
    if failed:
        values["state"] = "failed"
    mark(engine, item_id, **values)


def mark_page_sent(engine: Engine, dest: Dest, item_id: int, url: str, page_id: int) -> None:
    """The page is on the platform, its SEO data not yet (the run stopped in between): the row
    stays queued from its SEO data, and the platform site is known to hold the page, so
    `sync status` and `--force` count it."""
    with engine.begin() as conn:
        conn.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == item_id)
            .values(state="page-sent", platform_page_id=page_id, updated_at=utcnow())
        )
        _hold(conn, dest, [(url, page_id)])


def mark_failed_on_platform(
    engine: Engine, dest: Dest, item_id: int, url: str, page_id: int, error: str
) -> None:
    """The page was created or updated but its SEO data failed: the row is set aside as failed,
    keeping the page's id so `sync retry` starts at the SEO data, and the platform site is known
    to hold the page (`sync status` counts it)."""
    with engine.begin() as conn:
        conn.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == item_id)
            .values(
                state="failed",
                platform_page_id=page_id,
                attempts=OUTBOX.c.attempts + 1,
                last_error=error,
                updated_at=utcnow(),
            )
        )
        _hold(conn, dest, [(url, page_id)])


def _hold(conn: Any, dest: Dest, pages: list[tuple[str, int]]) -> None:
    """Record that the platform site holds these pages ((URL, its page id) each)."""
    now = utcnow()
    conn.execute(delete(PAGES).where(dest.rows(PAGES), PAGES.c.url.in_([url for url, _ in pages])))
    conn.execute(
        insert(PAGES),
        [{**dest.values(), "url": url, "page_id": page_id, "synced_at": now}
         for url, page_id in pages],
    )  # fmt: skip


def mark_sent(engine: Engine, dest: Dest, sent: list[tuple[int, str, int]]) -> None:
    """Rows are sent ((row id, URL, platform page id) each): in one transaction, and keeping the
    platform's id of each page beyond the life of its outbox row. `--force` queues a scan anew
    from its pages, so nothing needs the bodies of a sent row."""
    if not sent:
        return
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == bindparam("row_id"))
            .values(
                state="sent",
                platform_page_id=bindparam("page_id"),
                sent_at=now,
                updated_at=now,
                last_error=None,
                # The bodies are done with: a sent row stays as a small record, so the outbox
                # does not grow by a copy of every page at every push.
                page={},
                seo_data={},
            ),
            [{"row_id": row_id, "page_id": page_id} for row_id, _, page_id in sent],
        )
        _hold(conn, dest, [(url, page_id) for _, url, page_id in sent])


def requeue_failed(session: Session, dest: Dest) -> int:
    """Queue the failed rows again: a page the platform holds already (its SEO data failed)
    from its SEO data, the others from the page."""
    half_sent = OUTBOX.c.platform_page_id.is_not(None)
    result: CursorResult[Any] = session.execute(  # an UPDATE: the result has a rowcount
        update(OUTBOX)
        .where(dest.rows(OUTBOX), OUTBOX.c.state == "failed")
        .values(state=case((half_sent, "page-sent"), else_="pending"), updated_at=utcnow())
    )  # type: ignore[assignment]
    return int(result.rowcount or 0)


@dataclass
class QueueState:
    dest: Dest
    counts: dict[str, int]  # state → rows
    last_error: str | None
    last_error_at: Any
    last_sent_at: Any
    platform_pages: int


def waiting(counts: dict[str, int]) -> int:
    """Rows not sent yet, from rows by state: pending, or half sent."""
    return sum(counts.get(state, 0) for state in OPEN_STATES)


def state_counts(session: Session, dest: Dest) -> dict[str, int]:
    """Rows by state for one Dest: what a push counts before and after it runs."""
    rows = session.execute(
        select(OUTBOX.c.state, func.count()).where(dest.rows(OUTBOX)).group_by(OUTBOX.c.state)
    )
    return {state: int(n) for state, n in rows}


def queue_states(session: Session, site_id: int | None = None) -> list[QueueState]:
    """Per Dest (site, API, platform site): rows by state, the newest error, the last success
    and the pages that platform site holds."""
    counts: dict[Dest, dict[str, int]] = defaultdict(dict)
    for sid, api, platform, state, n in session.execute(
        select(OUTBOX.c.site_id, OUTBOX.c.api_url, OUTBOX.c.platform_site_id, OUTBOX.c.state,
               func.count())
        .where(*([] if site_id is None else [OUTBOX.c.site_id == site_id]))
        .group_by(OUTBOX.c.site_id, OUTBOX.c.api_url, OUTBOX.c.platform_site_id, OUTBOX.c.state)
    ):  # fmt: skip
        counts[Dest(sid, api, platform)][state] = n
    for sid, api, platform in session.execute(
        select(PAGES.c.site_id, PAGES.c.api_url, PAGES.c.platform_site_id)
        .where(*([] if site_id is None else [PAGES.c.site_id == site_id]))
        .distinct()
    ):
        counts.setdefault(Dest(sid, api, platform), {})
    seen = {(d.site_id, d.api_url) for d in counts}
    for acct in accounts(session, site_id):
        # The platform site the login opens, even with nothing sent there yet while another
        # platform site (an earlier key's) has a history: a push goes there next.
        if acct.platform_site_id is not None or (acct.site_id, acct.api_url) not in seen:
            counts.setdefault(Dest(acct.site_id, acct.api_url, acct.platform_site_id), {})
    states = []
    for dest, by_state in sorted(
        counts.items(), key=lambda kv: (kv[0].site_id, kv[0].api_url, kv[0].platform_site_id or 0)
    ):
        here = dest.rows(OUTBOX)
        err = session.execute(
            select(OUTBOX.c.last_error, OUTBOX.c.updated_at)
            .where(here, OUTBOX.c.last_error.is_not(None))
            .order_by(OUTBOX.c.updated_at.desc(), OUTBOX.c.id.desc())
            .limit(1)
        ).first()
        last_sent = session.execute(select(func.max(OUTBOX.c.sent_at)).where(here)).scalar()
        remote = session.execute(
            select(func.count()).select_from(PAGES).where(dest.rows(PAGES))
        ).scalar()
        states.append(
            QueueState(
                dest,
                by_state,
                err[0] if err else None,
                err[1] if err else None,
                last_sent,
                int(remote or 0),
            )
        )
    return states


def forget_account(session: Session, site_id: int, api_url: str) -> bool:
    row = account(session, site_id, api_url)
    if row is None:
        return False
    session.delete(row)
    return True
