"""Small questions many checks ask about a page, answered once."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from seolog.checks.registry import Hit
from seolog.domain import (
    CrawledPage,
    FetchErrorKind,
    PageSnapshot,
    parse_directives,
    says_noindex,
)


def robots_directives(page: CrawledPage) -> set[str]:
    meta = page.snapshot.meta_robots if page.snapshot else None
    return parse_directives(meta, page.fetch.headers.get("x-robots-tag"))


def is_noindex(page: CrawledPage) -> bool:
    return says_noindex(robots_directives(page))


def is_html(page: CrawledPage) -> bool:
    return page.snapshot is not None


INDEX_MIN_LINKS = 10  # a link list, not a stray pair of links in a short text


def is_index(snap: PageSnapshot) -> bool:
    """A table of contents or an index: mostly links, on purpose (at least INDEX_MIN_LINKS
    links, and half the main content's words or more are link text)."""
    return len(snap.links) >= INDEX_MIN_LINKS and snap.link_words * 2 >= snap.word_count


def tag_count(page: CrawledPage, tag: str) -> int:
    """How many `tag`s ("title", "description", "viewport") a content page has; 0 otherwise."""
    return page.snapshot.tag_counts.get(tag, 0) if is_content(page) and page.snapshot else 0


def several(page: CrawledPage, tag: str, words: Callable[[int], str]) -> Iterator[Hit]:
    """The finding of a page with more than one `tag`, which it should have once, worded by
    `words(count)` (a `say`, so the message can be translated)."""
    n = tag_count(page, tag)
    if n > 1:
        yield Hit(words(n), {"count": n})


def is_final(page: CrawledPage) -> bool:
    """A record of the URL itself, not of a redirect to somewhere else."""
    return not page.fetch.hops


def is_indexable(page: CrawledPage) -> bool | None:
    """Could this page appear in search: HTML, 2xx, not noindex, not canonicalised elsewhere.
    None for what is not an HTML page."""
    if not is_html(page):
        return None
    f = page.fetch
    if f.status_code is None or not 200 <= f.status_code < 300 or not is_final(page):
        return False
    if is_noindex(page):
        return False
    canonical = page.snapshot.canonical if page.snapshot else None
    return not canonical or canonical == f.final_url


NETWORK_ERRORS = frozenset(
    {
        FetchErrorKind.DNS,
        FetchErrorKind.CONNECT,
        FetchErrorKind.TIMEOUT,
        FetchErrorKind.TLS,
        FetchErrorKind.PROTOCOL,
        FetchErrorKind.INVALID_URL,
    }
)


def is_content(page: CrawledPage) -> bool:
    """An HTML page answering 2xx at its own URL: the pages content checks apply to. An error
    page's missing title is not a finding; its status is."""
    code = page.fetch.status_code
    return is_html(page) and is_final(page) and code is not None and 200 <= code < 300


# --- where a page check applies (`CheckSpec.applies`) -------------------------------------------


def requested(page: CrawledPage) -> bool:
    """A URL the crawler asked for: everything but a URL robots.txt kept it from."""
    return page.fetch.error_kind is not FetchErrorKind.BLOCKED_ROBOTS


def answered(page: CrawledPage) -> bool:
    """A URL that answered with a status of its own (not a redirect record, not a failure)."""
    return is_final(page) and page.fetch.status_code is not None


_REDIRECT_ERRORS = frozenset({FetchErrorKind.REDIRECT_LOOP, FetchErrorKind.TOO_MANY_REDIRECTS})


def redirected(page: CrawledPage) -> bool:
    """A URL that redirected, including one whose redirects never ended."""
    return bool(page.fetch.hops) or page.fetch.error_kind in _REDIRECT_ERRORS


def content_with(part: Callable[[PageSnapshot], object]) -> Callable[[CrawledPage], bool]:
    """`applies` for a check about one part of a content page: the content pages where that part
    is present, e.g. `content_with(lambda s: s.hreflang)` for the hreflang checks."""

    def applies(page: CrawledPage) -> bool:
        return is_content(page) and page.snapshot is not None and bool(part(page.snapshot))

    return applies
