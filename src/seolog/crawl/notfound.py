"""One request after the crawl to a URL that cannot exist: does the site answer 404, and what
does its error page look like? A site that answers 200 turns every mistyped or removed URL into
a soft 404; a 200 page with the error page's content is one."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from seolog.domain import FetchResult, NotFoundProbe
from seolog.parse.extract import decode_body, extract_page
from seolog.urls import origin_of

PROBE_PREFIX = "/seolog-404-check-"  # recognisable in the site's access log


def probe_url(start_url: str) -> str:
    return origin_of(start_url) + PROBE_PREFIX + secrets.token_hex(6)


async def probe_not_found(
    url: str, fetch: Callable[[str], Awaitable[FetchResult]]
) -> NotFoundProbe:
    result = await fetch(url)
    status = result.status_code if result.ok else None
    if not result.ok or result.body is None:
        return NotFoundProbe(url, status, result.final_url)
    html = decode_body(result.body, result.content_type)
    snap = extract_page(html, result.final_url, lambda _u: False)
    return NotFoundProbe(url, status, result.final_url, snap.content_hash, snap.word_count)
