"""A stored page → the two request bodies the platform takes (`/pages/sync/`, `/pages/{id}/seo-data/`).

The platform's columns have limits that answer a whole request with a 400 (strings over 500
characters) or an HTML 500 (a post id over 2**31-1), so everything is cut to fit here, once,
before it is queued.
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

from seolog.domain import WP_MAX_POST_ID

MAX_CHARS = 500  # the platform's CharField limit (title, meta_title, h1_text, …)
MAX_LIST = 200  # link and image lists; the counts next to them are always complete
WORDS_PER_MINUTE = 200  # a common reading-speed estimate for web copy
ASSIGNED_BASE = 1_000_000_000  # seolog's own post ids start here; WordPress ids stay far below


class StoredPage(Protocol):
    url: str
    title: str | None
    meta_description: str | None
    h1: list[str] | None
    h2: list[str] | None
    canonical: str | None
    indexable: bool | None
    word_count: int | None
    images: list[dict[str, Any]] | None
    json_ld: list[str] | None
    score: int | None
    headers: dict[str, str] | None


@dataclass
class PageExtras:
    """What the page's row does not hold: its links and its findings."""

    internal_links: list[str] = field(default_factory=list)
    external_links: list[str] = field(default_factory=list)
    issues: list[tuple[str, str, str]] = field(default_factory=list)  # code, severity, message


def cut(value: str | None, limit: int = MAX_CHARS) -> str:
    """Fit a string to a column: whitespace collapsed, over-long text ending in '…'."""
    text = " ".join((value or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slug_of(url: str) -> str:
    """The last path segment, as WordPress would have it; '' for the home page."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return cut(unquote(segments[-1]), 200) if segments else ""


def page_body(page: StoredPage, wp_post_id: int, is_homepage: bool) -> dict[str, Any]:
    """The body of `POST /pages/sync/`. The slug is always sent: a re-sync without it would
    blank the slug the platform holds."""
    if not 0 < wp_post_id <= WP_MAX_POST_ID:
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
        "is_noindex": page.indexable is False,
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
    the check's how-to-fix text, sent as the platform's recommendations."""
    h1 = page.h1 or []
    h2 = page.h2 or []
    images = page.images or []
    words = page.word_count or 0
    codes = dict.fromkeys(code for code, _, _ in extras.issues)  # first-seen order, no repeats
    schema_type = _schema_type(page.json_ld or [])
    return {
        "meta_title": cut(page.title),
        "meta_description": cut(page.meta_description),
        "h1_text": cut(h1[0]) if h1 else "",
        "h1_count": len(h1),
        "h2_count": len(h2),
        "h2_texts": [cut(t) for t in h2[:MAX_LIST]],
        "internal_links_count": len(extras.internal_links),
        "external_links_count": len(extras.external_links),
        "internal_links": extras.internal_links[:MAX_LIST],
        "external_links": extras.external_links[:MAX_LIST],
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
        "canonical_url": page.canonical or "",
        "has_schema": bool(page.json_ld),
        "schema_type": cut(schema_type),
    }


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
