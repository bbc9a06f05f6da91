"""A calm second look at slow pages. During the crawl a response time includes the crawler's own
busy moments (the event loop parsing, several requests at once); a page is only called slow when,
fetched again alone after the crawl, it is still slow. The slowest pages go first, up to a limit,
so a slow site costs a bounded number of extra requests."""

from __future__ import annotations

import heapq
from collections.abc import Awaitable, Callable

from seolog.domain import CrawledPage, FetchResult, Reprobe

Fetch = Callable[[str], Awaitable[FetchResult]]


class SlowPages:
    """The pages slower than `over_ms` during the crawl, keeping the `limit` slowest."""

    def __init__(self, over_ms: float | None, limit: int) -> None:
        self.over_ms = over_ms
        self.limit = limit
        self.seen = 0  # every slow page, re-probed or not
        self._slowest: list[tuple[float, str]] = []  # a min-heap of (ms, url)

    def offer(self, page: CrawledPage) -> None:
        f = page.fetch
        ms = f.response_ms
        if self.over_ms is None or ms is None or ms <= self.over_ms or not _is_page(f):
            return
        self.seen += 1
        if self.limit <= 0:
            return
        if len(self._slowest) < self.limit:
            heapq.heappush(self._slowest, (ms, f.final_url))
        elif ms > self._slowest[0][0]:
            heapq.heapreplace(self._slowest, (ms, f.final_url))

    def slowest(self) -> list[tuple[float, str]]:
        return sorted(self._slowest, reverse=True)


def _is_page(f: FetchResult) -> bool:
    return (
        f.ok
        and not f.hops
        and f.body is not None
        and f.status_code is not None
        and 200 <= f.status_code < 300
    )


async def reprobe(slow: SlowPages, fetch: Fetch) -> list[Reprobe]:
    """Fetch each of the slowest pages again, one at a time, and time it alone."""
    probes = []
    for crawl_ms, url in slow.slowest():
        result = await fetch(url)
        ttfb = result.response_ms if result.ok and result.status_code else None
        probes.append(Reprobe(url, crawl_ms, ttfb, result.download_ms if ttfb else None))
    return probes
