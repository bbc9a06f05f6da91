"""Build pages for check tests the way the crawler does: real HTML through the real extractor."""

from __future__ import annotations

from seolog.checks.runner import run_page_checks
from seolog.checks.thresholds import Thresholds
from seolog.crawl.frontier import Scope
from seolog.domain import CrawledPage, FetchErrorKind, FetchResult, RedirectHop
from seolog.parse.extract import extract_page

URL = "https://shop.example/products/spade.html"
SENTENCE = (
    "A forged steel garden spade with an ash handle digs clay and stony ground without bending; "
    "this guide explains blade sizes, handle lengths and how to keep the edge sharp. "
)
WORDS = SENTENCE * 8  # 240 words: comfortably above the thin-content threshold
HEAD = (
    '<meta charset="utf-8">'
    "<title>Forged steel garden spade with ash handle | Acme</title>"
    '<meta name="description" content="A forged steel spade with an ash handle for clay and stony '
    'soil: blade sizes, handle lengths and care, with a lifetime guarantee.">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    f'<link rel="canonical" href="{URL}">'
    '<meta property="og:title" content="Forged steel garden spade">'
    '<meta property="og:image" content="https://shop.example/img/spade.jpg">'
    # A Product with what Google requires and recommends for a product snippet: the healthy page
    # gets no structured-data finding.
    '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product", '
    '"name": "Garden spade", "image": "https://shop.example/img/spade.jpg", '
    '"description": "A forged steel garden spade with an ash handle.", '
    '"brand": {"@type": "Brand", "name": "Acme"}, "sku": "SP-100", '
    '"offers": {"@type": "Offer", "price": "39.00", "priceCurrency": "EUR", '
    '"availability": "https://schema.org/InStock"}}</script>'
)
BODY = (
    "<h1>Forged steel garden spade</h1><h2>Blade sizes</h2>"
    f"<p>{WORDS}</p>"
    '<img src="/img/spade.jpg" alt="The spade standing in dug soil">'
    '<a href="/products/fork.html">Digging fork with ash handle</a>'
    '<a href="/care/sharpening.html">How to sharpen a spade</a>'
)


def html(head: str = HEAD, body: str = BODY, lang: str = ' lang="en"') -> str:
    return f"<!doctype html><html{lang}><head>{head}</head><body>{body}</body></html>"


def page(
    markup: str | None = None,
    url: str = URL,
    status: int = 200,
    headers: dict[str, str] | None = None,
    depth: int = 1,
    response_ms: float = 120.0,
    hops: tuple[RedirectHop, ...] = (),
    final_url: str | None = None,
    error_kind: FetchErrorKind | None = None,
    content_type: str = "text/html; charset=utf-8",
) -> CrawledPage:
    markup = html() if markup is None else markup
    final = final_url or url
    fetch = FetchResult(
        url=url,
        final_url=final,
        status_code=status if error_kind is None else None,
        headers={"strict-transport-security": "max-age=31536000"} if headers is None else headers,
        content_type=content_type,
        size=len(markup.encode()),
        response_ms=response_ms,
        hops=hops,
        error_kind=error_kind,
        error=error_kind.value if error_kind else None,
    )
    crawled = CrawledPage(fetch, depth, "link")
    if error_kind is None and not hops and content_type.startswith("text/html"):
        crawled.snapshot = extract_page(
            markup, final, Scope(url).is_internal, fetch.headers.get("link")
        )
    return crawled


def codes(p: CrawledPage, t: Thresholds | None = None) -> set[str]:
    return {f.code for f in run_page_checks(p, t or Thresholds())}


def findings(p: CrawledPage, code: str, t: Thresholds | None = None) -> list:
    return [f for f in run_page_checks(p, t or Thresholds()) if f.code == code]
