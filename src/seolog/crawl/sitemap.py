"""Sitemaps as a seed source: XML urlsets, sitemap indexes, gzip, and plain-text URL lists."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError, XMLParser, iterparse

from seolog.crawl.fetch import Fetcher
from seolog.domain import FetchErrorKind, FetchResult
from seolog.urls import normalize_url
from seolog.wording import say

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


_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_ENTRIES = ("url", "sitemap")  # a page of a urlset, a sitemap of an index: their <loc> counts


def _local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag ("{ns}loc")."""
    ns, _, name = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
    return ns, name


def _document_start(data: bytes) -> tuple[bytes, str | None]:
    """The document from its first character, and the encoding to read it with when that is
    no longer the one it declares. A byte-order mark or blank lines before `<?xml` are common
    (a CMS template's stray newline) and make the XML parser reject the whole file."""
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return data, None
        return text.lstrip().encode("utf-8"), "utf-8"
    return data.removeprefix(_UTF8_BOM).lstrip(), None


def parse_sitemap(data: bytes) -> SitemapFile:
    """Parse one sitemap document. Malformed XML keeps the URLs read before the error.

    Only the `<loc>` of a `<url>` (or, in an index, of a `<sitemap>`) counts: the image, video
    and news extensions nest their own locations (`<image:loc>`, `<video:content_loc>`) inside
    a `<url>`, and those are files of that page, not pages.
    """
    result = SitemapFile()
    try:
        if data[:2] == b"\x1f\x8b":
            data = _gunzip(data)
    except (OSError, ValueError, zlib.error, gzip.BadGzipFile) as e:
        result.error = str(e)
        return result
    data, encoding = _document_start(data)
    if not data.startswith(b"<"):
        lines = [line for line in data.decode("utf-8", "replace").splitlines() if line.strip()]
        result.urls.extend(url for line in lines if (url := normalize_url(line)))
        if lines and not result.urls:
            said = (
                "its one line is not" if len(lines) == 1 else f"none of its {len(lines)} lines is"
            )
            result.error = (
                f"{said} a URL (a sitemap is XML, or a text file with one absolute URL per line)"
            )
        return result
    stack: list[tuple[str, str]] = []  # (namespace, name) of the open elements
    entry = ""  # the <url> or <sitemap> being read
    loc: str | None = None
    links: list[tuple[str, str]] = []
    try:
        parser = XMLParser(encoding=encoding) if encoding else None
        for event, elem in iterparse(io.BytesIO(data), events=("start", "end"), parser=parser):
            if event == "start":
                ns, name = _local(elem.tag)
                if elem.tag == _XHTML_LINK:
                    links.extend(_alternate(elem.attrib))
                elif name in _ENTRIES:
                    entry, loc, links = name, None, []
                stack.append((ns, name))
                continue
            ns, name = stack.pop()
            parent = stack[-1] if stack else ("", "")
            if name == "loc" and parent == (ns, entry) and elem.text:
                url = normalize_url(elem.text)
                if url:
                    (result.sitemaps if entry == "sitemap" else result.urls).append(url)
                    loc = url
            elif name == "url" and loc is not None and links:
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


def _unread_reason(result: FetchResult) -> str:
    """Why a sitemap could not be read, in the sitemap's terms: its size cap is the protocol's
    50 MB, not --max-body-size."""
    if result.error_kind is FetchErrorKind.TOO_LARGE:
        return say("larger than the 50 MB a sitemap may be")
    return result.error or f"HTTP {result.status_code}"


@dataclass
class Discovered:
    """What the sitemaps of a site say: page URLs, hreflang alternates, problems met."""

    urls: list[str] = field(default_factory=list)
    alternates: Alternates = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # Sitemaps found but not read, and why: (sitemap URL, reason). Not "no sitemap".
    unread: list[tuple[str, str]] = field(default_factory=list)
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
                reason = _unread_reason(result)
                problems.append(f"{sitemap_url}: {reason}")
                found.unread.append((sitemap_url, reason))
            if result.status_code != 404 or sitemap_url != alone:
                found.complete = False
            continue
        parsed = parse_sitemap(result.body)
        if parsed.error:
            problems.append(f"{sitemap_url}: {parsed.error}")
            if not parsed.urls and not parsed.sitemaps:
                found.unread.append((sitemap_url, parsed.error))
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
