"""The async crawl loop: a worker pool over the frontier, with limits, a stop reason and stats.

Every fetched page leaves through the pipeline as it is made (parsed and stored in the page worker
process), so memory holds the frontier and nothing else that grows with the site.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial

from seolog.config import CrawlSettings
from seolog.crawl.fetch import Fetcher
from seolog.crawl.frontier import Frontier, Item, Scope
from seolog.crawl.handler import Found
from seolog.crawl.notfound import probe_not_found, probe_url
from seolog.crawl.pipeline import Pipeline
from seolog.crawl.reprobe import SlowPages, reprobe
from seolog.crawl.resources import ResourceChecker
from seolog.crawl.robots import Robots, RobotsRules
from seolog.crawl.sitemap import Alternates, discover
from seolog.crawl.stats import CrawlStats
from seolog.crawl.tls import unreachable_hint
from seolog.domain import (
    CrawledPage,
    FetchErrorKind,
    FetchResult,
    OriginVariant,
    ResourceCheck,
    ResourceKind,
    RobotsState,
    StopReason,
)
from seolog.errors import TargetUnreachable
from seolog.urls import origin_of

PROGRESS_INTERVAL = 0.1  # seconds between progress callbacks; the display refreshes at 10 Hz
RESOURCE_BATCH = 100  # checked resources handed to the store at once
NETWORK_HINT = "check the URL, the network and any VPN or firewall"


@dataclass
class CrawlOutcome:
    stop_reason: StopReason
    stats: CrawlStats


def _no_hops(_url: str) -> bool:
    return False


def _status_class(page: CrawledPage) -> str:
    f = page.fetch
    if f.error_kind is not None:
        return f.error_kind.value
    code = f.hops[0].status if f.hops else f.status_code
    return f"{code // 100}xx" if code else "none"


def _retrieved(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()


class Crawler:
    def __init__(
        self,
        settings: CrawlSettings,
        start_url: str,
        fetcher: Fetcher,
        robots: Robots,
        pipeline: Pipeline,
        progress: Callable[[CrawlStats], None] | None = None,
        frontier: Frontier | None = None,
        pages_before: int = 0,
        slow_ms: float | None = None,
        checker: Callable[..., ResourceChecker] | None = None,
        probe_variants: Callable[[str], Awaitable[list[OriginVariant]]] | None = None,
        carries_credentials: Callable[[str], bool] | None = None,
        render: Callable[[CrawledPage], Awaitable[CrawledPage]] | None = None,
    ) -> None:
        self.settings = settings
        # --render: the page with its rendered DOM (seolog.crawl.rendering.PageRendering).
        self.render = render
        # With --auth/--header/--cookie: whether a URL gets them (CredentialGate.allows).
        self.carries_credentials = carries_credentials
        self.slow = SlowPages(slow_ms, settings.reprobe)
        self.start_url = start_url
        self.scope = self._scope_for(start_url)
        self.frontier = frontier or Frontier(self.scope, settings.max_depth)
        self.frontier.scope = self.scope  # a resumed crawl's frontier filters with the same scope
        # hreflang the sitemaps state, per page URL (not kept across a resume: re-read on rescan)
        self.sitemap_alternates: Alternates = {}
        # URLs emitted before the sitemaps were read (None once read, or never to be read)
        self._before_sitemaps: list[str] | None = [] if settings.sitemaps else None
        self.fetcher = fetcher
        self.robots = robots
        self.pipeline = pipeline
        self.progress = progress
        self.stats = CrawlStats(pages=pages_before)
        self._started = pages_before  # pages emitted or in flight: what --max-pages counts
        # URLs being fetched plus pages not back from the pipeline: while any remain, more URLs
        # may come, so an idle worker waits for `_wake` instead of leaving.
        self._busy = 0
        # Pages in flight per frontier level (`Item.level`), from the moment their URL is taken
        # until the links they name are queued: what may still find a URL a shorter way.
        self._in_flight: Counter[tuple[int, int]] = Counter()
        self._wake = asyncio.Event()
        self._handling: set[asyncio.Future[Found]] = set()
        self._failure: BaseException | None = None
        self._t0 = time.monotonic()
        self._last_progress = 0.0
        self._stop: StopReason | None = None
        # Resources (external links, images, CSS, JS, iframes) are checked while the crawl goes
        # on, as the pages naming them come back from the pipeline; their results go to the
        # store in batches through the same pipeline.
        self.checker = (
            checker(emit=self._checked, is_internal=self._own) if checker is not None else None
        )
        self.resources_pending: list[tuple[str, str]] = []  # a resumed scan's unchecked ones
        self.probe_variants = probe_variants  # the start origin's http/https, www/non-www twins
        # The origin crawled: the start URL's, or where its first page ended (http:// → https://
        # of the same host); a resume sets the one its first run settled on.
        self.origin = origin_of(start_url)
        self._checks: list[ResourceCheck] = []
        self._saving: list[asyncio.Future[None]] = []

    # --- the run -------------------------------------------------------------------------

    async def run(self, resume: bool = False) -> CrawlOutcome:
        try:
            return await self._run(resume)
        finally:
            self.frontier.close()  # the queue's file on disk, if it grew past memory

    async def _run(self, resume: bool) -> CrawlOutcome:
        self._t0 = time.monotonic()
        await self.pipeline.set_scope(self.scope)
        if self.settings.max_time is not None:
            await self.pipeline.set_deadline(self._t0 + self.settings.max_time)
        rules = await self.robots.rules_for(self.start_url)
        self._apply_robots(rules)
        if not resume or not self.frontier.seen(self.start_url):
            # A resumed scan that stored no page yet (its page worker was killed before its
            # first batch was saved) starts again from the start URL: nothing else is queued.
            rules = await self._crawl_start(rules)
        self.stats.origin = self.origin
        if self.settings.sitemaps:
            await self._seed_sitemaps(rules)
        for url, kind in self.resources_pending:
            self._offer(url, kind)
        workers = [asyncio.create_task(self._worker()) for _ in range(self.settings.concurrency)]
        try:
            await asyncio.gather(*workers)
            while self._handling:  # stopped early (a limit): count the pages still being handled
                await asyncio.wait(self._handling)
            if self._failure is None and self._stop is not StopReason.TIME_BUDGET:
                await self._finish_checks()
            elif self._stop is StopReason.TIME_BUDGET:
                self._unchecked_note()
        finally:
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            if self.checker is not None:
                await self.checker.cancel()
                # What was checked since the last batch (a Ctrl-C, a limit) is kept: the page
                # worker saves it with its buffer, and a resume does not ask it again.
                with contextlib.suppress(Exception):
                    await self._save_checks()
                for future in self._saving:  # failures of batches nobody awaits: seen, not lost
                    future.add_done_callback(_retrieved)
            self._report(force=True)
        if self._failure is not None:
            raise self._failure
        if self._stop is None:
            self._stop = StopReason.MAX_PAGES if len(self.frontier) else StopReason.FINISHED
            await self._reprobe()
            await self._probe_not_found()
            if self.probe_variants is not None:
                self.stats.origin_variants = await self.probe_variants(self.origin + "/")
            self._report()  # the probes' requests, bytes and time count too
        return CrawlOutcome(self._stop, self.stats)

    # --- resources ---------------------------------------------------------------------------

    def _own(self, url: str) -> bool:
        """The crawled site itself (its host, or a subdomain with --subdomains, in the scheme
        the crawl settled on): its resources go through the crawl's client, with its
        credentials; an http:// image on an https site does not."""
        scheme = self.origin.split("://", 1)[0]
        return self.scope.is_internal(url) and url.split("://", 1)[0] == scheme

    def _offer(self, url: str, kind: str | ResourceKind) -> None:
        """Check a resource a page uses; video and audio files are not (no check reads them,
        and they are the largest files a site has)."""
        kind = ResourceKind(kind)
        if self.checker is not None and kind is not ResourceKind.MEDIA:
            self.checker.offer(url, kind)

    async def _checked(self, check: ResourceCheck) -> None:
        self._checks.append(check)
        if len(self._checks) >= RESOURCE_BATCH:
            await self._save_checks()
        self._report()

    async def _save_checks(self) -> None:
        batch, self._checks = self._checks, []
        if batch:
            self._saving.append(await self.pipeline.submit_resources(batch))

    async def _finish_checks(self) -> None:
        """Wait for the resource checks still running, reporting progress; then store the
        last results and make sure every batch was saved."""
        checker = self.checker
        if checker is None:
            return
        deadline = None
        if self.settings.max_time is not None:
            deadline = self._t0 + self.settings.max_time
        await checker.drain(lambda: self._report(force=True), deadline=deadline)
        self._unchecked_note()
        await self._save_checks()
        saving, self._saving = self._saving, []
        for future in saving:
            await future
        counts = checker.counts
        if counts.refused:
            self.stats.notes.append(
                f"{counts.refused} link(s) and resource(s) could not be judged: their hosts "
                "refuse automated checks (HTTP 429 or 999); check them in a browser"
            )
        for reason, n in counts.skipped.items():
            if reason == "over --max-external":
                reason += f" {self.settings.max_external}"
            if reason != "skip list":  # asked for: no note
                self.stats.notes.append(f"{n} external URL(s) were not checked ({reason})")
        if checker.offline:
            self.stats.resources_offline = True
            tried = counts.hosts_unreachable + counts.hosts_answered
            self.stats.notes.append(
                f"{counts.hosts_unreachable} of {tried} external hosts could not be reached (no "
                "DNS, no connection, no TLS, no answer): the network looks cut off here (offline, a "
                "firewall, or a proxy), so links that failed for the network are not reported"
            )

    def _unchecked_note(self) -> None:
        """Say how many resource checks the time budget left undone: they are not findings."""
        if self.checker is not None and self.checker.pending:
            self.stats.notes.append(
                f"{self.checker.pending} link and resource checks were not done (--max-time "
                f"{self.settings.max_time:g}s): their problems, if any, are not reported"
            )

    async def _reprobe(self) -> None:
        """After a crawl that ran its course: time the slowest pages again, alone."""
        s, slow = self.stats, self.slow
        s.slow_pages = slow.seen
        if not slow.seen:
            return
        s.reprobes = await reprobe(slow, lambda url: self.fetcher.fetch(url, follow=_no_hops))
        if slow.seen > len(s.reprobes):
            timed = f"the slowest {len(s.reprobes)}" if s.reprobes else "none"
            s.notes.append(
                f"{slow.seen} pages answered slowly during the crawl; {timed} timed again alone "
                "(--reprobe), and only those can be reported slow"
            )
        self._report(force=True)

    async def _probe_not_found(self) -> None:
        """How the site answers a URL that cannot exist (soft 404s); robots.txt permitting."""
        url = probe_url(self.start_url)
        if await self.robots.allowed(url):
            fetch = partial(self.fetcher.fetch, follow=self._may_follow)
            self.stats.not_found_probe = await probe_not_found(url, fetch)

    def _apply_robots(self, rules: RobotsRules) -> None:
        self.stats.robots, self.stats.robots_detail = rules.state, rules.detail
        self.stats.robots_problems = list(rules.problems)
        self.stats.robots_problem_count = rules.problem_count
        delay = rules.crawl_delay
        if delay > 0:
            self.stats.crawl_delay = delay
            self.fetcher.throttle.interval = max(self.fetcher.throttle.interval, delay)
            self.stats.notes.append(f"robots.txt asks for a {delay:g}s crawl delay; honoured")
        if rules.state is RobotsState.UNREACHABLE and not self.settings.ignore_robots:
            if rules.detail.startswith("HTTP"):
                raise TargetUnreachable(
                    f"{rules.origin}/robots.txt answered {rules.detail}; RFC 9309 says crawl nothing "
                    "while it is unavailable",
                    hint="retry later, or pass --ignore-robots to crawl anyway",
                )
            raise TargetUnreachable(
                f"cannot reach {rules.origin}: {rules.detail}",
                hint=unreachable_hint(rules.detail) or NETWORK_HINT,
            )

    async def _crawl_start(self, rules: RobotsRules, rescoped: bool = False) -> RobotsRules:
        """Fetch the start URL alone: if it fails, nothing else is worth trying.

        A start URL that redirects to another host (example.com → www.example.com) moves the
        crawl to that host, once; returns the robots rules of the host being crawled.
        """
        if not rules.allowed(self.start_url):
            raise TargetUnreachable(
                f"robots.txt at {rules.origin} forbids crawling {self.start_url}",
                hint="crawl an allowed URL, or pass --ignore-robots (you are responsible for it)",
            )
        self.frontier.add(self.start_url, 0, 0, "start")
        item = self.frontier.pop()
        if item is None:  # pragma: no cover - add() of the start URL always succeeds
            return rules
        self._started += 1
        page = await self._process(item)
        if page.fetch.error_kind not in (None, FetchErrorKind.TOO_LARGE):
            raise TargetUnreachable(
                f"cannot fetch {self.start_url}: {page.fetch.error}",
                hint=unreachable_hint(page.fetch.error or "") or NETWORK_HINT,
            )
        final = page.fetch.final_url
        if self.scope.is_internal(final):
            self.origin = origin_of(final)
        if page.fetch.hops and not rescoped and not self.scope.is_internal(final):
            self.stats.notes.append(
                f"{self.start_url} redirects to {final}; crawled that site instead"
            )
            if self.carries_credentials is not None and not self.carries_credentials(final):
                there = origin_of(final)
                self.stats.notes.append(
                    f"--auth, --header and --cookie were not sent to {there}: they go only to "
                    f"the origins they were given for (add --auth-origin {there} if they are "
                    "meant for it too)"
                )
            self.start_url = final
            self.scope = self.frontier.scope = self._scope_for(final)
            await self.pipeline.set_scope(self.scope)
            rules = await self.robots.rules_for(final)
            self._apply_robots(rules)
            return await self._crawl_start(rules, rescoped=True)
        return rules

    async def _seed_sitemaps(self, rules: RobotsRules) -> None:
        candidates = rules.sitemaps or [origin_of(self.start_url) + "/sitemap.xml"]
        listed = set(rules.sitemaps)

        def may_fetch(url: str) -> bool:
            # Sitemaps named in robots.txt may live elsewhere (cross-submission); others must be ours.
            return url in listed or (self.scope.is_internal(url) and rules.allowed(url))

        found = await discover(self.fetcher, candidates, may_fetch)
        for url in found.urls:
            self.frontier.add_sitemap_url(url)
        self.sitemap_alternates = found.alternates
        self.stats.sitemaps_complete = found.complete
        self.stats.sitemaps_unread = [[url, reason] for url, reason in found.unread]
        early, self._before_sitemaps = self._before_sitemaps or [], None
        self.stats.listed_early = [u for u in early if u in self.frontier.sitemap_urls]
        self.stats.early_hreflang = {
            u: [list(pair) for pair in found.alternates[u]] for u in early if u in found.alternates
        }
        self.stats.sitemap_urls = len(self.frontier.sitemap_urls)
        self.stats.notes.extend(f"sitemap problem: {p}" for p in found.problems)
        elsewhere = [u for u in found.urls if not self.scope.is_internal(u)]
        if elsewhere:  # a copy of a site (staging, a folder) whose sitemap names the original
            hosts = sorted({origin_of(u) for u in elsewhere})
            self.stats.notes.append(
                f"{len(elsewhere)} of {len(found.urls)} sitemap URLs are on "
                f"{', '.join(hosts[:3])}{' …' if len(hosts) > 3 else ''}, not this site: they are "
                "not crawled and the sitemap checks leave them out (scanning a copy of that "
                f"site? a folder scan takes --base-url {hosts[0]}/)"
            )

    async def _worker(self) -> None:
        while True:
            item = self._next_item()
            if item is None:
                if self._busy == 0 or self._stop is not None:
                    self._wake.set()  # the crawl is over: let the waiting workers see it too
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            self._busy += 1
            try:
                await self._process(item)
            finally:
                self._busy -= 1
                self._wake.set()

    def _next_item(self) -> Item | None:
        if self._stop is not None:
            return None
        if (
            self.settings.max_time is not None
            and time.monotonic() - self._t0 > self.settings.max_time
        ):
            self._stop = StopReason.TIME_BUDGET
            return None
        if self._started >= self.settings.max_pages:
            if len(self.frontier):
                self._stop = StopReason.MAX_PAGES
            return None
        level = self.frontier.next_level()
        if level is None or not self._may_start(level):
            return None
        item = self.frontier.pop()
        if item is not None:
            self._started += 1
        return item

    def _may_start(self, level: tuple[int, int]) -> bool:
        """Whether a URL of this level may be crawled now: no page in flight could still find
        it a shorter way. A page at depth d finds URLs at depth d + 1 (a redirect's target
        keeps d), so a URL at depth n waits for every page at depth n - 2 or less; a URL only
        the sitemaps lead to waits for every page links reach (one of them may link to it:
        then it has a depth, and is no orphan). Pages came back out of order, so without
        this wait a depth depended on which server answered first."""
        phase, n = level
        return not any(
            count and (p < phase or (p == phase and m <= n - 2))
            for (p, m), count in self._in_flight.items()
        )

    # --- one URL ---------------------------------------------------------------------------

    def _may_follow(self, url: str) -> bool:
        """Follow a redirect now only if in scope and robots.txt for its origin is already known."""
        if not self.scope.allows(url):
            return False
        rules = self.robots.cached(url)
        return rules is not None and rules.allowed(url)

    def _scope_for(self, start_url: str) -> Scope:
        s = self.settings
        return Scope(start_url, s.subdomains, s.include, s.exclude)

    async def _process(self, item: Item) -> CrawledPage:
        self._in_flight[item.level] += 1
        try:
            return await self._fetch_and_emit(item)
        finally:
            self._in_flight[item.level] -= 1

    async def _fetch_and_emit(self, item: Item) -> CrawledPage:
        if not await self.robots.allowed(item.url):
            blocked = FetchResult(
                url=item.url,
                final_url=item.url,
                error_kind=FetchErrorKind.BLOCKED_ROBOTS,
                error="disallowed by robots.txt",
            )
            return await self._emit(self._crawled(blocked, item.depth, item.via), item)
        result = await self.fetcher.fetch(item.url, follow=self._may_follow)
        page = self._crawled(result, item.depth, item.via)
        final = result.final_url
        if result.hops and result.ok:
            if result.status_code is not None and 300 <= result.status_code < 400:
                # Not followed (other host, or robots.txt not known yet): the frontier decides.
                self.frontier.add(final, item.depth, item.hops, "redirect")
                return await self._emit(page, item)
            if not self.frontier.seen(final) and self.scope.allows(final):
                if self._started >= self.settings.max_pages:
                    # No room left for the target as a page of its own (--max-pages counts
                    # both): it waits in the frontier, and the crawl stops at the limit.
                    self.frontier.add(final, item.depth, item.hops, "redirect")
                    return await self._emit(replace(page, fetch=replace(result, body=None)), item)
                # The redirect and its target are two pages; the target carries the body.
                self._started += 1
                self.frontier.mark_seen(final)
                await self._emit(replace(page, fetch=replace(result, body=None)), item)
                target = self._crawled(replace(result, url=final, hops=()), item.depth, "redirect")
                return await self._emit(target, item)
            return await self._emit(replace(page, fetch=replace(result, body=None)), item)
        return await self._emit(page, item)

    def _crawled(self, result: FetchResult, depth: int | None, via: str) -> CrawledPage:
        """A fetched URL with what the sitemaps said of it (listed? its hreflang alternates)."""
        url = result.url
        if self._before_sitemaps is not None:
            self._before_sitemaps.append(url)
        return CrawledPage(
            result,
            depth,
            via,
            url in self.frontier.sitemap_urls,
            sitemap_hreflang=tuple(self.sitemap_alternates.get(url, ())),
        )

    async def _emit(self, page: CrawledPage, item: Item) -> CrawledPage:
        """Count the page and hand it to the pipeline; `_handled` queues what it links to."""
        s = self.stats
        if self.render is not None:
            rendered = await self.render(page)
            if rendered is not page:
                s.rendered += 1
                s.render_failed += rendered.render_note is not None
                s.render_blocked += rendered.render_blocked
                page = rendered
        s.pages += 1
        s.status[_status_class(page)] += 1
        f = page.fetch
        if f.error_kind is FetchErrorKind.BLOCKED_ROBOTS:
            s.blocked += 1
        elif f.error_kind is not None or (f.status_code is not None and f.status_code >= 400):
            s.errors += 1
        if f.hops:
            s.redirects += 1
        self.slow.offer(page)
        future = await self.pipeline.submit(page)
        self._busy += 1
        self._in_flight[item.level] += 1  # until `_handled` has queued its links
        self._handling.add(future)
        future.add_done_callback(partial(self._handled, item))
        self._report()
        return page

    def _handled(self, item: Item, future: asyncio.Future[Found]) -> None:
        self._busy -= 1
        self._in_flight[item.level] -= 1  # its links are queued below, with no await between
        self._handling.discard(future)
        self._wake.set()
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:
            if self._failure is None:
                self._failure = error
                self._stop = StopReason.FAILED
            return
        found = future.result()
        if found.html:
            self.stats.html_pages += 1
        for ref in found.resources:
            self._offer(ref.url, ref.kind)
        if found.urls:
            depth = item.depth + 1 if item.depth is not None else None
            hops = item.hops + 1
            for url in found.urls:
                self.frontier.add(url, depth, hops)

    def _report(self, force: bool = False) -> None:
        now = time.monotonic()
        s = self.stats
        s.elapsed = now - self._t0
        s.queued = len(self.frontier)
        s.requests = self.fetcher.requests
        s.retries = self.fetcher.retries
        s.bytes = self.fetcher.bytes
        s.skipped = dict(self.frontier.skipped)
        if self.checker is not None:
            c = self.checker.counts
            s.resources_queued, s.resources_checked = c.queued, c.checked
            s.resource_requests, s.resources_skipped = c.requests, dict(c.skipped)
        if self.progress is not None and (force or now - self._last_progress >= PROGRESS_INTERVAL):
            self._last_progress = now
            self.progress(s)
