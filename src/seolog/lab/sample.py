"""Which pages get a Lighthouse run: by default one page per template.

A Lighthouse run costs 10-30 s, so a site of thousands of pages is measured on a sample, and
pages built from the same template mostly score alike. A page's template is guessed from two
things: its path pattern and its DOM shape (a signature of structural tag counts the caller
computes; two pages under /blog/ with different layouts are different templates).

The path pattern (`path_pattern`), segment by segment:

- `{uuid}`  a UUID (8-4-4-4-12 hex digits)
- `{date}`  a date: 2024-05-31 or 2024-05
- `{n}`     digits only: 2024, 05, 12345
- `{hex}`   an id of 8 or more hex digits with at least one digit (a hash, an object id)
- `{slug}`  the last segment only, when it is words joined by - or _ (`my-post`,
            `red_shoes`) or is 24 characters or longer
- anything else stays as it is: short fixed segments (`blog`, `products`, `v2`) name the section.

A file extension on the last segment is kept (`/p/123.html` -> `/p/{n}.html`), a trailing slash
and the query are ignored, and the home page (`/`, or `/index.html` and the like) is `/`, a
template of its own. So `/blog/2024/05/my-post` -> `/blog/{n}/{n}/{slug}`.

`sample_pages` then generalises the last segment of every pattern but the home page's
(`/blog/{n}/{n}/{*}`, `/about` and `/contact` both `/{*}`) and lets the DOM shape tell apart
pages that merely sit at the same level: the template key is (that pattern, shape).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

HOME = "/"
ANY = "{*}"
SLUG_MIN_CHARS = 24  # a single-word last segment this long is no route name but an id or slug
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
_NUMBER = re.compile(r"\d+")
_HEX = re.compile(r"(?=[0-9a-f]*\d)[0-9a-f]{8,}", re.I)
_SLUG = re.compile(r"[^\W_]+(?:[-_][^\W_]+)+")  # words of letters/digits joined by - or _
_EXTENSION = re.compile(r"(.+?)(\.[A-Za-z0-9]{1,5})")
_INDEX = frozenset({"index.html", "index.htm", "index.php", "index.asp", "index.aspx"})


@dataclass(frozen=True)
class PageShape:
    """A page as the sampler sees it: its URL, link depth (None: found only in a sitemap) and
    a DOM signature from the caller; equal signatures mean the same layout."""

    url: str
    depth: int | None
    shape: str


def path_pattern(url: str) -> str:
    """The URL's path with its variable parts as placeholders (rules in the module docstring)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments or (len(segments) == 1 and segments[0].lower() in _INDEX):
        return HOME
    last = len(segments) - 1
    return "/" + "/".join(_segment(s, is_last=i == last) for i, s in enumerate(segments))


def _segment(raw: str, *, is_last: bool) -> str:
    text = unquote(raw)
    extension = ""
    if is_last and (m := _EXTENSION.fullmatch(text)) and not _DATE.fullmatch(text):
        text, extension = m.group(1), m.group(2)
    for placeholder, pattern in (("{uuid}", _UUID), ("{date}", _DATE), ("{n}", _NUMBER)):
        if pattern.fullmatch(text):
            return placeholder + extension
    if _HEX.fullmatch(text):
        return "{hex}" + extension
    if is_last and (_SLUG.fullmatch(text) or len(text) >= SLUG_MIN_CHARS):
        return "{slug}" + extension
    return raw


def template_pattern(url: str) -> str:
    """The path pattern with its last segment generalised; the home page stays itself."""
    pattern = path_pattern(url)
    if pattern == HOME:
        return HOME
    return pattern.rsplit("/", 1)[0] + "/" + ANY


def _pick_key(page: PageShape) -> tuple[float, int, str]:
    """Shallowest first (sitemap-only pages last), then the shortest URL, then alphabetical."""
    depth = float("inf") if page.depth is None else float(page.depth)
    return (depth, len(page.url), page.url)


def sample_pages(pages: Iterable[PageShape], limit: int | None = None) -> list[str]:
    """URLs to run Lighthouse on: one per template, the home page first, then the templates
    with the most pages (ties by URL), so a `limit` keeps the templates that cover most pages.

    The same URL listed twice counts once. `limit` None means one page per template.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, not {limit}")
    templates: dict[tuple[str, str], list[PageShape]] = {}
    seen: set[str] = set()
    for page in pages:
        if page.url in seen:
            continue
        seen.add(page.url)
        templates.setdefault((template_pattern(page.url), page.shape), []).append(page)
    picks: list[tuple[bool, int, str]] = []  # (not home, -size, chosen URL)
    for (pattern, _shape), members in templates.items():
        chosen = min(members, key=_pick_key)
        picks.append((pattern != HOME, -len(members), chosen.url))
    urls = [url for _, _, url in sorted(picks)]
    return urls if limit is None else urls[:limit]
