"""URL hygiene: the page's own URL (long, upper-case, many parameters) and the URLs its HTML
writes without percent-encoding."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from seolog.checks.facts import content_with, is_content
from seolog.checks.registry import Hit, page_check
from seolog.checks.thresholds import Thresholds
from seolog.domain import CrawledPage, Severity
from seolog.wording import say

SINCE = "0.2.0"  # the release after FIRST_VERSION, as in checks/resources.py
_EXAMPLES = 10
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")  # "%C3%BC" is upper case by the standard


def _own_url(page: CrawledPage) -> bool:
    """An HTML page that answered 200 at its own URL (not a redirect, not an error): the URL a
    search result would show."""
    return is_content(page) and page.fetch.status_code == 200


@page_check(
    code="url-too-long",
    family="urls",
    applies=_own_url,
    severity=Severity.NOTICE,
    title="URL is very long",
    why="Long URLs are cut off in search results and shared links, are hard to read and type, "
    "and usually come from deep folders or tracking and filter parameters that multiply pages.",
    fix="Use short, readable paths of a few words; drop needless folders and parameters, and "
    "redirect (301) the old URL to the new one.",
    thresholds=("max_url_length",),
    since=SINCE,
)
def url_too_long(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    url = page.fetch.url
    if _own_url(page) and len(url) > t.max_url_length:
        yield Hit(
            say("URL is {length} characters (max {max})", length=len(url), max=t.max_url_length),
            {"length": len(url), "max": t.max_url_length},
        )


@page_check(
    code="url-uppercase",
    family="urls",
    applies=_own_url,
    severity=Severity.NOTICE,
    title="URL path has upper-case letters",
    why="Paths are case-sensitive on most servers: /Shoes and /shoes are two URLs, so links "
    "written either way split the page's value or lead to a 404, and duplicates appear.",
    fix="Use lower-case paths and redirect (301) the upper-case spelling to the lower-case one.",
    since=SINCE,
)
def url_uppercase(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if not _own_url(page):
        return
    path = urlsplit(page.fetch.url).path
    letters = _PERCENT_ESCAPE.sub("", path)
    if any(c.isupper() for c in letters):
        yield Hit(say("upper-case letters in the path {path}", path=path), {"path": path})


@page_check(
    code="url-many-parameters",
    family="urls",
    applies=_own_url,
    severity=Severity.NOTICE,
    title="URL has many query parameters",
    why="Each parameter combination is a URL of its own: sorting, filtering and tracking "
    "parameters multiply the pages search engines crawl, most of them duplicates.",
    fix="Link to clean URLs; keep filter and tracking parameters out of internal links, and "
    "point the parameter variants' rel=canonical at the clean URL.",
    thresholds=("max_url_parameters",),
    since=SINCE,
)
def url_many_parameters(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if not _own_url(page):
        return
    query = urlsplit(page.fetch.url).query
    names = [part.split("=", 1)[0] for part in query.split("&") if part] if query else []
    if len(names) > t.max_url_parameters:
        yield Hit(
            say(
                "{count} query parameters (max {max}): {names}",
                count=len(names),
                max=t.max_url_parameters,
                names=", ".join(names),
            ),
            {"count": len(names), "max": t.max_url_parameters, "parameters": names},
        )


@page_check(
    code="url-unencoded",
    family="urls",
    applies=content_with(lambda s: s.links or s.resources),
    severity=Severity.NOTICE,
    title="URLs written with spaces or non-ASCII characters",
    why="A URL may hold only ASCII letters, digits and a few symbols; spaces and other "
    "characters must be percent-encoded (a space is %20, ü is %C3%BC). Browsers repair what the "
    "HTML writes raw, but other crawlers, tools and e-mail clients cut the URL at the space or "
    "encode it differently, and the link breaks. Only the path and query count: a host name in "
    "its own script (bücher.example) and the fragment are fine.",
    fix="Percent-encode the URL in the HTML (/my%20photo.jpg), or better, rename the file or "
    "page to lower-case ASCII words joined by hyphens (/my-photo.jpg).",
    since=SINCE,
)
def url_unencoded(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = page.snapshot if is_content(page) else None
    if snap is None or not snap.unencoded_urls:
        return
    found = snap.unencoded_urls
    shown = ", ".join(repr(u) for u in found[:3])
    yield Hit(
        say(
            "{count} URL(s) written without percent-encoding: {urls}", count=len(found), urls=shown
        ),
        {"count": len(found), "urls": found[:_EXAMPLES]},
    )
