"""Which requests may carry the user's credentials: one decision, by origin, for every request.

`--auth`, `--header` and `--cookie` open a staging site. They were given for that site, so they
go only to the origins they were given for:

- the start URL's origin (scheme, host and port);
- its https twin (same host, https) once the start origin itself redirects there: the crawl
  follows that upgrade, and TLS to the same host name adds protection, it removes none. The
  reverse, an https site sending us to plain http, never carries them;
- the origins listed with `--auth-origin URL` (`[scan] auth_origins`).

Never to another port or scheme of the same host, another subdomain (even with --subdomains), a
sitemap host robots.txt names, a redirect target elsewhere, or a link checked on another host.
The crawl's httpx client asks `CredentialGate.allows` through `OriginAuth` on every request
(redirect hops are requests of their own, so a hop elsewhere drops them); the external checks'
aiohttp sessions ask it through `headers_for`.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Generator, Iterable, Mapping

import httpx

from seolog.urls import Origin, origin_key, origin_text


class CredentialGate:
    """The user's credentials and the origins they may go to."""

    def __init__(
        self,
        start_url: str,
        headers: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        auth_origins: Iterable[str] = (),
    ) -> None:
        self._extra = _credential_headers(headers or {}, cookies or {}, auth)
        start = origin_key(start_url)
        self.start = start
        self.origins: set[Origin] = {start} if start is not None else set()
        self.origins.update(o for o in map(origin_key, auth_origins) if o is not None)

    @property
    def active(self) -> bool:
        """Whether there is anything to send at all."""
        return bool(self._extra)

    def allows(self, url: str) -> bool:
        """THE decision: may a request to `url` carry the credentials?"""
        origin = origin_key(url)
        return origin is not None and origin in self.origins

    def redirected(self, source: str, target: str) -> None:
        """A response from `source` redirected to `target`: when the start origin sends us to
        its own https twin (http://host → https://host), the crawl follows that upgrade, and
        so do the credentials. Nothing else widens where they go."""
        src, dst = origin_key(source), origin_key(target)
        if (
            src is not None
            and dst is not None
            and src == self.start
            and src[0] == "http"
            and dst[0] == "https"
            and dst[1] == src[1]
        ):
            self.origins.add(dst)

    def headers_for(self, url: str) -> dict[str, str]:
        """The headers that carry the credentials to `url`: none where it may not have them."""
        return dict(self._extra) if self._extra and self.allows(url) else {}

    def described(self) -> list[str]:
        """The origins credentials go to, for notes and docs."""
        return sorted(origin_text(o) for o in self.origins)


def _credential_headers(
    headers: Mapping[str, str], cookies: Mapping[str, str], auth: tuple[str, str] | None
) -> dict[str, str]:
    """Everything the user gave as request headers: theirs, then the cookies (after a Cookie
    header of theirs), then basic auth, which wins over an Authorization header as it always
    has (httpx's auth is applied last)."""
    extra = dict(headers)
    if cookies:
        jar = "; ".join(f"{name}={value}" for name, value in cookies.items())
        given = next((k for k in extra if k.lower() == "cookie"), None)
        if given is not None:
            jar = f"{extra.pop(given)}; {jar}"
        extra["Cookie"] = jar
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        for name in [k for k in extra if k.lower() == "authorization"]:
            del extra[name]
        extra["Authorization"] = f"Basic {token}"
    return extra


class OriginAuth(httpx.Auth):
    """The crawl client's auth: adds the credentials to each request the gate allows, and
    tells the gate where the site redirects (its http → https upgrade)."""

    def __init__(self, gate: CredentialGate) -> None:
        self.gate = gate

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        url = str(request.url)
        for name, value in self.gate.headers_for(url).items():
            if name.lower() == "cookie" and "cookie" in request.headers:
                # Cookies the site set (the client's jar) stay, the user's come after them.
                value = f"{request.headers['cookie']}; {value}"
            request.headers[name] = value
        response = yield request
        location = response.headers.get("location")
        if 300 <= response.status_code < 400 and location:
            with contextlib.suppress(httpx.InvalidURL, ValueError):  # a Location that is no URL
                self.gate.redirected(url, str(request.url.join(location)))
