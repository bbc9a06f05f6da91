"""Scans: crawl a target into the store, resume an interrupted crawl, list and show scans."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seolog import __version__
from seolog.checks.thresholds import Thresholds
from seolog.config import CrawlSettings, Credentials, robots_token
from seolog.context import AppContext
from seolog.crawl.engine import CrawlOutcome
from seolog.crawl.pipeline import WorkerDied
from seolog.crawl.stats import CrawlStats
from seolog.domain import ScanStatus, ScanType, StopReason
from seolog.errors import ConfigError, Interrupted, NotFoundError, SeologError, UsageError
from seolog.services.audit import audit_scan
from seolog.services.exclusive import exclusive_store
from seolog.services.results import AuditSummary, ScanInfo, SiteInfo, audit_summary, scope_of
from seolog.services.sites import ensure_site, get_site, is_folder, parse_url, registered_url
from seolog.storage import repo
from seolog.storage.db import read_scope, release_interrupted, session_scope
from seolog.storage.lock import scan_lock, store_lock
from seolog.storage.models import Scan, Site, utcnow
from seolog.urls import root_url


@dataclass
class ScanRequest:
    target: str  # URL, site name, or folder
    settings: CrawlSettings = field(default_factory=CrawlSettings)
    base_url: str | None = None  # the public URL a folder stands for
    scan_type: ScanType | None = None


@dataclass(frozen=True)
class ScanResult:
    """A stored scan as plain data (no ORM rows): what it was, what it found, how it crawled."""

    scan: ScanInfo
    site: SiteInfo
    counts: repo.PageCounts
    stats: CrawlStats | None  # how the crawl went (summary.crawl, typed); None: no crawl stored
    audit: AuditSummary


@dataclass
class _Target:
    start_url: str  # public URL
    folder: Path | None = None


def _resolve_target(ctx: AppContext, request: ScanRequest) -> _Target:
    """A registered site's name first (`127.0.0.1` is a name when a site has it), then a folder,
    then a URL or address. --base-url says the target is a folder, so no name is looked up."""
    target = request.target.strip()
    registered = None if request.base_url else registered_url(ctx, target)
    if registered is not None:
        return _Target(registered)
    if is_folder(target):
        folder = Path(target).expanduser().resolve()
        base = request.base_url or f"http://{_folder_host(folder)}.localhost/"
        return _Target(root_url(parse_url(base, "--base-url")), folder)
    if request.base_url:
        raise UsageError(
            "--base-url only applies when scanning a local folder", hint="drop --base-url"
        )
    if "://" in target or "." in target:
        if (
            "://" not in target
            and ("/" in target or "\\" in target)
            and not target.startswith("www.")
        ) and not Path(target).exists():
            raise UsageError(f"no such folder: {target}", hint="check the path, or give a URL")
        return _Target(parse_url(target))
    with session_scope(ctx.engine) as session:
        try:
            site = get_site(session, target)
        except NotFoundError as e:
            close = e.hint if e.hint and e.hint.startswith("did you mean") else None
            raise NotFoundError(
                f"{target!r} is not a URL, a folder or a registered site",
                hint=close or "give https://…, a folder path, or a name from `seolog sites list`",
            ) from e
        return _Target(site.root_url)


def _folder_host(folder: Path) -> str:
    name = "".join(c if c.isalnum() or c == "-" else "-" for c in folder.name.lower()).strip("-")
    return name or "site"


def _variant_probe(settings: CrawlSettings, bare: Any) -> Callable[[str], Any]:
    """The origin-variant probe, through the credential-free client (a variant may redirect
    anywhere), reading no body."""
    from functools import partial

    from seolog.crawl.fetch import Fetcher
    from seolog.crawl.variants import probe_origin_variants

    fetch = partial(Fetcher(bare, settings).fetch, want_body=lambda _type: False)
    return partial(probe_origin_variants, fetch=fetch)


def _external_clients(settings: CrawlSettings) -> tuple[Any, Callable[[], Any]]:
    """Credential-free clients for other hosts: one for the origin-variant probe (the site's
    twins: --insecure holds for them), and a factory of the resource checker's per-host
    sessions, which share one TLS context (a linked site's broken certificate is still a broken
    link, --insecure or not)."""
    from functools import partial

    from seolog.crawl.askers import make_session
    from seolog.crawl.resources import make_external_client
    from seolog.crawl.tls import public_verify, verify_for

    return (
        make_external_client(settings, verify_for(settings)),
        partial(make_session, settings, public_verify(settings), settings.external_per_host),
    )


def _credential_gate(settings: CrawlSettings, start_url: str) -> Any:
    """Where the user's credentials may go: the start URL's origin and the --auth-origin ones
    (`crawl.credentials` says why, and decides for every request)."""
    from seolog.crawl.credentials import CredentialGate

    return CredentialGate(
        start_url, settings.headers, settings.cookies, settings.auth, settings.auth_origins
    )


@contextmanager
def _wire(settings: CrawlSettings, start_url: str) -> Iterator[Any]:
    """The HTTP client, and for a folder scan the local server it talks to."""
    from seolog.crawl.fetch import Fetcher, Throttle, UrlMap, make_client

    with ExitStack() as stack:
        url_map = UrlMap()
        if settings.folder:
            from seolog.crawl.localserver import serve_folder

            folder = Path(settings.folder)
            if not folder.is_dir():
                raise ConfigError(
                    f"the scanned folder {folder} no longer exists",
                    hint="restore it or start a new scan",
                )
            wire_origin = stack.enter_context(serve_folder(folder))
            url_map = UrlMap(public_origin=root_url(start_url).rstrip("/"), wire_origin=wire_origin)
        throttle = Throttle(1.0 / settings.rate if settings.rate else 0.0)

        def build(client: Any) -> Fetcher:
            return Fetcher(client, settings, throttle=throttle, url_map=url_map)

        yield make_client, build


@dataclass
class Resume:
    """Where an interrupted scan stands: what its crawl and its resource checks still owe."""

    # Read from the store as the queue takes them, never held whole (a million-page scan's
    # lists took 200 MiB at the start of its resumed run):
    seen: Iterable[str]  # URLs crawled (and where they redirected)
    pending: Iterable[tuple[str, int | None]]  # links still to crawl, shallowest source first
    resources_done: set[str] = field(default_factory=set)  # resources already checked
    resources_pending: list[tuple[str, str]] = field(default_factory=list)  # (url, kind)
    origin: str | None = None  # the origin the first run settled on (http:// → https://)


def _pipeline(ctx: AppContext, scan_id: int, pages_before: int, settings: CrawlSettings) -> Any:
    """Parsing, page checks and storage go to a worker process, unless the store lives in this
    process."""
    from functools import partial

    from seolog.checks.rules import AuditRules
    from seolog.checks.runner import audit_page
    from seolog.crawl.pipeline import InlinePipeline, WorkerPool
    from seolog.storage.db import is_process_local
    from seolog.storage.writer import PageWriter, open_writer

    rules = AuditRules.from_stored(settings.audit_rules, folder=bool(settings.folder))
    inspect = partial(audit_page, Thresholds.from_stored(settings.thresholds), rules)
    crawler = robots_token(settings.user_agent)
    if is_process_local(ctx.db_url):
        writer = PageWriter(ctx.engine, scan_id, pages_before)
        return InlinePipeline(writer, settings.store_html, inspect, crawler)
    # The worker opens its own connections; none of ours may be inherited by a forked child.
    ctx.engine.dispose()
    make_sink = partial(open_writer, ctx.db_url, scan_id)
    workers = settings.workers
    return WorkerPool(
        make_sink,
        settings.store_html,
        inspect,
        crawler,
        pages_before,
        workers=workers or 1,
        grow_to=workers or _cores(),
    )


def _cores() -> int:
    """The cores this process may run on (a container's CPU set, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _crawl(
    ctx: AppContext,
    scan_id: int,
    pages_before: int,
    settings: CrawlSettings,
    start_url: str,
    progress: Callable[[CrawlStats], None] | None,
    load_resume: Callable[[], Resume] | None = None,
) -> CrawlOutcome:
    from functools import partial

    from seolog.crawl.engine import Crawler
    from seolog.crawl.resources import ResourceChecker
    from seolog.crawl.robots import Robots

    pipeline = _pipeline(ctx, scan_id, pages_before, settings)

    async def main() -> CrawlOutcome:
        # Read once the page workers run: forked before, they do not start with a copy of every
        # URL a big scan had crawled and queued (320 MiB on a million-page site).
        resume = load_resume() if load_resume is not None else None
        try:
            with _wire(settings, start_url) as (make_client, build):
                bare, per_host = _external_clients(settings)
                gate = _credential_gate(settings, start_url)
                async with make_client(settings, gate) as client, bare:
                    fetcher = build(client)
                    robots = Robots(
                        fetcher, robots_token(settings.user_agent), settings.ignore_robots
                    )
                    checker = None
                    if settings.external:
                        checker = partial(
                            ResourceChecker,
                            settings,
                            crawl_client=client,
                            external_client=per_host,
                            allowed=robots.allowed,
                            to_wire=fetcher.url_map.to_wire,
                            to_public=fetcher.url_map.to_public,
                            throttle=fetcher.throttle,
                            credentials=gate.headers_for,
                            done=resume.resources_done if resume else None,
                        )
                    crawler = Crawler(
                        settings,
                        start_url,
                        fetcher,
                        robots,
                        pipeline,
                        progress,
                        pages_before=pages_before,
                        slow_ms=Thresholds.from_stored(settings.thresholds).slow_response_ms,
                        checker=checker,
                        probe_variants=None if settings.folder else _variant_probe(settings, bare),
                        carries_credentials=gate.allows if gate.active else None,
                    )
                    renderer = _renderer(settings, crawler, client, fetcher)
                    if resume is not None:
                        crawler.resources_pending = resume.resources_pending
                        crawler.origin = resume.origin or crawler.origin
                    if resume is not None:
                        for url in resume.seen:
                            crawler.frontier.mark_seen(url)
                        for url, depth in resume.pending:
                            d = depth + 1 if depth is not None else None
                            crawler.frontier.add(url, d, d or 0)
                    async with renderer:
                        outcome = await crawler.run(resume=resume is not None)
        except BaseException:
            # Still save every page handed over (Ctrl-C lands here as a cancellation); the
            # error that stopped the crawl is the one to report.
            with contextlib.suppress(Exception):
                await pipeline.aclose()
            raise
        await pipeline.aclose()
        return outcome

    try:
        return _run_loop(main())
    finally:
        pipeline.shutdown()


def _renderer(
    settings: CrawlSettings, crawler: Any, client: Any, fetcher: Any
) -> contextlib.AbstractAsyncContextManager[Any]:
    """The browser for --render, open while the crawl runs; nothing without it."""
    if settings.render == "never":
        return contextlib.nullcontext()
    from seolog.browser.browser import find_browser
    from seolog.browser.renderer import Renderer, RenderSettings
    from seolog.crawl.rendering import PageRendering, own_loader

    renderer = Renderer(
        RenderSettings(
            browser=find_browser(settings.browser),
            timeout=settings.render_timeout,
            concurrency=settings.render_concurrency,
            third_party=settings.render_third_party,
            user_agent=settings.user_agent,
        ),
        own_loader(client, crawler.robots.allowed, fetcher.url_map.to_wire,
                   fetcher.url_map.to_public),
        crawler._own,
    )  # fmt: skip
    crawler.render = PageRendering(renderer, settings.render)

    @contextlib.asynccontextmanager
    async def running() -> Any:
        async with renderer:
            crawler.stats.browser = renderer.version or ""
            yield renderer

    return running()


def _run_loop(coro: Any) -> Any:
    """asyncio.run, except that an interrupt raised inside a task is not also logged as "Task
    exception was never retrieved" with a traceback: a SIGTERM to a job whose Ctrl-C is ignored
    (started with `&`) is a KeyboardInterrupt wherever Python is, often inside a fetch, and the
    interrupted scan is reported once, by the caller."""

    def quiet(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if isinstance(context.get("exception"), KeyboardInterrupt | SystemExit):
            return
        loop.default_exception_handler(context)

    with asyncio.Runner() as runner:
        runner.get_loop().set_exception_handler(quiet)
        return runner.run(coro)


def _finish(ctx: AppContext, scan_id: int, **values: Any) -> int:
    """Record how the crawl ended; runs on every path out, including Ctrl-C and crashes.

    Returns the pages stored: the page writer keeps the scan's count as it saves each batch.
    """
    with session_scope(ctx.engine) as session:
        scan = repo.scan_by_id(session, scan_id)
        if scan is None:  # pragma: no cover - deleted under our feet
            return 0
        for k, v in values.items():
            setattr(scan, k, v)
        scan.updated_at = utcnow()
        return scan.pages_crawled


def _failed(ctx: AppContext, scan_id: int, message: str, **values: Any) -> None:
    _finish(
        ctx,
        scan_id,
        status=ScanStatus.FAILED.value,
        stop_reason=StopReason.FAILED.value,
        error_message=message,
        completed_at=utcnow(),
        **values,
    )


def _execute(
    ctx: AppContext,
    scan_id: int,
    pages_before: int,
    settings: CrawlSettings,
    start_url: str,
    progress: Callable[[CrawlStats], None] | None,
    load_resume: Callable[[], Resume] | None = None,
    earlier: CrawlStats | None = None,
) -> None:
    """Crawl and audit. The statistics are stored however the run ends, added to those of the
    runs before it (`earlier`, for a resumed scan), so a resumed scan counts every run."""
    last: list[CrawlStats] = []  # the crawl's live counters, as last reported

    def report(stats: CrawlStats) -> None:
        last[:] = [stats]
        if progress is not None:
            progress(stats)

    def so_far() -> dict[str, Any]:
        return {"stats": last[0].after(earlier).to_dict()} if last else {}

    try:
        outcome = _crawl(ctx, scan_id, pages_before, settings, start_url, report, load_resume)
    except KeyboardInterrupt as e:
        release_interrupted(ctx.engine, e)
        raise _interrupted(ctx, scan_id, **so_far()) from e
    except SeologError as e:
        if isinstance(e, WorkerDied) and e.stopped_from_outside:
            # Killed (out of memory, a user, a job runner): the environment stopped the scan,
            # as Ctrl-C does; not a bug (exit 130, resumable).
            stopped = _interrupted(ctx, scan_id, **so_far())
            stopped.message = f"{e.message}; {stopped.message}"
            raise stopped from None
        if isinstance(e, WorkerDied):
            e.hint = (
                f"the pages saved so far are kept; finish with `seolog scan --resume {scan_id}`"
            )
        _failed(ctx, scan_id, e.message, **so_far())
        raise
    except BaseException as e:
        _failed(ctx, scan_id, f"{type(e).__name__}: {e}", **so_far())
        raise
    stats = outcome.stats.after(earlier)
    try:
        # The stats are saved before the audit, so an audit that fails still leaves them stored.
        _finish(ctx, scan_id, stats=stats.to_dict())
        try:
            audit_scan(ctx, scan_id, settings, stats)
        except Exception as e:
            _failed(ctx, scan_id, f"the audit failed: {type(e).__name__}: {e}")
            raise
        _finish(
            ctx,
            scan_id,
            status=ScanStatus.COMPLETED.value,
            stop_reason=outcome.stop_reason.value,
            completed_at=utcnow(),
            error_message=None,
        )
    except KeyboardInterrupt as e:
        # Ctrl-C (or SIGTERM) in the site checks: they write in one transaction, so nothing
        # half-done is stored, and a resume runs them again.
        release_interrupted(ctx.engine, e)
        raise _interrupted(ctx, scan_id) from e


def _interrupted(ctx: AppContext, scan_id: int, **values: Any) -> Interrupted:
    """Mark the scan interrupted (resumable) and say how to finish it."""
    saved = _finish(
        ctx,
        scan_id,
        status=ScanStatus.INTERRUPTED.value,
        stop_reason=StopReason.INTERRUPTED.value,
        **values,
    )
    return Interrupted(
        f"scan {scan_id} interrupted; {saved} pages saved",
        hint=f"finish it with `seolog scan --resume {scan_id}`",
    )


def run_scan(
    ctx: AppContext, request: ScanRequest, progress: Callable[[CrawlStats], None] | None = None
) -> ScanResult:
    """Crawl a URL, folder or registered site into a new scan. The scan row exists before the
    first request, so a crash leaves a visible, resumable scan."""
    target = _resolve_target(ctx, request)
    settings = request.settings
    if target.folder is not None:
        settings.folder = str(target.folder)
    _need_browser(settings)
    scan_type = request.scan_type or (ScanType.CI if ctx.env.get("CI") else ScanType.MANUAL)
    ctx.engine  # noqa: B018 - open (and migrate) the store before its locks, beside it
    # Held shared while the scan lives: a restore, vacuum or prune must wait for it (#18).
    with store_lock(ctx.db_url):
        with session_scope(ctx.engine) as session:
            site = ensure_site(session, target.start_url)
            scan = repo.add(
                session,
                Scan(
                    site_id=site.id or 0,
                    start_url=target.start_url,
                    scan_type=scan_type.value,
                    status=ScanStatus.RUNNING.value,
                    settings=settings.to_stored(),
                    seolog_version=__version__,
                    catalog=current_catalog(),
                    started_at=utcnow(),
                ),
            )
            scan_id = scan.id or 0
        with scan_lock(ctx.db_url, scan_id):  # so `scan --resume` cannot start it twice meanwhile
            _execute(ctx, scan_id, 0, settings, target.start_url, progress)
    return get_scan(ctx, scan_id)


def _need_browser(settings: CrawlSettings) -> None:
    """A scan that renders finds its browser (and Playwright) before it starts, so a missing one
    is one line and no scan; the path found is stored with the scan, for its resume."""
    if settings.render == "never":
        return
    from seolog.browser.browser import find_browser, playwright

    settings.browser = find_browser(settings.browser)
    playwright()


def current_catalog() -> str:
    """The check catalog this release runs (part of the scope scans are compared by)."""
    from seolog.checks.registry import catalog
    from seolog.scope import catalog_version

    return catalog_version(spec.code for spec in catalog())


RESUMABLE = (ScanStatus.INTERRUPTED.value, ScanStatus.RUNNING.value, ScanStatus.FAILED.value)


def resume_scan(
    ctx: AppContext,
    scan_id: int,
    credentials: Credentials | None = None,
    progress: Callable[[CrawlStats], None] | None = None,
    trust: Mapping[str, Any] | None = None,
) -> ScanResult:
    """Continue a scan from what is stored: crawled URLs are skipped, their unvisited links queued.

    Credentials (auth, header values, cookies) are never stored, so they come again here; so
    may `trust` (`ca_bundle`, `insecure`): the CA file the scan started with may have moved.
    """
    # An unknown ID is "not found" before any lock: a lock on an ID no scan has would be refused
    # (a negative byte offset, a key out of range) and read as "crawled by another process".
    with session_scope(ctx.engine) as session:
        if repo.scan_by_id(session, scan_id) is None:
            raise NotFoundError(f"no scan with id {scan_id}", hint="see `seolog scans list`")
    # Locked before anything is changed: another process may be crawling this scan, or
    # restoring the store under it.
    with store_lock(ctx.db_url), scan_lock(ctx.db_url, scan_id):
        with session_scope(ctx.engine) as session:
            scan = repo.scan_by_id(session, scan_id)
            if scan is None:
                raise NotFoundError(f"no scan with id {scan_id}", hint="see `seolog scans list`")
            if scan.status not in RESUMABLE:
                raise UsageError(
                    f"scan {scan_id} is {scan.status}; only interrupted or failed scans can be resumed",
                    hint=f"start a new one with `seolog scan {scan.start_url}`",
                )
            settings = CrawlSettings.from_stored(scan.settings or {})
            if credentials is not None:
                settings.headers = dict(credentials.headers)
                settings.cookies = dict(credentials.cookies)
                settings.auth = credentials.auth
            for name, value in (trust or {}).items():
                setattr(settings, name, value)
            if trust:
                from seolog.crawl.tls import verify_for

                verify_for(settings)  # a CA file that cannot be used fails before the crawl
            _need_browser(settings)  # the browser it rendered with may have gone since
            start_url, pages_before = scan.start_url, scan.pages_crawled
            earlier = CrawlStats.from_dict(scan.stats) if scan.stats else None
            scan.status = ScanStatus.RUNNING.value
            scan.error_message = None
            scan.updated_at = utcnow()
        _execute(
            ctx,
            scan_id,
            pages_before,
            settings,
            start_url,
            progress,
            lambda: _load_resume(ctx, scan_id),
            earlier,
        )
    return get_scan(ctx, scan_id)


def _load_resume(ctx: AppContext, scan_id: int) -> Resume:
    """What an interrupted scan still owes; its crawled and queued URLs are read when iterated."""
    with read_scope(ctx.engine) as session:
        scan = repo.scan_by_id(session, scan_id)
        stats = CrawlStats.from_dict(scan.stats) if scan is not None and scan.stats else None
        return Resume(
            _crawled(ctx, scan_id),
            _pending(ctx, scan_id),
            repo.checked_resources(session, scan_id),
            repo.unchecked_resources(session, scan_id),
            (stats.origin or None) if stats else None,
        )


def _crawled(ctx: AppContext, scan_id: int) -> Iterator[str]:
    """Every URL the scan has crawled, and where each redirected."""
    with read_scope(ctx.engine) as session:
        for url, final in repo.crawled_urls(session, scan_id):
            yield url
            if final:
                yield final


def _pending(ctx: AppContext, scan_id: int) -> Iterator[tuple[str, int | None]]:
    """The links, canonicals and hreflangs the crawl had queued, shallowest source first (as
    the crawl queues them); each list read in that order, the two merged as they come."""
    with read_scope(ctx.engine) as session:
        yield from heapq.merge(
            repo.pending_links(session, scan_id),
            repo.declared_targets(session, scan_id),
            key=lambda p: (p[1] is None, p[1] or 0),
        )


def get_scan(ctx: AppContext, scan_id: int) -> ScanResult:
    with session_scope(ctx.engine) as session:
        scan = repo.scan_by_id(session, scan_id)
        if scan is None:
            raise NotFoundError(f"no scan with id {scan_id}", hint="see `seolog scans list`")
        site = repo.site_by_id(session, scan.site_id)
        if site is None:  # pragma: no cover - the foreign key forbids it
            raise NotFoundError(
                f"scan {scan_id} has no site", hint="delete it with `seolog scans delete`"
            )
        counts = repo.page_counts(session, scan_id)
        info, site_info = ScanInfo.from_row(scan, site), SiteInfo.from_row(site)
    audit = audit_summary(ctx, scan_id, info.score)
    stats = CrawlStats.from_dict(scan.stats) if scan.stats else None
    return ScanResult(info, site_info, counts, stats, audit)


def list_scans(
    ctx: AppContext, site: str | None = None, limit: int = 20
) -> list[tuple[Scan, Site]]:
    with session_scope(ctx.engine) as session:
        site_id = get_site(session, site).id if site else None
        return repo.list_scans(session, site_id, limit)


def prunable(ctx: AppContext, keep: int, site: str | None = None) -> list[tuple[Scan, Site]]:
    """The scans beyond the newest `keep` of each site (running scans are never pruned)."""
    with session_scope(ctx.engine) as session:
        site_id = get_site(session, site).id if site else None
        rows = repo.list_scans(session, site_id, limit=10**9)
    seen: dict[int, int] = {}
    doomed = []
    for scan, s in rows:  # newest first
        seen[s.id or 0] = seen.get(s.id or 0, 0) + 1
        if seen[s.id or 0] > keep and scan.status != ScanStatus.RUNNING.value:
            doomed.append((scan, s))
    return doomed


def delete_scans(ctx: AppContext, scan_ids: list[int]) -> int:
    with exclusive_store(ctx, "prune scans"), session_scope(ctx.engine) as session:
        removed = 0
        for scan_id in scan_ids:
            scan = repo.scan_by_id(session, scan_id)
            if scan is not None:
                repo.delete_scan(session, scan)
                removed += 1
        return removed


def delete_scan(ctx: AppContext, scan_id: int) -> Scan:
    with exclusive_store(ctx, f"delete scan {scan_id}"), session_scope(ctx.engine) as session:
        scan = repo.scan_by_id(session, scan_id)
        if scan is None:
            raise NotFoundError(f"no scan with id {scan_id}", hint="see `seolog scans list`")
        repo.delete_scan(session, scan)
        return scan


def scan_row(scan: Scan, site: Site) -> dict[str, Any]:
    """One line of `scans list --format json`."""
    scope = scope_of(scan)
    return {
        "id": scan.id,
        "uuid": scan.uuid,
        "site": site.name,
        "url": scan.start_url,
        "type": scan.scan_type,
        "status": scan.status,
        "stop_reason": scan.stop_reason,
        # Stopped at a limit before it got through the site: compared with no other scan.
        "partial": scope.partial,
        "scope_key": scope.key,  # scans with the same key (and complete) compare
        "pages": scan.pages_crawled,
        "score": scan.score,
        "started_at": _iso(scan.started_at),
        "completed_at": _iso(scan.completed_at),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
