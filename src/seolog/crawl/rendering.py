"""The crawl's side of rendering (--render): which fetched pages go to the browser, and how the
browser's requests to the site reach it through the crawl's own client.

Through the crawl's client, the browser's requests to the site obey robots.txt, carry the
user's credentials only where the crawl sends them, and reach a folder scan's local server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import httpx

from seolog.browser.renderer import Loaded, LoadOwn, Renderer
from seolog.browser.shell import looks_like_app_shell
from seolog.crawl.handler import looks_like_html
from seolog.domain import CrawledPage
from seolog.parse.extract import decode_body
from seolog.urls import normalize_url


def own_loader(
    client: httpx.AsyncClient,
    allowed: Callable[[str], Awaitable[bool]],
    to_wire: Callable[[str], str],
    to_public: Callable[[str], str],
) -> LoadOwn:
    """`Renderer.load_own` over the crawl's client: None where robots.txt forbids the URL."""

    async def load(
        method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> Loaded | None:
        if not await allowed(url):
            return None
        response = await client.request(method, to_wire(url), headers=headers, content=body)
        answer = _headers(response.headers)
        location = response.headers.get("location")
        if location:  # a folder scan's local server names its own address
            answer["location"] = to_public(str(response.url.join(location)))
        return Loaded(response.status_code, answer, response.content)

    return load


def _headers(headers: httpx.Headers) -> dict[str, str]:
    """Response headers for the browser. A header sent more than once is one value, joined by
    ", ", as `dict(headers)` makes it; but each Set-Cookie must stay a cookie of its own (one
    value can hold commas, in its expiry date): Playwright takes them joined by newlines. Two
    cookies, a session and a CSRF token, were one cookie before."""
    joined: dict[str, list[str]] = {}
    for name, value in headers.multi_items():
        joined.setdefault(name.lower(), []).append(value)
    return {
        name: ("\n" if name == "set-cookie" else ", ").join(values)
        for name, values in joined.items()
    }


class PageRendering:
    """Render the pages the mode asks for: every HTML page answering 2xx (`always`), or only
    those whose raw HTML looks like an app shell (`auto`, see seolog.browser.shell)."""

    def __init__(self, renderer: Renderer, mode: str) -> None:
        self.renderer = renderer
        self.mode = mode

    def wanted(self, page: CrawledPage) -> bool:
        f = page.fetch
        if f.body is None or f.status_code is None or not 200 <= f.status_code < 300:
            return False
        if not looks_like_html(f.content_type, f.body):
            return False
        return self.mode == "always" or (
            self.mode == "auto" and looks_like_app_shell(decode_body(f.body, f.content_type))
        )

    async def __call__(self, page: CrawledPage) -> CrawledPage:
        """The page with its rendered DOM (or why it has none); the page itself when it is
        not one to render."""
        if not self.wanted(page):
            return page
        f = page.fetch
        assert f.body is not None and f.status_code is not None
        result = await self.renderer.render(f.final_url, f.status_code, f.content_type, f.body)
        html, note = result.html, result.error
        went = result.final_url
        if html is not None and result.navigated and went and not _same(went, f.final_url):
            # Its script sent the browser to another page (a JavaScript redirect): that DOM is
            # another page's, whose relative links would be read against this URL.
            html, note = None, f"its script went to {went}: the raw HTML was judged"
        return replace(page, rendered_html=html, render_note=note, render_blocked=result.blocked)


def _same(a: str, b: str) -> bool:
    return (normalize_url(a) or a) == (normalize_url(b) or b)
