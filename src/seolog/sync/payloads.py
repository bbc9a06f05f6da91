"""A stored page → the two request bodies the platform takes (`/pages/sync/`, `/pages/{id}/seo-data/`).

The platform's columns have limits (`LIMITS`), and a value over one costs the whole request, so
every body is fitted here, once, before it is queued: text is cut, an optional URL that cannot fit
is left out (and the push says so), and a page whose own URL cannot fit is never sent at all.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from seolog.domain import WP_MAX_POST_ID, parse_directives, says_noindex


@dataclass(frozen=True)
class Limits:
    """The platform's columns, as its Django models declare them over PostgreSQL. Over a limit the
    API answers a 400 naming the field where its serializer checks, and an HTML 500 where only the
    database does (the page URL, the post id): that one reads exactly like an outage."""

    url: int = 200  # Page.url, a URLField → HTML 500; the page's identity there, so never cut
    canonical_url: int = 200  # SEOData.canonical_url, a URLField → 400; left out when longer
    schema_type: int = 100  # SEOData.schema_type → 400
    slug: int = 200  # Page.slug
    text: int = 500  # every other CharField: titles, descriptions, h1, issue messages → 400
    post_id: int = WP_MAX_POST_ID  # Page.wp_post_id, a signed 32-bit integer → HTML 500


LIMITS = Limits()
MAX_CHARS = LIMITS.text
MAX_LIST = 200  # link and image lists; the counts next to them are always complete
WORDS_PER_MINUTE = 200  # a common reading-speed estimate for web copy
ASSIGNED_BASE = 1_000_000_000  # seolog's own post ids start here; WordPress ids stay far below
URL_TOO_LONG = "url-too-long"  # the reason a page is not sent, in `sync push --format json`


class StoredPage(Protocol):
    url: str
    title: str | None
    meta_description: str | None
    h1: list[str] | None
    h2: list[str] | None
    canonical: str | None
    meta_robots: str | None
    x_robots_tag: str | None
    word_count: int | None
    images: list[dict[str, Any]] | None
    json_ld: list[str] | None
    score: int | None
    headers: dict[str, str] | None
    indexable: bool | None  # None: the HTML was not parsed (its body over the crawl's size cap)
    error_message: str | None


@dataclass
class PageExtras:
    """What the page's row does not hold: its links and its findings."""

    internal_links: list[str] = field(default_factory=list)
    external_links: list[str] = field(default_factory=list)
    issues: list[tuple[str, str, str]] = field(default_factory=list)  # code, severity, message


@dataclass(frozen=True)
class Unsendable:
    """Why the platform cannot take a page at all: it is recorded with this, never sent."""

    reason: str  # a stable code: URL_TOO_LONG
    message: str  # one line for people, with this page's numbers
    label: str  # the reason in a few words, for a count of pages: "URL over 200 characters"


@dataclass
class Payload:
    """One page, fitted to the platform: its two bodies and what was left out to fit (one line
    each), or, for a page that cannot fit at all, why not (and no bodies)."""

    page: dict[str, Any] = field(default_factory=dict)
    seo_data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    unsendable: Unsendable | None = None


def payload(
    page: StoredPage,
    extras: PageExtras,
    wp_post_id: int,
    is_homepage: bool,
    advice: Callable[[str], str | None],
) -> Payload:
    """Everything the push needs of one page, within `LIMITS`."""
    refusal = unsendable(page)
    if refusal is not None:
        return Payload(unsendable=refusal)
    return Payload(
        page_body(page, wp_post_id, is_homepage),
        seo_body(page, extras, advice),
        left_out(page),
    )


def unsendable(page: StoredPage) -> Unsendable | None:
    """Why the platform cannot take this page at all, if it cannot."""
    return unsendable_url(page.url)


def unsendable_url(url: str) -> Unsendable | None:
    """A URL longer than the platform's column: the URL is what the page is there, so it cannot
    be cut; sent anyway, it costs an HTML 500 on every try."""
    n = len(url)
    if n <= LIMITS.url:
        return None
    return Unsendable(
        URL_TOO_LONG,
        f"URL is {n} characters; the platform takes at most {LIMITS.url}",
        f"URL over {LIMITS.url} characters",
    )


def left_out(page: StoredPage) -> list[str]:
    """What the platform will not have of this page, one line each: what `seo_body` leaves out
    to fit, or all of its content when the crawl never read it (the page is sent all the same,
    with its status and findings, so it exists on the platform)."""
    if page.indexable is None:
        why = f": {page.error_message}" if page.error_message else ""
        return [f"sent without its content, which the crawl did not read{why}"]
    if page.canonical and not _fitting_url(page.canonical, LIMITS.canonical_url):
        return [f"canonical URL over {LIMITS.canonical_url} characters left out"]
    return []


def _fitting_url(value: str | None, limit: int) -> str:
    """An optional URL as the platform can keep it: '' when it is longer than the column (a cut
    URL would point somewhere else)."""
    return value if value and len(value) <= limit else ""


def cut(value: str | None, limit: int = MAX_CHARS) -> str:
    """Fit a string to a column: whitespace collapsed, over-long text ending in '…'."""
    text = " ".join((value or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slug_of(url: str) -> str:
    """The last path segment, as WordPress would have it; '' for the home page."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return cut(unquote(segments[-1]), LIMITS.slug) if segments else ""


def page_body(page: StoredPage, wp_post_id: int, is_homepage: bool) -> dict[str, Any]:
    """The body of `POST /pages/sync/`. The slug is always sent: a re-sync without it would
    blank the slug the platform holds. `is_noindex` only from a noindex directive: a page
    canonicalised elsewhere is not indexable, but it is no noindex page."""
    if not 0 < wp_post_id <= LIMITS.post_id:
        raise ValueError(f"post id {wp_post_id} does not fit the platform's column")
    title = cut(page.title) or cut(page.url)
    body: dict[str, Any] = {
        "wp_post_id": wp_post_id,
        "url": page.url,
        "title": title,
        "slug": slug_of(page.url),
        "status": "publish",
        "post_type": "page",
        "yoast_title": cut(page.title),
        "yoast_description": cut(page.meta_description),
        "excerpt": cut(page.meta_description),
        "is_noindex": says_noindex(parse_directives(page.meta_robots, page.x_robots_tag)),
        "is_homepage": is_homepage,
    }
    modified = _http_date((page.headers or {}).get("last-modified"))
    if modified:
        body["modified_at"] = modified
    return body


def seo_body(
    page: StoredPage, extras: PageExtras, advice: Callable[[str], str | None]
) -> dict[str, Any]:
    """The body of `POST /pages/{id}/seo-data/`: seolog's view of the page. `advice(code)` is
    the check's how-to-fix text, sent as the platform's recommendations. Links once each: a page
    that links a URL from its menu and its footer links it once."""
    h1 = page.h1 or []
    h2 = page.h2 or []
    images = page.images or []
    words = page.word_count or 0
    codes = dict.fromkeys(code for code, _, _ in extras.issues)  # first-seen order, no repeats
    schema_type = _schema_type(page.json_ld or [])
    internal = list(dict.fromkeys(extras.internal_links))
    external = list(dict.fromkeys(extras.external_links))
    return {
        "meta_title": cut(page.title),
        "meta_description": cut(page.meta_description),
        "h1_text": cut(h1[0]) if h1 else "",
        "h1_count": len(h1),
        "h2_count": len(h2),
        "h2_texts": [cut(t) for t in h2[:MAX_LIST]],
        "internal_links_count": len(internal),
        "external_links_count": len(external),
        "internal_links": internal[:MAX_LIST],
        "external_links": external[:MAX_LIST],
        "images_count": len(images),
        "images_without_alt": sum(1 for i in images if not (i.get("alt") or "").strip()),
        "images": [
            {"src": i.get("src") or "", "alt": cut(i.get("alt"))} for i in images[:MAX_LIST]
        ],
        "word_count": words,
        "reading_time_minutes": math.ceil(words / WORDS_PER_MINUTE) if words else 0,
        "seo_score": max(0, min(100, page.score if page.score is not None else 0)),
        "issues": [
            {"type": code, "severity": severity, "message": cut(message)}
            for code, severity, message in extras.issues
        ],
        "recommendations": [text for text in (advice(c) for c in codes) if text],
        "has_canonical": bool(page.canonical),
        "canonical_url": _fitting_url(page.canonical, LIMITS.canonical_url),
        "has_schema": bool(page.json_ld),
        "schema_type": cut(schema_type, LIMITS.schema_type),
    }


# The text fields of each body and how long each may be: what `refit` cuts in stored bodies.
_PAGE_TEXT = {"title": MAX_CHARS, "yoast_title": MAX_CHARS, "yoast_description": MAX_CHARS,
              "excerpt": MAX_CHARS, "slug": LIMITS.slug}  # fmt: skip
_SEO_TEXT = {"meta_title": MAX_CHARS, "meta_description": MAX_CHARS, "h1_text": MAX_CHARS,
             "schema_type": LIMITS.schema_type}  # fmt: skip


def refit(page: dict[str, Any], seo_data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Bodies an older seolog queued, before it knew the platform's limits, fitted as `payload`
    fits them now: without this a row queued (or set aside as failed) then meets the same 400 on
    every push and every `sync retry`. Bodies fitted already come back unchanged."""
    page = {**page}
    for name, limit in _PAGE_TEXT.items():
        if isinstance(page.get(name), str):
            page[name] = cut(page[name], limit)
    seo = {**seo_data}
    for name, limit in _SEO_TEXT.items():
        if isinstance(seo.get(name), str):
            seo[name] = cut(seo[name], limit)
    if isinstance(seo.get("canonical_url"), str):
        seo["canonical_url"] = _fitting_url(seo["canonical_url"], LIMITS.canonical_url)
    if isinstance(seo.get("h2_texts"), list):
        seo["h2_texts"] = [cut(t) if isinstance(t, str) else t for t in seo["h2_texts"]]
    for name in ("issues", "images"):
        key = "message" if name == "issues" else "alt"
        if isinstance(seo.get(name), list):
            seo[name] = [
                {**e, key: cut(e[key])} if isinstance(e, dict) and isinstance(e.get(key), str)
                else e
                for e in seo[name]
            ]  # fmt: skip
    return page, seo


def _schema_type(blocks: Sequence[str]) -> str:
    """The first @type among the page's JSON-LD blocks ('' when none parses)."""
    for raw in blocks:
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        for item in _items(data):
            kind = item.get("@type")
            if isinstance(kind, list) and kind:
                kind = kind[0]
            if isinstance(kind, str) and kind:
                return kind
    return ""


def _items(data: Any) -> Iterable[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _items(entry)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if isinstance(graph, list):
            yield from _items(graph)


def _http_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")
