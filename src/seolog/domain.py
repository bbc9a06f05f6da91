"""Plain data shared by every layer: what a fetch returns and what a page is made of.

No I/O and no ORM here, so the crawler, the checks and the store can all depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ScanType(StrEnum):
    MANUAL = "manual"
    SCHEDULED = "scheduled"
    CI = "ci"
    API = "api"


class ScanStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class StopReason(StrEnum):
    """Why a crawl ended (scrapy's close reason)."""

    FINISHED = "finished"
    MAX_PAGES = "max_pages"
    TIME_BUDGET = "time_budget"
    INTERRUPTED = "interrupted"
    FAILED = "failed"


class RobotsState(StrEnum):
    """What the start origin's robots.txt decided (RFC 9309). Stored with the scan's statistics
    and read by the site checks, so the values are public."""

    PARSED = "parsed"  # fetched and obeyed
    MISSING = "missing"  # 4xx (or a redirect away): everything is allowed
    UNREACHABLE = "unreachable"  # 5xx, 429 or no answer: nothing may be crawled
    IGNORED = "ignored"  # --ignore-robots: not fetched at all


class FetchErrorKind(StrEnum):
    """Why a URL has no usable response. Stored in the database: values are public."""

    BLOCKED_ROBOTS = "blocked_robots"
    DNS = "dns"
    CONNECT = "connect"
    TIMEOUT = "timeout"
    TLS = "tls"
    PROTOCOL = "protocol"
    TOO_LARGE = "too_large"
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    INVALID_URL = "invalid_url"
    TIME_BUDGET = "time_budget"


class Severity(StrEnum):
    """How bad a finding is. Stored and printed: values are public."""

    ERROR = "error"  # hurts indexing or users now: broken pages, missing titles, noindex by mistake
    WARNING = "warning"  # weakens rankings or snippets: duplicates, long titles, redirects
    NOTICE = "notice"  # worth a look: thin content, deep pages, generic link text

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "notice": 1}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem a check found, on one URL (a page, or the site's root/robots/sitemap URL)."""

    code: str
    severity: Severity
    url: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)


# Answers that refuse automated checks, not visitors: "too many requests", and LinkedIn's 999
# to every robot. A resource answering one is not judged (neither broken nor fine).
# Page texts (title, meta description, headings, alt texts, anchors) are stored and reported up
# to this many characters: far beyond what any search result shows (a title ~60), short enough
# that a page with a 2 MB <title> stays a small row. The checks see the whole text first.
MAX_STORED_TEXT = 1000


def clip_text(text: str | None, limit: int = MAX_STORED_TEXT) -> str | None:
    """`text` cut to `limit` characters, the last one "…" when anything was cut."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


REFUSAL_STATUSES = frozenset({429, 999})

# Failures of the network rather than of a server's answer: the host is not known to have seen
# the request. Stored kinds are strings; these members compare equal to them.
NETWORK_FAILURES = frozenset(
    {FetchErrorKind.DNS, FetchErrorKind.CONNECT, FetchErrorKind.TIMEOUT, FetchErrorKind.TLS}
)


def finding_subject(details: dict[str, Any] | None) -> str:
    """What on its page a finding is about, when one page can have several findings of a code:
    the resource (a page with 12 broken external links has 12 external-link-broken findings).
    Part of a finding's identity in baselines, diffs and SARIF/GitLab fingerprints; "" for the
    others, whose identity stays (code, URL)."""
    return str((details or {}).get("resource") or "")


@dataclass(frozen=True, slots=True)
class RedirectHop:
    url: str
    status: int
    location: str


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One URL as the network answered it, after following redirects by hand.

    `body` is None for non-HTML responses: they are recorded but never downloaded.
    """

    url: str
    final_url: str
    status_code: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = ""
    body: bytes | None = None
    size: int | None = None
    response_ms: float | None = None  # time to first byte: request written → response headers
    hops: tuple[RedirectHop, ...] = ()
    error_kind: FetchErrorKind | None = None
    error: str | None = None
    download_ms: float | None = None  # response headers → whole body (None: no body read)

    @property
    def ok(self) -> bool:
        return self.error_kind is None

    @property
    def is_html(self) -> bool:
        return self.body is not None


@dataclass(frozen=True, slots=True)
class LinkRef:
    url: str  # absolute, normalised
    text: str
    rel: str
    internal: bool
    code: bool = False  # the text is code (`<code>continue</code>`), not prose: not "generic"


@dataclass(frozen=True, slots=True)
class Reprobe:
    """A page that answered slowly during the crawl, fetched again alone after it: the crawl's
    busy moments (a full pool, a busy event loop) do not count against the server."""

    url: str
    crawl_ms: float  # time to first byte during the crawl
    ttfb_ms: float | None  # … and alone (None: the second fetch failed)
    download_ms: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "crawl_ms": round(self.crawl_ms, 1),
            "ttfb_ms": None if self.ttfb_ms is None else round(self.ttfb_ms, 1),
            "download_ms": None if self.download_ms is None else round(self.download_ms, 1),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reprobe:
        return cls(data["url"], data["crawl_ms"], data.get("ttfb_ms"), data.get("download_ms"))


@dataclass(frozen=True, slots=True)
class NotFoundProbe:
    """A URL that cannot exist on the site, fetched once after the crawl: how the site answers a
    missing page (a real 404, or a soft 200), and what its error page's content looks like."""

    url: str
    status: int | None  # the final status; None: no answer
    final_url: str
    content_hash: str | None = None  # of the error page's main content, when it is HTML
    words: int = 0  # … and how many words that main content has

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "status": self.status,
            "final_url": self.final_url,
            "content_hash": self.content_hash,
            "words": self.words,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NotFoundProbe:
        return cls(
            data["url"],
            data.get("status"),
            data.get("final_url") or data["url"],
            data.get("content_hash"),
            int(data.get("words") or 0),
        )


@dataclass(frozen=True, slots=True)
class RobotsProblem:
    """One line of robots.txt that crawlers cannot read as meant (Lighthouse's robots-txt audit
    calls it an error): "Disalow: /private/" is an unknown directive, not a rule."""

    line: int  # 1-based
    text: str  # the line as written, cut short
    message: str  # "unknown directive"

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text, "message": self.message}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RobotsProblem:
        return cls(int(data["line"]), str(data.get("text") or ""), str(data["message"]))


class ResourceKind(StrEnum):
    """What a page uses a URL for, when that URL is checked rather than crawled. Stored: values
    are public."""

    LINK = "link"  # an <a href> to another host: an external link
    IMAGE = "image"  # <img src>, <picture><source>, <input type=image>
    STYLESHEET = "stylesheet"  # <link rel=stylesheet>
    SCRIPT = "script"  # <script src>
    IFRAME = "iframe"  # <iframe src>, <frame src>
    MEDIA = "media"  # <video>, <audio>, <source>, <track>, <embed>, <object data>


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """A URL a page loads (or links to, for an external link): absolute and http(s) only."""

    url: str
    kind: ResourceKind


@dataclass(frozen=True, slots=True)
class ResourceCheck:
    """How one resource URL answered when checked (HEAD, or GET when HEAD's answer looked
    wrong); `method` is "" when no request was sent (robots.txt, a host already down)."""

    url: str
    external: bool  # on another host than the crawled site
    method: str
    result: FetchResult


@dataclass(frozen=True, slots=True)
class OriginVariant:
    """One variant of the start URL's origin (http/https, with/without www), fetched once after
    the crawl: a site should answer on one origin and redirect the others to it."""

    url: str  # the variant's root URL as asked for
    status: int | None  # the first answer; None: no answer
    final_url: str  # where its redirects ended
    final_status: int | None
    error: str | None = None  # why there was no answer (DNS, refused, TLS …)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "status": self.status,
            "final_url": self.final_url,
            "final_status": self.final_status,
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OriginVariant:
        return cls(
            str(data["url"]),
            data.get("status"),
            str(data.get("final_url") or data["url"]),
            data.get("final_status"),
            data.get("error"),
        )


@dataclass(frozen=True, slots=True)
class ImageRef:
    src: str
    alt: str | None  # None: no alt attribute at all; "": decorative


@dataclass(frozen=True, slots=True)
class FormRef:
    action: str  # absolute when resolvable; "" posts to the page itself
    has_password: bool


@dataclass(slots=True, eq=False)
class StructuredItem:
    """One item of structured data (a schema.org thing), whichever syntax wrote it: JSON-LD,
    microdata and RDFa all read into this shape, so the checks judge them alike."""

    types: list[str]  # schema.org types by short name ("Product"); other vocabularies' full IRI
    props: dict[str, list[str | StructuredItem]]  # property → its values: text, URLs, nested items
    syntax: str  # "json-ld", "microdata" or "rdfa"
    where: str  # the block or top-level item it sits in: "JSON-LD block 1", "microdata item 2"


@dataclass(slots=True)
class PageSnapshot:
    """Everything the checks need to know about one HTML page; the HTML itself is dropped."""

    title: str | None = None
    meta_description: str | None = None
    h1: list[str] = field(default_factory=list)
    h2: list[str] = field(default_factory=list)
    canonical: str | None = None
    meta_robots: str | None = None
    lang: str | None = None
    hreflang: list[dict[str, str]] = field(default_factory=list)
    word_count: int = 0
    content_hash: str | None = None
    simhash: int | None = None  # of the main content's shingles (near-duplicates); None: too short
    soft_404: str | None = None  # the "not found" the page says of itself, if it does
    open_graph: dict[str, str] = field(default_factory=dict)
    twitter: dict[str, str] = field(default_factory=dict)
    json_ld: list[str] = field(default_factory=list)
    images: list[ImageRef] = field(default_factory=list)
    links: list[LinkRef] = field(default_factory=list)
    viewport: str | None = None
    base_href: str | None = None
    wp_post_id: int | None = None  # WordPress's own id, when the page reveals it
    # For the checks only (not stored): heading levels in document order, and forms.
    heading_levels: list[int] = field(default_factory=list)
    forms: list[FormRef] = field(default_factory=list)
    # Every rel=canonical: (href as written, the http(s) URL it resolves to, or None).
    canonical_tags: list[tuple[str, str | None]] = field(default_factory=list)
    # … and every rel=canonical of the HTTP Link header, the same way.
    canonical_header: list[tuple[str, str | None]] = field(default_factory=list)
    main_content: str = "body"  # where the page's own content was found: main, role=main, …
    link_words: int = 0  # words of link text in the main content (index pages are mostly links)
    # How many of what should be one: "title", "description", "viewport".
    tag_counts: dict[str, int] = field(default_factory=dict)
    # For the checks only (not stored): the structured data items of all three syntaxes, top-level
    # ones in document order (JSON-LD first); @graph nodes and @id references come resolved.
    structured: list[StructuredItem] = field(default_factory=list)
    # What the page loads, and the external links it has (ResourceKind.LINK), once each per
    # (URL, kind), http(s) only, every host: checked after (or while) crawling, stored per page.
    resources: list[ResourceRef] = field(default_factory=list)
    # For the checks only (not stored):
    # <meta http-equiv=refresh>: (delay in seconds, the URL it goes to or None: a reload).
    meta_refresh: tuple[float, str | None] | None = None
    # Same-page links (#name) whose fragment names no id (or <a name>) on the page.
    missing_fragments: list[str] = field(default_factory=list)
    # Links a crawler cannot follow, as written: (href or "", why): "javascript", "fragment"
    # (href="#" only), "no-href" (an <a> with onclick and no href), "empty" (href="").
    unusable_links: list[tuple[str, str]] = field(default_factory=list)
    # Links with no accessible name (no text, aria-label, aria-labelledby, title or img alt).
    unnamed_links: list[str] = field(default_factory=list)
    # hrefs and srcs written with raw whitespace or non-ASCII characters (not percent-encoded).
    unencoded_urls: list[str] = field(default_factory=list)


def parse_directives(*sources: str | None) -> set[str]:
    """Directives from <meta name=robots> and X-Robots-Tag values, lowercased; a `bot:` prefix
    dropped (a directive aimed at one crawler still keeps that crawler's index away). Here, not in
    the checks, because the sync payloads ask the same question of a stored page."""
    found: set[str] = set()
    for source in sources:
        for part in (source or "").lower().split(","):
            token = part.split(":", 1)[-1].strip()
            if token:
                found.add(token)
    return found


def says_noindex(directives: set[str]) -> bool:
    return bool({"noindex", "none"} & directives)


WP_MAX_POST_ID = 2**31 - 1  # the hosted platform keeps WordPress post ids in a signed 32-bit column

HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_html_type(content_type: str) -> bool:
    """An HTML Content-Type. Here, not in the crawl, because the sync asks it of a stored page
    whose body was never parsed (over the size cap): still a page its visitors see."""
    return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES


class OverBudget(StrEnum):
    """Which parse budget a page's HTML went over (see `seolog.parse.budget`)."""

    DEPTH = "depth"  # elements nested deeper than the parser can afford
    TIME = "time"  # parsing took longer than a page may take
    # The scan's --max-time ran out while the page was parsed: no fault of the page's (no
    # finding), only of the time the scan had left.
    STOPPED = "stopped"


@dataclass(frozen=True)
class Unparsed:
    """A page whose HTML was left unparsed, and why: what was measured against which limit
    (nesting levels, or seconds). The page is stored and judged without its content."""

    over: OverBudget
    measured: float
    limit: float


@dataclass(frozen=True)
class RawView:
    """What a rendered page's raw HTML said, kept to compare with its rendered DOM (the
    render-* checks) and stored with the page."""

    title: str | None
    meta_description: str | None
    canonical: str | None
    meta_robots: str | None
    h1: tuple[str, ...]
    hreflang: tuple[tuple[str, str], ...]
    word_count: int
    links: tuple[str, ...]  # every link's URL, once each

    @classmethod
    def of(cls, snap: PageSnapshot) -> RawView:
        return cls(
            title=snap.title,
            meta_description=snap.meta_description,
            canonical=snap.canonical,
            meta_robots=snap.meta_robots,
            h1=tuple(snap.h1),
            hreflang=tuple(
                (h.get("lang", ""), h.get("url", ""))
                for h in snap.hreflang
                if h.get("source") != "sitemap"
            ),
            word_count=snap.word_count,
            links=tuple(dict.fromkeys(link.url for link in snap.links)),
        )

    def to_stored(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "meta_description": self.meta_description,
            "canonical": self.canonical,
            "meta_robots": self.meta_robots,
            "h1": list(self.h1),
            "hreflang": [list(h) for h in self.hreflang],
            "word_count": self.word_count,
            "links": len(self.links),
        }


@dataclass(slots=True)
class CrawledPage:
    """A fetched URL on its way to the store: the fetch, what was parsed, and where it was found."""

    fetch: FetchResult
    depth: int | None
    found_via: str  # start | link | sitemap | redirect
    in_sitemap: bool = False
    snapshot: PageSnapshot | None = None
    sitemap_hreflang: tuple[tuple[str, str], ...] = ()  # (hreflang, URL) the sitemap states
    html: str | None = None  # kept only with --store-html
    findings: list[Finding] = field(default_factory=list)  # from the page checks
    judged: tuple[str, ...] = ()  # codes of the page checks that applied to it (and ran)
    indexable: bool | None = None  # None: not an HTML page
    unparsed: Unparsed | None = None  # HTML over the parse budget: not parsed, no snapshot
    # Rendered in the browser (--render): the DOM until the page worker parses it; then `raw`
    # holds what the raw HTML said and `snapshot` is of the rendered DOM.
    rendered_html: str | None = None
    raw: RawView | None = None
    render_note: str | None = None  # not rendered (why), or only in part (timed out)
    render_blocked: int = 0  # requests the browser was not allowed (robots.txt, other hosts)
    rendered_dom: str | None = None  # the rendered DOM kept with --store-html

    def render_record(self) -> dict[str, Any] | None:
        """What is stored of the rendering; None for a page that was not rendered."""
        if self.raw is None and self.render_note is None:
            return None
        record: dict[str, Any] = {
            "raw": self.raw.to_stored() if self.raw is not None else None,
            "note": self.render_note,
            "blocked_requests": self.render_blocked,
        }
        if self.rendered_dom is not None:
            record["html"] = self.rendered_dom
        return record
