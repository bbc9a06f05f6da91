"""Which scheme a target typed without one answers on: https first, then http, as browsers do.

`seolog scan 127.0.0.1:8081` used to mean https://127.0.0.1:8081/ and fail on a plain-HTTP dev
server with a raw "[SSL: WRONG_VERSION_NUMBER]". Here each scheme is asked once for robots.txt
(which the crawl fetches first anyway, and which robots.txt never forbids); any HTTP answer, even
a 404, means the scheme works. Failures come back in plain words, never as OpenSSL's text.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from seolog.config import CrawlSettings
from seolog.crawl.fetch import classify_error, make_client
from seolog.crawl.tls import tls_reason
from seolog.domain import FetchErrorKind
from seolog.urls import root_url


@dataclass(frozen=True)
class SchemeAnswer:
    """The URL to crawl (None when neither scheme answered), and why each scheme that was not
    used failed, in plain words ("" when it answered or was not tried)."""

    url: str | None
    https_problem: str = ""
    http_problem: str = ""
    untrusted: bool = False  # https answered with a certificate we do not trust


def plain_reason(exc: Exception, timeout: float) -> str:
    """An httpx failure in words a user can act on, without OpenSSL's text."""
    kind = classify_error(exc)
    if kind is FetchErrorKind.TIMEOUT:
        return f"no answer within {timeout:g}s"
    if kind is FetchErrorKind.DNS:
        return "the host name does not resolve"
    if kind is FetchErrorKind.TLS:
        return tls_reason(exc)
    if kind is FetchErrorKind.CONNECT:
        text = str(exc).lower()  # anyio says "All connection attempts failed" for a refusal
        refused = "refused" in text or "all connection" in text
        return "connection refused" if refused else "cannot connect"
    return "the server's answer was not HTTP"


async def _answers(client: httpx.AsyncClient, url: str, timeout: float) -> str:
    """Empty when `url`'s origin answers over HTTP at all (any status), else why not."""
    try:
        async with client.stream("GET", root_url(url).rstrip("/") + "/robots.txt"):
            return ""
    except httpx.HTTPError as e:
        return plain_reason(e, timeout)


async def probe_scheme(https_url: str, http_url: str, settings: CrawlSettings) -> SchemeAnswer:
    """Ask https_url's origin first and use it if it answers; else http_url's. The probe is
    anonymous: no auth, headers or cookies go out before the scheme is known."""
    async with make_client(settings) as client:  # no credential gate: anonymous
        https_problem = await _answers(client, https_url, settings.timeout)
        if not https_problem:
            return SchemeAnswer(https_url)
        http_problem = await _answers(client, http_url, settings.timeout)
    return SchemeAnswer(
        http_url if not http_problem else None,
        https_problem,
        http_problem,
        untrusted=https_problem.startswith("its certificate"),
    )
