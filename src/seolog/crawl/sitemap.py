"""Sitemaps as a seed source: XML urlsets, sitemap indexes, gzip, and plain-text URL lists."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError, iterparse

from seolog.crawl.fetch import Fetcher
from seolog.urls import normalize_url

# The sitemap protocol caps a file at 50,000 URLs and 50 MB uncompressed.
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
MAX_SITEMAP_FILES = 100  # an index of indexes cannot keep us fetching forever
MAX_SITEMAP_URLS = 200_000


Alternates = dict[str, list[tuple[str, str]]]  # page URL -> its (hreflang, URL) alternates
_XHTML_LINK = "{http://www.w3.org/1999/xhtml}link"


@dataclass
class SitemapFile:
    urls: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    error: str | None = None
    # hreflang stated in the sitemap (<xhtml:link rel="alternate" hreflang="…" href="…">).
    alternates: Alternates = field(default_factory=dict)


def _gunzip(data: bytes) -> bytes:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(data, SITEMAP_MAX_BYTES + 1)
    if len(out) > SITEMAP_MAX_BYTES or d.unconsumed_tail:
        raise ValueError("gzipped sitemap is larger than 50 MB uncompressed")
    return out


def parse_sitemap(data: bytes) -> SitemapFile:
    """Parse one sitemap document. Malformed XML keeps the URLs read before the error."""
    result = SitemapFile()
    try:
        if data[:2] == b"\x1f\x8b":
            data = _gunzip(data)
    except (OSError, ValueError, zlib.error, gzip.BadGzipFile) as e:
        result.error = str(e)
        return result
    head = data.lstrip()[:200].lower()
    if not head.startswith(b"<"):
        for line in data.decode("utf-8", "replace").splitlines():
            url = normalize_url(line) if line.strip() else None
            if url:
                result.urls.append(url)
        return result
    parent = ""
    loc: str | None = None
    links: list[tuple[str, str]] = []
    try:
        for event, elem in iterparse(io.BytesIO(data), events=("start", "end")):
            if event == "start":
                if elem.tag == _XHTML_LINK:
                    links.extend(_alternate(elem.attrib))
                    continue
                tag = elem.tag.rsplit("}", 1)[-1]
                if tag in ("url", "sitemap"):
                    parent, loc, links = tag, None, []
                continue
            tag = elem.tag.rsplit("}", 1)[-1]
            if tag == "loc" and elem.text:
                url = normalize_url(elem.text)
                if url:
                    (result.sitemaps if parent == "sitemap" else result.urls).append(url)
                    loc = url
            elif tag == "url" and loc is not None and links:
                result.alternates.setdefault(loc, []).extend(links)
            elem.clear()
    except ParseError as e:
        result.error = f"malformed XML: {e}"
    return result


def _alternate(attrs: dict[str, str]) -> list[tuple[str, str]]:
    if "alternate" not in attrs.get("rel", "").lower().split() or "hreflang" not in attrs:
        return []
    href = normalize_url(attrs.get("href", ""))
    return [(attrs["hreflang"].strip(), href)] if href else []


@dataclass
class Discovered:
    """What the sitemaps of a site say: page URLs, hreflang alternates, problems met."""

    urls: list[str] = field(default_factory=list)
    alternates: Alternates = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # Every sitemap named was read whole: only then does "not in the sitemap" mean something.
    complete: bool = True


async def discover(
    fetcher: Fetcher,
    start_sitemaps: list[str],
    may_fetch: Callable[[str], bool],
) -> Discovered:
    """Fetch sitemaps breadth-first through indexes. A 404 for the one sitemap guessed or named
    is no sitemap at all; any other failure, or a limit reached, leaves the list incomplete."""
    queue = list(dict.fromkeys(start_sitemaps))
    alone = queue[0] if len(queue) == 1 else None
    done: set[str] = set()
    found = Discovered()
    urls, problems = found.urls, found.problems
    while queue and len(done) < MAX_SITEMAP_FILES and len(urls) < MAX_SITEMAP_URLS:
        sitemap_url = queue.pop(0)
        if sitemap_url in done or not may_fetch(sitemap_url):
            continue
        done.add(sitemap_url)
        result = await fetcher.fetch(sitemap_url, want_body=lambda _ct: True, cap=SITEMAP_MAX_BYTES)
        if not result.ok or result.status_code != 200 or result.body is None:
            if result.status_code != 404:
                problems.append(f"{sitemap_url}: {result.error or f'HTTP {result.status_code}'}")
            if result.status_code != 404 or sitemap_url != alone:
                found.complete = False
            continue
        parsed = parse_sitemap(result.body)
        if parsed.error:
            problems.append(f"{sitemap_url}: {parsed.error}")
            found.complete = False
        if len(parsed.urls) > MAX_SITEMAP_URLS - len(urls):
            found.complete = False
        urls.extend(parsed.urls[: MAX_SITEMAP_URLS - len(urls)])
        for url, links in parsed.alternates.items():
            found.alternates.setdefault(url, []).extend(links)
        queue.extend(s for s in parsed.sitemaps if s not in done)
    if any(s not in done for s in queue):
        found.complete = False  # stopped by a limit with sitemaps still to read
    return found
