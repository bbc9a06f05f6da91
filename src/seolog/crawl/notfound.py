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
    content_hash = None
    if result.ok and result.body is not None:
        html = decode_body(result.body, result.content_type)
        content_hash = extract_page(html, result.final_url, lambda _u: False).content_hash
    return NotFoundProbe(
        url, result.status_code if result.ok else None, result.final_url, content_hash
    )
