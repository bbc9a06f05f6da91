"""The start origin's variants (http/https, with and without www), each fetched once at its root.

A site should answer on one origin and redirect the others to it: `http://example.com/` and
`https://www.example.com/` answering 200 themselves are copies of the whole site. The probe only
records what each variant answered; the check (`origin-variant-not-redirected`) judges it.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from seolog.domain import FetchResult, OriginVariant

_OTHER_SCHEME = {"http": "https", "https": "http"}
_WWW = "www."


def _has_www_variant(host: str) -> bool:
    """Whether `host` has a www/non-www twin worth asking for: not an IP address, not
    localhost, not a single-label (intranet) name, with or without its www."""
    bare = host.removeprefix(_WWW)
    if bare == "localhost" or "." not in bare.strip("."):
        return False
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        return True
    return False


def _netloc(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address
    return shown if port is None else f"{shown}:{port}"


def origin_variants(start_url: str) -> list[str]:
    """The root URLs of the start URL's origin variants, at most 3: the other scheme when the
    port is the default one (no port in the URL), the host with or without `www.`, and both
    together. Credentials, path and query of the start URL are never part of them."""
    parts = urlsplit(start_url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return []
    if scheme not in _OTHER_SCHEME or not host:
        return []
    schemes = [scheme] if port is not None else [scheme, _OTHER_SCHEME[scheme]]
    hosts = [host]
    if _has_www_variant(host):
        hosts.append(host.removeprefix(_WWW) if host.startswith(_WWW) else _WWW + host)
    # Nearest first: the other scheme, then the other host, then both.
    variants = [(s, h) for h in hosts for s in schemes if (s, h) != (scheme, host)]
    return [f"{s}://{_netloc(h, port)}/" for s, h in variants]


def _variant(url: str, result: FetchResult) -> OriginVariant:
    first = result.hops[0].status if result.hops else result.status_code
    final = result.status_code
    if not result.ok and final is not None and 300 <= final < 400:
        final = None  # a redirect loop or a bad Location: the redirects never ended on an answer
    return OriginVariant(url, first, result.final_url, final, None if result.ok else result.error)


async def probe_origin_variants(
    start_url: str, fetch: Callable[[str], Awaitable[FetchResult]]
) -> list[OriginVariant]:
    """Fetch each variant of the start URL's origin once at its root, following redirects to
    any host, and record the first status, where it ended and its status, or why there was no
    answer. `fetch` must never raise (Fetcher.fetch does not) and should carry no credentials:
    a variant may redirect anywhere."""
    urls = origin_variants(start_url)
    results = await asyncio.gather(*(fetch(url) for url in urls))
    return [_variant(url, result) for url, result in zip(urls, results, strict=True)]
