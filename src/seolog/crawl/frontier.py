"""What to crawl next: scope, breadth-first order, dedupe and spider-trap guards."""

from __future__ import annotations

import re
import sys
from collections import Counter, deque
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from seolog.crawl.spill import Spill
from seolog.errors import UsageError

# Spider-trap guards: no real site needs more, and a calendar or faceted search can't keep us busy.
MAX_URL_LENGTH = 2048  # the common limit of browsers and CDNs
MAX_SEGMENT_REPEATS = 3  # /a/b/a/b/a/b/... is a relative-link loop, not content
MAX_PATH_SEGMENTS = 30
MAX_QUERY_VARIANTS = 250  # distinct query strings per path (facets, sort orders, session ids)
# Queued URLs kept in memory (~240 bytes each); past this they wait on disk (crawl.spill).
SPILL_AFTER = 100_000


def _compile(patterns: list[str], flag: str) -> list[re.Pattern[str]]:
    compiled = []
    for p in patterns:
        try:
            compiled.append(re.compile(p))
        except re.error as e:
            raise UsageError(
                f"invalid {flag} pattern {p!r}: {e}",
                hint="patterns are regular expressions searched in the full URL, e.g. '/blog/'",
            ) from e
    return compiled


class Scope:
    """Which URLs belong to the crawl: the start host (optionally its subdomains), then filters."""

    def __init__(
        self,
        start_url: str,
        subdomains: bool = False,
        include: list[str] | None = None,
        exclude: list[str] | None = None,
    ) -> None:
        parts = urlsplit(start_url)
        self.start_url = start_url
        self.host = parts.netloc
        hostname = parts.hostname or ""
        self.domain = hostname.removeprefix("www.")
        self.subdomains = subdomains
        self.include = _compile(include or [], "--include")
        self.exclude = _compile(exclude or [], "--exclude")
        self.is_internal_host = lru_cache(maxsize=1024)(self._is_internal_host)

    def __reduce__(self) -> tuple[object, ...]:
        # Sent to the page worker process: rebuilt there with a cache of its own.
        include = [p.pattern for p in self.include]
        exclude = [p.pattern for p in self.exclude]
        return (type(self), (self.start_url, self.subdomains, include, exclude))

    def _is_internal_host(self, netloc: str) -> bool:
        if netloc == self.host:
            return True
        if not self.subdomains:
            return False
        hostname = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") else netloc
        return hostname == self.domain or hostname.endswith("." + self.domain)

    def is_internal(self, url: str) -> bool:
        """Same site: links to these are internal links, whatever the filters say."""
        # Hot path (every link of every page): URLs here are normalised, so the host is the third
        # "/"-separated part; splitting the string is ~10x cheaper than urlsplit.
        parts = url.split("/", 3)
        return len(parts) > 2 and self.is_internal_host(parts[2])

    def allows(self, url: str) -> bool:
        """Internal and passing --include/--exclude: these URLs get crawled."""
        if not self.is_internal(url):
            return False
        if url == self.start_url:
            return True
        if self.include and not any(p.search(url) for p in self.include):
            return False
        return not any(p.search(url) for p in self.exclude)


def trap_reason(url: str) -> str | None:
    """Why a URL looks like a spider trap, or None. Cheap: runs on every discovered link."""
    if len(url) > MAX_URL_LENGTH:
        return "url too long"
    path = urlsplit(url).path
    segments = [s for s in path.split("/") if s]
    if len(segments) > MAX_PATH_SEGMENTS:
        return "path too deep"
    if len(segments) > MAX_SEGMENT_REPEATS:
        counts = Counter(segments)
        if counts.most_common(1)[0][1] > MAX_SEGMENT_REPEATS:
            return "repeated path segments"
    return None


class UrlSet:
    """URLs remembered by their 64-bit hash (Python's own, computed once per string and kept in
    it): ~65 bytes a URL instead of ~110 with its text, which a million-page crawl holds for
    every URL it has seen. Two of a million URLs share a hash with odds of about 1 in 40 million
    (one would be taken for seen); where hashes are narrower than 64 bits the text is kept."""

    __slots__ = ("_members",)
    _WIDE = sys.hash_info.width >= 64

    def __init__(self) -> None:
        self._members: set[int | str] = set()

    def __contains__(self, url: str) -> bool:
        return (hash(url) if self._WIDE else url) in self._members

    def add(self, url: str) -> None:
        self._members.add(hash(url) if self._WIDE else url)

    def __len__(self) -> int:
        return len(self._members)


@dataclass(frozen=True, slots=True)
class Item:
    url: str
    depth: int | None  # link distance from the start URL; None when reached via the sitemap only
    hops: int  # link distance from whichever seed found it; --max-depth applies to this
    via: str  # start | link | sitemap | redirect

    @property
    def level(self) -> tuple[int, int]:
        """Its place in breadth-first order: pages links reach from the start URL first, by
        depth; then what only the sitemaps lead to, by hops from a sitemap URL."""
        return (0, self.depth) if self.depth is not None else (1, self.hops)


class Frontier:
    """Breadth-first queue of in-scope URLs, each URL handed out at most once.

    Link-discovered URLs come before sitemap-only URLs, so pages are reached by links first and
    their link depth is the true one; sitemap URLs nobody links to (orphans) are crawled last.

    Pages come back out of order (several fetches at once, several page workers), so a URL may
    first be found through a long way round and then through a shorter one: while it waits
    here, the shorter way wins (its entry moves to the nearer level). The crawl asks
    `next_level` before it takes a URL, and waits while a page still being fetched or parsed
    could find that URL a shorter way (`Crawler._may_start`): a depth, once handed out, is
    the true one.

    Past `spill_after` queued URLs the rest wait on disk (`crawl.spill`), each level in the
    order found, and come back when their level's turn comes: a million-page site's queue no
    longer holds its memory, and what is handed out, and in which order, is the same.
    """

    def __init__(self, scope: Scope, max_depth: int | None = None) -> None:
        self.scope = scope
        self.max_depth = max_depth
        # Each level's URLs in the order found; an entry whose URL moved to a nearer level
        # stays behind and is skipped (`_queued` holds the live one).
        self._levels: dict[tuple[int, int], deque[Item]] = {}
        self._queued: dict[str, Item] = {}
        self._spill: Spill | None = None  # what is queued past spill_after, once there is any
        self.spill_after = SPILL_AFTER
        self._seen = UrlSet()
        self.sitemap_urls: set[str] = set()
        self._query_variants: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._queued) + (len(self._spill) if self._spill is not None else 0)

    def close(self) -> None:
        """Remove the file of queued URLs, if the queue grew past memory."""
        if self._spill is not None:
            self._spill.close()
            self._spill = None

    def seen(self, url: str) -> bool:
        return url in self._seen

    def mark_seen(self, url: str) -> None:
        self._seen.add(url)
        self._queued.pop(url, None)  # a sitemap URL crawled already, as a redirect's target
        if self._spill is not None:
            self._spill.drop(url)

    def _admit(self, url: str) -> bool:
        if url in self._seen:
            return False
        if not self.scope.allows(url):
            self.skipped["out_of_scope"] += 1
            return False
        reason = trap_reason(url)
        if reason is None and "?" in url:
            base = url.split("?", 1)[0]
            if self._query_variants[base] >= MAX_QUERY_VARIANTS:
                reason = "too many query variants"
            else:
                self._query_variants[base] += 1
        if reason is not None:
            self.skipped["trap"] += 1
            self._seen.add(url)
            return False
        return True

    def _push(self, item: Item) -> None:
        spill = self._spill
        if spill is None and len(self._queued) >= self.spill_after:
            spill = self._spill = Spill()
        if spill is not None:
            # Last in its level: on disk while that level has entries there, or memory is full.
            if spill.has(item.level) or len(self._queued) >= self.spill_after:
                self._queued.pop(item.url, None)  # an entry in memory is stale now
                spill.put(item.level, (item.url, item.depth, item.hops, item.via))
                return
            spill.drop(item.url)
        self._queued[item.url] = item
        level = self._levels.get(item.level)
        if level is None:
            level = self._levels[item.level] = deque()
        level.append(item)

    def add(self, url: str, depth: int | None, hops: int, via: str = "link") -> bool:
        if self.max_depth is not None and hops > self.max_depth:
            if url not in self._seen:
                self.skipped["max_depth"] += 1
            return False
        item = Item(url, depth, hops, via)
        queued = self._queued.get(url)
        if queued is not None and url in self._seen:  # found before, not handed out yet
            if item.level < queued.level:
                self._push(item)  # a shorter way there
            return False
        if url in self._seen:  # handed out already, or waiting on disk
            spill = self._spill
            if spill is not None and (high := spill.highest()) is not None and item.level < high:
                waiting = spill.level_of(url)
                if waiting is not None and item.level < waiting:
                    self._push(item)  # a shorter way there
            return False
        if not self._admit(url):
            return False
        self._seen.add(url)
        self._push(item)
        return True

    def add_sitemap_url(self, url: str) -> None:
        """Remember a sitemap URL; crawl it after the link graph unless a link reaches it first."""
        self.sitemap_urls.add(url)
        if url in self._seen or url in self._queued or not self.scope.allows(url):
            return
        if self._spill is None or self._spill.level_of(url) is None:
            self._push(Item(url, None, 0, "sitemap"))

    def _head(self) -> Item | None:
        """The next live entry, left in place; stale entries in front of it are dropped, and
        a level's entries on disk come back once those in memory are done."""
        while (key := self._lowest()) is not None:
            level = self._levels.get(key)
            while level:
                item = level[0]
                if self._queued.get(item.url) is item:
                    return item
                level.popleft()
            if self._spill is not None and self._spill.has(key):
                self._refill(key)
            else:
                self._levels.pop(key, None)
        return None

    def _lowest(self) -> tuple[int, int] | None:
        lowest = min(self._levels) if self._levels else None
        spilled = self._spill.lowest() if self._spill is not None else None
        if spilled is not None and (lowest is None or spilled < lowest):
            return spilled
        return lowest

    def _refill(self, key: tuple[int, int]) -> None:
        assert self._spill is not None
        level = self._levels.setdefault(key, deque())
        for url, depth, hops, via in self._spill.take(key):
            item = Item(url, depth, hops, via)
            self._queued[url] = item
            level.append(item)

    def next_level(self) -> tuple[int, int] | None:
        """The level of the URL `pop` would hand out next, None when nothing is queued."""
        item = self._head()
        return item.level if item is not None else None

    def pop(self) -> Item | None:
        while (item := self._head()) is not None:
            self._levels[item.level].popleft()
            del self._queued[item.url]
            if item.via == "sitemap":  # a sitemap URL is admitted when its turn comes
                if not self._admit(item.url):
                    continue
                self._seen.add(item.url)
            return item
        return None
