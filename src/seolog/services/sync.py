"""Sync with the hosted platform: queue a scan's pages, send the queue, say where it stands.

Nothing is sent straight from a scan: `push` first writes every page's two request bodies to the
outbox in the store, then drains it. Whatever stops the drain (Ctrl-C, a crash, a dead network, a
platform failing on page after page) leaves the rest queued, and the next `push` or `retry`
carries on from there. Pages the platform refuses, or keeps failing on while others go through,
are set aside as failed: only `retry` sends them again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from seolog.checks.registry import get_check
from seolog.context import AppContext
from seolog.errors import Interrupted, NotFoundError, SyncError, UsageError
from seolog.services.auth import (
    Credentials,
    api_url_for,
    credentials,
    key_or_none,
    opened_site,
)
from seolog.services.sites import get_site
from seolog.storage import repo
from seolog.storage import sync as store
from seolog.storage.db import read_scope, release_interrupted, session_scope
from seolog.storage.lock import sync_lock
from seolog.storage.models import Scan, Site
from seolog.sync import payloads
from seolog.sync.client import (
    DEFAULT_TIMEOUT,
    PlatformClient,
)
from seolog.sync.engine import Item, Policy, Tally, drain
from seolog.urls import root_url

BACKOFF_ENV = "SEOLOG_SYNC_BACKOFF"  # seconds before the first retry (default 1), doubling
DEFAULT_CONCURRENCY = 4  # pages in flight: quick on our side, gentle on the platform


# --- push ----------------------------------------------------------------------------------------


@dataclass
class PushReport:
    site: str
    scan_id: int | None
    api_url: str | None
    dry_run: bool = False
    queued: int = 0  # pages this run put in the outbox (0: the scan was queued before)
    skipped: int = 0  # the scan's URLs that are not pages: the sum of `not_sent`
    # Those URLs by why they are not pages (store.NOT_PAGE_REASONS: redirect, error, not_html, …).
    not_sent: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(store.NOT_PAGE_REASONS, 0)
    )
    sent: Tally = field(default_factory=Tally)
    remaining: int = 0  # still queued after this run
    failed_total: int = 0  # rows set aside as failed, this run or before
    bodies: list[dict[str, Any]] = field(default_factory=list)  # a dry run's payloads
    already_sent: bool = False  # the scan was pushed before and nothing was left to send
    # Pages this run set aside because the platform cannot take them (URL, why): never sent.
    unsendable: list[tuple[str, payloads.Unsendable]] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (URL, what was left out)
    platform_site_id: int | None = None  # the platform site the key opens
    # A scan sent before to this platform site: (pages it holds, pages new to it) among the
    # scan's pages, what sending it again updates and creates there. None: first sent now.
    resend: tuple[int, int] | None = None

    def count(self, url: str, fitted: payloads.Payload) -> None:
        """Count one page this run queues (or would), and what its fitting cost."""
        self.left_out += [(url, note) for note in fitted.notes]
        if fitted.unsendable is not None:
            self.unsendable.append((url, fitted.unsendable))
        else:
            self.queued += 1


def _target(session: Session, site_ident: str | None, scan_id: int | None) -> tuple[Site, Scan]:
    if scan_id is not None:
        scan = repo.scan_by_id(session, scan_id)
        if scan is None:
            raise NotFoundError(f"no scan with id {scan_id}", hint="see `seolog scans list`")
        site = repo.site_by_id(session, scan.site_id)
        assert site is not None  # the foreign key guarantees it
        if site_ident is not None and get_site(session, site_ident).id != site.id:
            raise UsageError(f"scan {scan_id} is a scan of {site.name}, not {site_ident}")
    else:
        if site_ident is None:
            raise UsageError("say which site to push", hint="seolog sync push SITE, or --scan ID")
        site = get_site(session, site_ident)
        done = repo.completed_scans(session, site.id or 0)
        if not done:
            raise NotFoundError(
                f"{site.name} has no completed scan to push", hint=f"run `seolog scan {site.name}`"
            )
        scan = done[0]
    if scan.status != "completed":
        raise UsageError(
            f"scan {scan.id} is {scan.status}, not completed: its pages are not all audited",
            hint=f"finish it with `seolog scan --resume {scan.id}`, then push",
        )
    return site, scan


def _advice(code: str) -> str | None:
    spec = get_check(code)
    return f"{spec.title}: {spec.fix}" if spec else None


@dataclass
class _Row:
    url: str
    wp_post_id: int
    fitted: payloads.Payload

    def body(self) -> dict[str, Any]:
        """What a dry run shows of a page it would send."""
        return {
            "url": self.url,
            "wp_post_id": self.wp_post_id,
            "page": self.fitted.page,
            "seo_data": self.fitted.seo_data,
        }

    def outbox(self) -> dict[str, Any]:
        """The outbox row: queued, or, for a page the platform cannot take, set aside with why
        (kept, so `sync status` can tell and a second push does not queue it again)."""
        why = self.fitted.unsendable
        return {
            **self.body(),
            "state": store.UNSENDABLE if why else "pending",
            "last_error": why.message if why else None,
        }


def _rows(
    session: Session, site: Site, scan: Scan, store_ids: bool, report: PushReport
) -> Iterator[list[_Row]]:
    """A scan's pages with their post ids, fitted to the platform, a chunk at a time; each is
    counted on `report`."""
    ids = store.PostIds(session, site.id or 0, payloads.ASSIGNED_BASE, store=store_ids)
    home = root_url(site.root_url)
    for chunk in store.syncable_pages(session, scan.id or 0):
        wp_ids = ids.assign({b.page.url: b.page.wp_post_id for b in chunk})
        rows = []
        for b in chunk:
            url = b.page.url
            extras = payloads.PageExtras(b.internal_links, b.external_links, b.issues)
            fitted = payloads.payload(b.page, extras, wp_ids[url], url == home, _advice)
            report.count(url, fitted)
            rows.append(_Row(url, wp_ids[url], fitted))
        yield rows


def _skipped(session: Session, scan: Scan, report: PushReport) -> int:
    """The scan's URLs that are not pages, counted by reason on `report`; returns their total."""
    report.not_sent = store.not_pages(session, scan.id or 0)
    return sum(report.not_sent.values())


def _policy(ctx: AppContext) -> Policy:
    raw = ctx.env.get(BACKOFF_ENV)
    try:
        backoff = float(raw) if raw else 1.0
    except ValueError:
        raise UsageError(f"{BACKOFF_ENV}={raw!r} is not a number of seconds") from None
    return Policy(backoff=max(0.0, backoff))


class _StoreOutbox:
    """The drain's view of the store: every step committed as it happens."""

    def __init__(self, ctx: AppContext, dest: store.Dest) -> None:
        self.ctx, self.dest = ctx, dest

    def next_items(self, after_id: int, limit: int, troubled: bool = False) -> list[Item]:
        with session_scope(self.ctx.engine) as s:
            rows = store.next_items(s, self.dest, after_id, limit, troubled)
            # Refitted: a row an older seolog queued may hold bodies over the platform's limits.
            return [
                Item(r.id or 0, r.url, r.state, *payloads.refit(r.page, r.seo_data),
                     platform_page_id=r.platform_page_id)
                for r in rows
            ]  # fmt: skip

    def page_sent(self, item: Item, page_id: int) -> None:
        store.mark_page_sent(self.ctx.engine, self.dest, item.id, item.url, page_id)

    def sent(self, done: list[tuple[Item, int]]) -> None:
        rows = [(item.id, item.url, page_id) for item, page_id in done]
        store.mark_sent(self.ctx.engine, self.dest, rows)

    def failed(self, item: Item, error: str, page_id: int | None) -> None:
        if page_id is None:
            store.note_trouble(self.ctx.engine, item.id, error, failed=True)
        else:  # the page is on the platform, its SEO data is not
            store.mark_failed_on_platform(
                self.ctx.engine, self.dest, item.id, item.url, page_id, error
            )

    def trouble(self, item: Item, error: str) -> None:
        store.note_trouble(self.ctx.engine, item.id, error)


def push(
    ctx: AppContext,
    site_ident: str | None = None,
    scan_id: int | None = None,
    api_url: str | None = None,
    *,
    dry_run: bool = False,
    keep_bodies: bool = False,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: Callable[[Tally, int], None] | None = None,
    on_queued: Callable[[PushReport], None] | None = None,
) -> PushReport:
    """Queue the scan's pages (unless they went to this platform site before) and send the
    queue. `on_queued` hears of the queue before anything is sent (`--force` says what it will
    update and create). A dry run sends and stores nothing; with `keep_bodies` it returns the
    request bodies."""
    with session_scope(ctx.engine) as session:
        site, scan = _target(session, site_ident, scan_id)
        if dry_run:
            report = PushReport(site.name, scan.id, _dry_api_url(ctx, session, site, api_url), True)
            for rows in _rows(session, site, scan, False, report):
                if keep_bodies:
                    report.bodies += [r.body() for r in rows if r.fitted.unsendable is None]
            report.skipped = _skipped(session, scan, report)
            session.rollback()
            return report
        creds = credentials(ctx, session, site, api_url)
    how = Sending(timeout, concurrency)
    dest = _dest(ctx, site, creds, how)
    report = PushReport(site.name, scan.id, creds.api_url, platform_site_id=dest.platform_site_id)
    with sync_lock(ctx.db_url, site.id or 0):
        with session_scope(ctx.engine) as session:
            store.adopt_unkeyed(session, dest)
            before = store.queued_for_scan(session, scan.id or 0, dest)
            if force or not before:
                store.unqueue_scan(session, scan.id or 0, dest)
                for rows in _rows(session, site, scan, True, report):
                    store.enqueue(session, dest, scan.id or 0, [r.outbox() for r in rows])
                report.skipped = _skipped(session, scan, report)
            if before:
                report.resend = store.resend_counts(session, scan.id or 0, dest)
        if on_queued is not None:
            on_queued(report)
        _drain(ctx, site, creds, dest, report, how, progress)
        # Nothing was left to send: no page of it went, failed or stays queued in this run.
        t = report.sent
        report.already_sent = bool(before) and not force and t.sent == t.failed == 0
        report.already_sent &= report.remaining == 0
    return report


def _dest(ctx: AppContext, site: Site, creds: Credentials, how: Sending) -> store.Dest:
    """Where this run sends: the platform site the key opens is asked once per run."""
    return store.Dest(site.id or 0, creds.api_url, opened_site(ctx, site, creds, how.timeout))


def _dry_api_url(ctx: AppContext, session: Session, site: Site, given: str | None) -> str | None:
    try:
        return api_url_for(ctx, session, site, given)
    except SyncError:
        return None  # a dry run sends nothing, so it needs no login


def retry(
    ctx: AppContext,
    site_ident: str,
    api_url: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: Callable[[Tally, int], None] | None = None,
) -> PushReport:
    """Queue the pages set aside as failed (refused, or failing while others went through) once
    more, and send everything queued."""
    with session_scope(ctx.engine) as session:
        site = get_site(session, site_ident)
        creds = credentials(ctx, session, site, api_url)
    how = Sending(timeout, concurrency)
    dest = _dest(ctx, site, creds, how)
    report = PushReport(site.name, None, creds.api_url, platform_site_id=dest.platform_site_id)
    with sync_lock(ctx.db_url, site.id or 0):
        with session_scope(ctx.engine) as session:
            store.adopt_unkeyed(session, dest)
            report.queued = store.requeue_failed(session, dest)
        _drain(ctx, site, creds, dest, report, how, progress)
    return report


@dataclass(frozen=True)
class Sending:
    timeout: float
    concurrency: int


def _open_rows(ctx: AppContext, dest: store.Dest) -> tuple[int, int]:
    """(still queued, failed) for one Dest."""
    with read_scope(ctx.engine) as session:
        counts = store.state_counts(session, dest)
    return store.waiting(counts), counts.get("failed", 0)


def _set_aside_queued(ctx: AppContext, dest: store.Dest, report: PushReport) -> None:
    """Rows queued before seolog knew the platform's URL limit (an older version) would meet an
    HTML 500 on every push: set them aside now, as a push sets such a page aside today."""
    with session_scope(ctx.engine) as session:
        for row_id, url in store.open_urls_longer_than(session, dest, payloads.LIMITS.url):
            why = payloads.unsendable_url(url)
            if why is not None:
                store.set_unsendable(session, row_id, why.message)
                report.unsendable.append((url, why))


def _drain(
    ctx: AppContext,
    site: Site,
    creds: Credentials,
    dest: store.Dest,
    report: PushReport,
    how: Sending,
    progress: Callable[[Tally, int], None] | None,
) -> None:
    _set_aside_queued(ctx, dest, report)
    total, _ = _open_rows(ctx, dest)
    outbox = _StoreOutbox(ctx, dest)

    def tick(tally: Tally) -> None:
        report.sent = tally
        if progress is not None:
            progress(tally, total)

    try:
        with PlatformClient(
            creds.api_url, creds.key, timeout=how.timeout, connections=how.concurrency
        ) as client:
            report.sent = drain(outbox, client, _policy(ctx), tick, workers=how.concurrency)
    except SyncError as e:
        report.remaining, report.failed_total = _open_rows(ctx, dest)
        counts = f"{report.sent.sent} pages sent, {report.remaining} still queued"
        if report.sent.failed:
            counts += f", {report.sent.failed} set aside as failed"
        raise SyncError(
            f"{e.message}; {counts}",
            hint=e.hint or f"run `seolog sync retry {site.name}` once the platform is back",
        ) from None
    except KeyboardInterrupt as e:
        # Ctrl-C may have landed mid-query. Count what is left on fresh connections.
        release_interrupted(ctx.engine, e)
        report.remaining, _ = _open_rows(ctx, dest)
        raise Interrupted(
            f"sync interrupted: {report.sent.sent} pages sent, {report.remaining} still queued",
            hint=f"run `seolog sync push {site.name}` to send the rest",
        ) from None
    report.remaining, report.failed_total = _open_rows(ctx, dest)


# --- status --------------------------------------------------------------------------------------


@dataclass
class QueueView:
    site: str
    api_url: str
    platform_site_id: int | None  # the platform site the rows went to (None: not recorded)
    platform_site_name: str | None  # as the login recorded it
    pending: int  # not yet sent, or half sent
    sent: int
    failed: int
    unsendable: int  # set aside: the platform cannot take them (a URL over its limit)
    platform_pages: int
    last_error: str | None
    last_error_at: datetime | None
    last_sent_at: datetime | None
    key: str | None  # masked
    key_source: str | None


def status(ctx: AppContext, site_ident: str | None = None) -> list[QueueView]:
    """What is queued per site, API and platform site, the newest error, and which key a push
    would use."""
    with read_scope(ctx.engine) as session:
        site_id = get_site(session, site_ident).id if site_ident else None
        states = store.queue_states(session, site_id)
        sites = {s.id: s for s in repo.list_sites(session)}
        logins = store.accounts(session, site_id)
        names = {(a.site_id, a.api_url, a.platform_site_id): a.platform_site_name for a in logins}
        opens = {(a.site_id, a.api_url): a.platform_site_id for a in logins}
    views = []
    for q in states:
        d = q.dest
        site = sites[d.site_id]
        key = key_or_none(ctx, site, d.api_url)
        if key is not None and key.source == "keyring":
            # The login's key opens the platform site it recorded: another platform site's row
            # (an earlier key's history) is not where a push with it goes.
            recorded = opens.get((d.site_id, d.api_url))
            if None not in (recorded, d.platform_site_id) and recorded != d.platform_site_id:
                key = None
        views.append(
            QueueView(
                site=site.name,
                api_url=d.api_url,
                platform_site_id=d.platform_site_id,
                platform_site_name=names.get((d.site_id, d.api_url, d.platform_site_id)),
                pending=store.waiting(q.counts),
                sent=q.counts.get("sent", 0),
                failed=q.counts.get("failed", 0),
                unsendable=q.counts.get(store.UNSENDABLE, 0),
                platform_pages=q.platform_pages,
                last_error=q.last_error,
                last_error_at=q.last_error_at,
                last_sent_at=q.last_sent_at,
                key=key.masked if key else None,
                key_source=key.source if key else None,
            )
        )
    return views
