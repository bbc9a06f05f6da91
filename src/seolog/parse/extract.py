"""selectolax (Lexbor): an HTML response becomes a PageSnapshot; the HTML itself is not kept."""

from __future__ import annotations

import codecs
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from seolog.domain import (
    WP_MAX_POST_ID,
    FormRef,
    ImageRef,
    LinkRef,
    PageSnapshot,
    ResourceKind,
    ResourceRef,
)
from seolog.parse.fingerprint import not_found_phrase, simhash
from seolog.parse.linkheader import parse_link_header
from seolog.parse.structured import read_structured
from seolog.urls import join_folder, normalize_url, resolve_url

_CHARSET_HEADER = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_CHARSET_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
# The HTML spec looks for <meta charset> within the first 1024 bytes; allow some slack.
_SNIFF_BYTES = 2048
_NON_CONTENT_TAGS = ["script", "style", "noscript", "template", "svg"]
_MAX_JSON_LD_CHARS = 100_000  # keep a big block's start; a check only needs to see it parse


def decode_body(body: bytes, content_type: str) -> str:
    """Decode leniently: header charset, then BOM, then <meta charset>, then UTF-8; never raise."""
    candidates: list[str] = []
    m = _CHARSET_HEADER.search(content_type)
    if m:
        candidates.append(m.group(1))
    if body.startswith(codecs.BOM_UTF8):
        candidates.insert(0, "utf-8-sig")
    elif body[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        candidates.insert(0, "utf-16")
    m2 = _CHARSET_META.search(body[:_SNIFF_BYTES])
    if m2:
        candidates.append(m2.group(1).decode("ascii", "replace"))
    for enc in candidates:
        codec = _codec(enc)
        if codec is not None:
            return body.decode(codec, errors="replace")
    return body.decode("utf-8", errors="replace")


def _codec(label: str) -> str | None:
    """The Python codec for a charset label as browsers read it (the WHATWG Encoding Standard,
    through `webencodings`): `iso-8859-1`, `latin1` and `us-ascii` mean windows-1252, whose
    curly quotes Python's own latin-1 codec turns into control characters. Labels the standard
    does not know fall back to Python's codecs (`utf-8-sig`, set by the BOM), else None."""
    import webencodings

    found = webencodings.lookup(label)
    if found is not None:
        return str(found.codec_info.name)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _clean(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _text(node: LexborNode) -> str:
    return _clean(node.text(deep=True, separator=" "))


# A root-relative path that normalisation leaves unchanged: RFC 3986 path characters that are
# never percent-encoded, and no "%", "?" or "#".
_PLAIN_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,=:@/-]*$")  # no ';': urljoin reads params
# A relative path that joins by concatenation: no scheme (':'), query, params, escapes or spaces.
_PLAIN_RELATIVE = re.compile(r"[A-Za-z0-9._~!$&'()*+,=@-][A-Za-z0-9._~!$&'()*+,=@/-]*")


class LinkResolver:
    """Resolves hrefs with caches that hit across pages: site navigation repeats on every page."""

    def __init__(self, base: str) -> None:
        self.base = base
        parts = urlsplit(base)
        self.origin = f"{parts.scheme}://{parts.netloc}/"
        # The base's folder when the base is in normal form and plain: a plain relative href
        # ("../library/os.html#os.path") then resolves by concatenation, without urljoin.
        self.folder: str | None = None
        # (Not with "//" in either: urljoin drops empty segments.)
        if normalize_url(base) == base and _PLAIN_PATH.match(parts.path) and "//" not in parts.path:
            self.folder = parts.path[: parts.path.rfind("/") + 1]

    def __call__(self, href: str) -> str | None:
        href = href.strip()
        if href.startswith(("http://", "https://")):
            return normalize_url(href)
        if href.startswith("/") and not href.startswith("//"):
            if _PLAIN_PATH.match(href) and "/." not in href:
                # Already in normal form (no escapes, query, fragment or dot segments): joining
                # is concatenation. Big sites have more distinct links than any cache holds.
                return self.origin[:-1] + href
            return resolve_url(self.origin, href)
        if self.folder is not None:
            path = href.split("#", 1)[0]  # the fragment is dropped anyway
            if path and _PLAIN_RELATIVE.fullmatch(path) and "//" not in path:
                return join_folder(self.origin[:-1], self.folder, path)
        return resolve_url(self.base, href)


# WordPress prints its post id in two places: `<link rel="shortlink" href="…/?p=42">` and the
# body classes `postid-42` (posts) / `page-id-42` (pages). Sync upserts by that id.
_SHORTLINK_ID = re.compile(r"[?&]p=(\d{1,10})(?:&|#|$)")
_BODY_CLASS_ID = re.compile(r"(?:^|\s)(?:postid|page-id)-(\d{1,10})(?:\s|$)")

# Every element the snapshot reads, fetched in one pass: each css() call walks the whole tree and
# compiles its selector, so ten separate queries cost more than parsing the page.
_WANTED = (
    "base, title, meta, link, h1, h2, h3, h4, h5, h6, script, img, a, area, form, pre, main, "
    "article, nav, header, footer, aside, iframe, frame, video, audio, source, track, embed, "
    "object, input, [role]"
)
# Elements that load a URL (or, for a and area, link to one): kept in one list in document order.
_RESOURCE_TAGS = frozenset(
    {
        "img",
        "link",
        "script",
        "iframe",
        "frame",
        "video",
        "audio",
        "source",
        "track",
        "embed",
        "object",
        "input",
        "a",
        "area",
    }
)
_ROLE_TAGGED = frozenset(
    {
        "base",
        "title",
        "meta",
        "link",
        "script",
        "img",
        "a",
        "area",
        "form",
        "pre",
        "main",
        "article",
    }
    | _RESOURCE_TAGS
    | {f"h{i}" for i in range(1, 7)}
)  # tags collected for themselves; any other element in the pass came for its role
# Crawlers whose own robots meta tag decides what a page's search audience sees.
_NAMED_CRAWLERS = frozenset({"googlebot", "bingbot"})
# Template blocks: not the page's own content when it has no main element.
_TEMPLATE_TAGS = frozenset({"nav", "header", "footer", "aside"})
_TEMPLATE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})
_MAX_CANONICAL_TAGS = 20  # a page with more is broken anyway; the check names the first few
_CODE_TAGS = ("pre", "code", "kbd", "samp")


def extract_page(
    html: str,
    url: str,
    is_internal: Callable[[str], bool],
    link_header: str | None = None,
    crawler: str = "seolog",
) -> PageSnapshot:
    """Parse one page. `url` is the page's final URL, against which relative links resolve;
    `link_header` is its HTTP Link header, whose canonical and hreflang count as tags do;
    `crawler` the --user-agent's robots token, whose own robots meta tag counts too."""
    tree = LexborHTMLParser(html)
    snap = PageSnapshot()
    nodes: dict[str, list[LexborNode]] = defaultdict(list)
    loads: list[tuple[str, LexborNode]] = []  # (tag, element) of what may load or link out
    seen: set[int] = set()
    for node in tree.css(_WANTED):
        # Lexbor returns an element once per selector of the list it matches: <main role=main>
        # would otherwise be two main elements (and no single main content), a heading twice.
        if node.mem_id in seen:
            continue
        seen.add(node.mem_id)
        tag = node.tag or ""
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            nodes["heading"].append(node)
        if tag in _TEMPLATE_TAGS:
            nodes["template"].append(node)
            continue
        if tag not in _ROLE_TAGGED:  # it came for its role: a div or section saying what it is
            role = (node.attributes.get("role") or "").strip().lower()
            if role == "main":
                nodes["role=main"].append(node)
            elif role in _TEMPLATE_ROLES:
                nodes["template"].append(node)
            continue
        if tag in _RESOURCE_TAGS:
            loads.append((tag, node))
        nodes["a" if tag == "area" else tag].append(node)  # <area> is a link too; document order

    base = url
    for node in nodes["base"]:
        href = node.attributes.get("href")
        if href is None:
            continue
        resolved = resolve_url(url, href)
        if resolved:
            base = resolved
            snap.base_href = resolved
        break  # only the first <base href> counts
    resolve = LinkResolver(base)

    head = tree.head
    title = (head.css_first("title") if head is not None else None) or next(
        iter(nodes["title"]), None
    )
    if title is not None:
        snap.title = _text(title)
    # An <svg> has <title>s of its own (tooltips); only the document's count.
    snap.tag_counts["title"] = sum(1 for node in nodes["title"] if not _in_svg(node))

    root = tree.root
    if root is not None and root.tag == "html":
        lang = root.attributes.get("lang")
        snap.lang = lang.strip() if lang is not None else None

    refresh = _extract_meta(nodes["meta"], snap, crawler)
    if refresh is not None and (parsed := parse_refresh(refresh)) is not None:
        delay, goes_to = parsed
        snap.meta_refresh = (delay, (resolve(goes_to) or goes_to) if goes_to else None)
    _extract_link_tags(nodes["link"], snap, resolve)
    if link_header:
        _extract_link_header(link_header, url, snap)
    snap.canonical = canonical_of(snap.canonical_tags + snap.canonical_header)

    snap.h1 = [_text(n) for n in nodes["h1"]]
    snap.h2 = [_text(n) for n in nodes["h2"]]
    for node in nodes["form"]:
        action = node.attributes.get("action") or ""
        has_password = node.css_first('input[type="password" i]') is not None
        snap.forms.append(FormRef(action=resolve(action) or action, has_password=has_password))

    for node in nodes["script"]:
        if (node.attributes.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (node.text(deep=True) or "").strip()
        if raw:
            snap.json_ld.append(raw[:_MAX_JSON_LD_CHARS])
    # Before the tree loses its scripts and template blocks (breadcrumbs sit in <nav>).
    snap.structured = read_structured(tree, html, snap.json_ld, resolve)

    for node in nodes["img"]:
        attrs = node.attributes
        src = attrs.get("src") or attrs.get("data-src") or ""
        snap.images.append(ImageRef(src=resolve(src) or src, alt=attrs.get("alt")))

    link_words: dict[int, int] = {}
    in_pre = {a.mem_id for pre in nodes["pre"] for a in pre.css("a")}
    external: dict[int, str] = {}
    own = normalize_url(url)
    audit = LinkAudit(own, base == url or normalize_url(base) == own)
    snap.links = _extract_links(
        nodes["a"], resolve, is_internal, in_pre, link_words, external, audit
    )
    snap.resources = _extract_resources(loads, resolve, external, audit)
    snap.unusable_links, snap.unnamed_links = audit.unusable, audit.unnamed
    snap.unencoded_urls = audit.unencoded
    snap.missing_fragments = audit.missing(tree)  # before the tree loses scripts and blocks

    body = tree.body
    if snap.wp_post_id is None and body is not None:
        snap.wp_post_id = _post_id(_BODY_CLASS_ID.search(body.attributes.get("class") or ""))

    tree.strip_tags(_NON_CONTENT_TAGS)
    main, snap.main_content = main_content(tree, nodes)
    blocks = nodes["template"] + _named_template(main) if snap.main_content == "body" else []
    block_ids = {b.mem_id for b in blocks}
    inside = _inside(main, block_ids)
    snap.heading_levels = [int(h.tag[1]) for h in nodes["heading"] if h.tag and inside(h)]
    # Outermost blocks only: removing one removes (and frees) the blocks inside it.
    for block in [b for b in blocks if not _in_any(b, block_ids)]:
        block.decompose()
    words = (main.text(deep=True, separator=" ") if main is not None else "").split()
    snap.word_count = len(words)
    # Counted only when they could make the page an index (half its words): a query less on
    # every long page.
    if main is not None and sum(link_words.values()) * 2 >= snap.word_count:
        snap.link_words = sum(link_words.get(a.mem_id, 0) for a in main.css("a[href]"))
    snap.content_hash = hashlib.blake2b(" ".join(words).encode(), digest_size=16).hexdigest()
    snap.simhash = simhash(words)
    snap.soft_404 = not_found_phrase(snap.title, snap.h1[0] if snap.h1 else None, words)
    return snap


def main_content(
    tree: LexborHTMLParser, nodes: dict[str, list[LexborNode]]
) -> tuple[LexborNode | None, str]:
    """The page's own content, and how it was found: `<main>`, `[role=main]`, the only
    `<article>`, else the body without its navigation, header, footer and sidebars (the blocks a
    site's template repeats on every page). Heading order, word counts and duplicate content are
    judged on it, so a sidebar's "Previous topic" heading or a long menu never counts.
    `nodes` are the candidates the page's one selector pass collected (each query of the whole
    tree costs as much again)."""
    for found, how in ((nodes["main"], "main"), (nodes["role=main"], "role=main")):
        shown = [n for n in found if "hidden" not in n.attributes]
        if len(shown) == 1:
            return shown[0], how
    if len(nodes["article"]) == 1:
        return nodes["article"][0], "article"
    body = tree.body
    return (body, "body") if body is not None else (None, "none")


def main_text(html: str, limit: int) -> str:
    """The page's own content (`main_content`) as text, without scripts and the template's
    navigation, header and footer, cut at `limit` characters: what a suggestion's prompt is
    grounded on."""
    tree = LexborHTMLParser(html)
    for node in tree.css("script, style, noscript, template, nav, header, footer"):
        node.decompose()
    nodes = {
        "main": tree.css("main"),
        "role=main": tree.css("[role=main]"),
        "article": tree.css("article"),
    }
    main, _how = main_content(tree, nodes)
    return _text(main)[:limit] if main is not None else ""


# Template blocks by name, for pages built of plain <div>s (Mozilla Readability's "unlikely
# candidates", trimmed): class or id saying navigation, header, footer, sidebar …, unless it also
# says content. The PostgreSQL manual's <div class="navheader"> is one.
_TEMPLATE_NAME = re.compile(
    r"nav|menu|sidebar|breadcrumb|header|footer|banner|cookie|pagination|pager|social|sponsor",
    re.IGNORECASE,
)
_CONTENT_NAME = re.compile(r"article|body|content|main|column|post|entry", re.IGNORECASE)
_NAMED = "div[class], div[id], section[class], section[id], table[class], ul[class], ul[id]"


def _named_template(main: LexborNode | None) -> list[LexborNode]:
    """Blocks whose class or id names them template, in a page with no main element. A block
    holding the page's <h1> stays: a "page-header" is often where the title is."""
    if main is None:
        return []
    found = []
    for node in main.css(_NAMED):
        attrs = node.attributes
        name = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        templated = _TEMPLATE_NAME.search(name) and not _CONTENT_NAME.search(name)
        if templated and node.css_first("h1") is None:
            found.append(node)
    return found


def _ancestors(node: LexborNode) -> Iterator[LexborNode]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _in_any(node: LexborNode, ids: set[int]) -> bool:
    return any(parent.mem_id in ids for parent in _ancestors(node))


def _inside(main: LexborNode | None, blocks: set[int]) -> Callable[[LexborNode], bool]:
    """Is a node part of the main content: inside the main element and outside every template
    block (`blocks`: their ids, for a page without a main element)?"""
    if main is None:
        return lambda _node: False
    target = main.mem_id

    def inside(node: LexborNode) -> bool:
        for parent in _ancestors(node):
            ident = parent.mem_id
            if ident in blocks:
                return False
            if ident == target:
                return True
        return False

    return inside


def _in_svg(node: LexborNode) -> bool:
    return any(parent.tag == "svg" for parent in _ancestors(node))


def _extract_meta(metas: list[LexborNode], snap: PageSnapshot, crawler: str) -> str | None:
    """Read the meta tags into `snap`; return the first <meta http-equiv=refresh>'s content."""
    robots: list[str] = []
    refresh = None
    for node in metas:
        attrs = node.attributes
        content = attrs.get("content")
        if content is None:
            continue
        equiv = attrs.get("http-equiv") if refresh is None and "http-equiv" in attrs else None
        if equiv is not None and equiv.strip().lower() == "refresh":
            refresh = content
        name = (attrs.get("name") or "").strip().lower()
        prop = (attrs.get("property") or "").strip().lower()
        if name in ("description", "viewport"):
            snap.tag_counts[name] = snap.tag_counts.get(name, 0) + 1
        if name == "description" and snap.meta_description is None:
            snap.meta_description = _clean(content)
        elif name == "robots":
            robots.append(content.strip())
        elif name in _NAMED_CRAWLERS or name == crawler:  # applied with the generic one, as Google
            robots.append(f"{name}: {content.strip()}")
        elif name == "viewport" and snap.viewport is None:
            snap.viewport = content.strip()
        if prop.startswith("og:"):
            snap.open_graph.setdefault(prop, content.strip())
        elif name.startswith("twitter:") or prop.startswith("twitter:"):
            snap.twitter.setdefault(name or prop, content.strip())
    if robots:
        snap.meta_robots = ", ".join(robots)
    return refresh


_REFRESH = re.compile(
    r"""[ \t\n\r\f]*(\d*)[\d.]*(?:[ \t\n\r\f;,]+(?:url[ \t\n\r\f]*=[ \t\n\r\f]*)?(.*))?$""",
    re.IGNORECASE | re.DOTALL,
)


def parse_refresh(content: str) -> tuple[float, str | None] | None:
    """A <meta http-equiv=refresh> content as browsers read it (the HTML spec's declarative
    refresh): the delay in whole seconds and the URL as written (None: the page reloads
    itself); None when browsers ignore it ("soon", "5x")."""
    m = _REFRESH.match(content)
    if m is None or (not m.group(1) and not content.strip().startswith(".")):
        return None
    delay = float(m.group(1) or 0)
    target = (m.group(2) or "").strip()
    if target[:1] in ("'", '"'):
        quote = target[0]
        target = target[1:].split(quote, 1)[0]
    return delay, target.strip() or None


def canonical_of(tags: list[tuple[str, str | None]]) -> str | None:
    """The page's canonical as search engines take it: the one http(s) URL its canonical tags
    name. An invalid tag (`file:`, `javascript:`, empty) is ignored; tags that name different
    URLs cancel each other out (Google then picks the canonical itself)."""
    targets = {target for _href, target in tags if target is not None}
    return targets.pop() if len(targets) == 1 else None


def _extract_link_tags(
    link_tags: list[LexborNode], snap: PageSnapshot, resolve: Callable[[str], str | None]
) -> None:
    for node in link_tags:
        attrs = node.attributes
        rels = (attrs.get("rel") or "").lower().split()
        href = attrs.get("href")
        if href is None or not rels:
            continue
        if "shortlink" in rels and snap.wp_post_id is None:
            snap.wp_post_id = _post_id(_SHORTLINK_ID.search(href))
        if "canonical" in rels:
            if len(snap.canonical_tags) < _MAX_CANONICAL_TAGS:
                snap.canonical_tags.append((href.strip(), resolve(href)))
        elif "alternate" in rels and attrs.get("hreflang") is not None:
            snap.hreflang.append(
                {
                    "lang": (attrs.get("hreflang") or "").strip(),
                    "url": resolve(href) or href.strip(),
                }
            )


def _extract_link_header(value: str, url: str, snap: PageSnapshot) -> None:
    """Canonical and hreflang alternates from the HTTP Link header. Its targets resolve against
    the page's URL (RFC 8288 §3.2), never a <base href>."""
    for link in parse_link_header(value):
        target = resolve_url(url, link.target) if link.target else None
        if "canonical" in link.rels and len(snap.canonical_header) < _MAX_CANONICAL_TAGS:
            snap.canonical_header.append((link.target, target))
        if "alternate" in link.rels and "hreflang" in link.params:
            snap.hreflang.append(
                {
                    "lang": link.params["hreflang"].strip(),
                    "url": target or link.target,
                    "source": "header",
                }
            )


def _post_id(match: re.Match[str] | None) -> int | None:
    if match is None:
        return None
    value = int(match.group(1))
    return value if 0 < value <= WP_MAX_POST_ID else None


def _is_code(node: LexborNode) -> bool:
    """A link made of one code element (`<a><code>continue</code></a>`, as API docs link
    keywords) or written inside one: a name, not a vague invitation to click. (Links anywhere
    inside a `<pre>` are found apart, in one pass.)"""
    child, parent = node.child, node.parent
    if child is not None and child.next is None and child.tag in _CODE_TAGS:
        return True
    return parent is not None and parent.tag in _CODE_TAGS


class LinkAudit:
    """What a page's links get wrong as written, gathered while the links are read (one pass):
    links a crawler cannot follow, links with no accessible name, same-page fragments that name
    nothing, and URLs written with raw spaces or non-ASCII characters."""

    def __init__(self, own: str | None, hash_is_own: bool) -> None:
        self.own = own  # the page's own URL, normalised
        self.hash_is_own = hash_is_own  # does "#x" point into this page (no other <base href>)?
        self.unusable: list[tuple[str, str]] = []
        self.unnamed: list[str] = []
        self.unencoded: list[str] = []
        self.fragments: dict[str, None] = {}  # same-page fragments linked to, in order
        self.names: set[str] = set()  # <a name="…">: fragment targets as ids are
        self._seen: set[tuple[str, str]] = set()

    def _once(self, key: tuple[str, str]) -> bool:
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def anchor(self, node: LexborNode, attrs: dict[str, str | None], href: str | None) -> None:
        """An <a> or <area> whose text is empty or whose href resolved to no http(s) URL."""
        role = (attrs.get("role") or "").strip().lower()
        scripted = "onclick" in attrs and role in ("", "link")
        if href is None:
            if node.tag == "a" and scripted and self._once(("", "no-href")):
                self.unusable.append(("", "no-href"))
            return
        value = href.strip()
        lowered = value[:11].lower()
        why = None
        if lowered.startswith("javascript:"):
            why = "javascript" if role in ("", "link") else None
        elif value == "" or value == "#":
            # Without a script, href="" is a link to the page itself and "#" to its top (RFC
            # 3986 same-document references): crawlable, and browsers follow them. With onclick
            # doing the navigation, the real target is in the script.
            if scripted:
                why = "fragment" if value else "empty"
        elif value.startswith("#") and self.hash_is_own:
            self.fragment(value[1:])
        if why is not None and self._once((value, why)):
            self.unusable.append((value, why))

    def fragment(self, fragment: str) -> None:
        # "#" and "#top" scroll to the top (HTML spec); "#!/…" and "#/…" are script routes and
        # "#:~:text=" a text fragment, none of them an element id.
        routed = fragment[:1] in ("!", "/") or ":~:" in fragment
        if fragment and fragment.lower() != "top" and not routed:
            self.fragments.setdefault(fragment, None)

    def href(self, href: str, target: str | None = None) -> None:
        """An href or src that resolved (to `target`, for a link): a fragment on the page's own
        URL is a same-page link too."""
        if target is not None and "#" in href and target == self.own:
            self.fragment(href.split("#", 1)[1])
        if not (href.isascii() and " " not in href and href.isprintable()):  # the common case
            self.written(href)

    def written(self, value: str) -> None:
        """An href or src as written: raw spaces or non-ASCII letters in what is sent to the
        server (the path and query; not the host, whose IDN form is legitimate, nor the
        fragment, which stays in the browser)."""
        value = value.strip(_HTML_SPACE)
        if value.isascii() and not _RAW_SPACE.search(value):
            return
        request = value.split("#", 1)[0]
        if "//" in request[:10]:  # skip scheme://host
            after = request.index("//") + 2
            cut = [i for i in (request.find(c, after) for c in "/?") if i >= 0]
            request = request[min(cut) :] if cut else ""
        if (not request.isascii() or _RAW_SPACE.search(request)) and self._once((value, "enc")):
            self.unencoded.append(value)

    def name(self, node: LexborNode, attrs: dict[str, str | None], href: str, text: str) -> None:
        """Note a link with no accessible name (Lighthouse's link-name: the text, an image's
        alt, aria-label, aria-labelledby, title), unless it is hidden from assistive tech."""
        if text or (attrs.get("aria-hidden") or "").strip().lower() == "true":
            return
        for attr in ("aria-label", "title", "alt"):  # alt: an <area>'s name
            if (attrs.get(attr) or "").strip():
                return
        if _labelled(node, attrs.get("aria-labelledby")) or _named_inside(node):
            return
        if (attrs.get("role") or "link").strip().lower() != "link":
            return  # a button or a tab, named by its own rules
        value = href.strip()
        if self._once((value, "unnamed")):
            self.unnamed.append(value)

    def missing(self, tree: LexborHTMLParser) -> list[str]:
        """The fragments linked to that no element's id (nor an <a name>) matches."""
        if not self.fragments:
            return []
        ids = {node.attributes.get("id") for node in tree.css("[id]")} | self.names
        return [f for f in self.fragments if f not in ids and unquote(f) not in ids]


_HTML_SPACE = " \t\n\r\f"
_RAW_SPACE = re.compile(r"\s")


def _labelled(node: LexborNode, ids: str | None) -> bool:
    """Does aria-labelledby name elements (of the page) with text?"""
    if not ids or not ids.strip():
        return False
    root = node
    for parent in _ancestors(node):
        root = parent
    for ident in ids.split():
        if '"' in ident or "\\" in ident:
            return True  # not worth a selector; give the benefit of the doubt
        found = root.css_first(f'[id="{ident}"]')
        if found is not None and (_text(found) or found.attributes.get("aria-label")):
            return True
    return False


def _named_inside(node: LexborNode) -> bool:
    """A name from the link's content other than text: an image's alt, an aria-label or title
    of an element inside (an icon font's <span aria-label>, an <svg><title>'s text is text)."""
    for inner in node.css("img[alt], [aria-label], [title]"):
        attrs = inner.attributes
        if any((attrs.get(a) or "").strip() for a in ("alt", "aria-label", "title")):
            return True
    return False


def _extract_links(
    anchors: list[LexborNode],
    resolve: Callable[[str], str | None],
    is_internal: Callable[[str], bool],
    code: set[int] | frozenset[int] = frozenset(),
    words: dict[int, int] | None = None,
    external: dict[int, str] | None = None,
    audit: LinkAudit | None = None,
) -> list[LinkRef]:
    """The page's links, once each; `words` collects each anchor's count of text words,
    `external` the target of each anchor that links to another site (by the anchor's id), and
    `audit` what the links get wrong."""
    links: list[LinkRef] = []
    seen: set[tuple[str, str, str]] = set()
    external_targets: set[str] = set()
    for node in anchors:
        attrs = node.attributes
        href = attrs.get("href")
        if audit is not None and node.tag == "a" and "name" in attrs:
            audit.names.add(attrs.get("name") or "")
        target = resolve(href) if href is not None else None
        if target is None:
            if audit is not None:
                audit.anchor(node, attrs, href)
                if href is not None:
                    audit.name(node, attrs, href, _link_text(node))
            continue
        text = _link_text(node)
        if audit is not None:
            audit.href(href or "", target)
            if not text:
                audit.name(node, attrs, href or "", text)
        if words is not None:
            words[node.mem_id] = len(text.split())
        rel = (attrs.get("rel") or "").strip().lower()
        key = (target, text, rel)
        if key in seen:
            if external is not None and target in external_targets:
                external[node.mem_id] = target
            continue
        seen.add(key)
        internal = is_internal(target)
        if not internal:
            external_targets.add(target)
            if external is not None:
                external[node.mem_id] = target
        links.append(
            LinkRef(
                url=target,
                text=text,
                rel=rel,
                internal=internal,
                code=node.mem_id in code or _is_code(node),
            )
        )
    return links


def _link_text(node: LexborNode) -> str:
    """A link's text, else the alt text of an image in it."""
    text = _text(node)
    if not text:
        img = node.css_first("img[alt]")
        if img is not None:
            text = _clean(img.attributes.get("alt"))
    return text


def first_candidate(srcset: str) -> str:
    """The first image URL of a `srcset` ("a.jpg 1x, b.jpg 2x" → "a.jpg"), read as the HTML
    spec reads it: a URL runs to the next whitespace, and trailing commas are not part of it
    (a comma inside a URL, as image CDNs write "w_100,h_80", is)."""
    urls = srcset_urls(srcset)
    return urls[0] if urls else ""


def srcset_urls(srcset: str) -> list[str]:
    """Every image URL of a `srcset` ("a.jpg 1x, b.jpg 2x" → a.jpg, b.jpg): a browser loads
    one of them by the screen, so each must work. A URL runs to the next whitespace, trailing
    commas are not part of it; its descriptors run to the next comma."""
    urls: list[str] = []
    rest = srcset
    while True:
        rest = rest.lstrip(" \t\n\r\f,")
        if not rest:
            return urls
        parts = rest.split(None, 1)
        url = parts[0]
        if url.endswith(","):
            urls.append(url.rstrip(","))
            rest = parts[1] if len(parts) > 1 else ""
            continue
        urls.append(url)
        tail = parts[1] if len(parts) > 1 else ""
        comma = tail.find(",")
        rest = tail[comma + 1 :] if comma >= 0 else ""


def _resource_urls(tag: str, node: LexborNode) -> Iterator[tuple[str, ResourceKind]]:
    """What one element (a `tag`) loads, as written: (attribute value, kind)."""
    attrs = node.attributes
    if tag == "img":
        # A lazy loader writes the real image in data-src and a placeholder (often data:) in src.
        for value in (attrs.get("src"), attrs.get("data-src")):
            if value and not value.lstrip().lower().startswith("data:"):
                yield value, ResourceKind.IMAGE
                break
        for value in srcset_urls(attrs.get("srcset") or attrs.get("data-srcset") or ""):
            yield value, ResourceKind.IMAGE
    elif tag == "link":
        if "stylesheet" in (attrs.get("rel") or "").lower().split():
            yield attrs.get("href") or "", ResourceKind.STYLESHEET
    elif tag == "script":
        yield attrs.get("src") or "", ResourceKind.SCRIPT
    elif tag in ("iframe", "frame"):
        yield attrs.get("src") or "", ResourceKind.IFRAME
    elif tag == "source":
        parent = node.parent
        if parent is not None and parent.tag == "picture":
            for value in srcset_urls(attrs.get("srcset") or ""):
                yield value, ResourceKind.IMAGE
        else:
            yield attrs.get("src") or "", ResourceKind.MEDIA
    elif tag in ("video", "audio"):
        yield attrs.get("src") or "", ResourceKind.MEDIA
        if tag == "video":
            yield attrs.get("poster") or "", ResourceKind.IMAGE
    elif tag in ("track", "embed"):
        yield attrs.get("src") or "", ResourceKind.MEDIA
    elif tag == "object":
        yield attrs.get("data") or "", ResourceKind.MEDIA
    elif tag == "input" and (attrs.get("type") or "").strip().lower() == "image":
        yield attrs.get("src") or "", ResourceKind.IMAGE


def _extract_resources(
    elements: list[tuple[str, LexborNode]],
    resolve: Callable[[str], str | None],
    external: dict[int, str],
    audit: LinkAudit | None = None,
) -> list[ResourceRef]:
    """What the page loads, and its external links (from `external`, by anchor id), in document
    order, once per (URL, kind); http(s) only: data:, blob:, javascript: … are not fetched."""
    found: list[ResourceRef] = []
    seen: set[tuple[str, ResourceKind]] = set()
    for tag, node in elements:
        if tag == "a" or tag == "area":
            if not external:
                continue
            target = external.get(node.mem_id)
            if target is not None and (target, ResourceKind.LINK) not in seen:
                seen.add((target, ResourceKind.LINK))
                found.append(ResourceRef(target, ResourceKind.LINK))
            continue
        for value, kind in _resource_urls(tag, node):
            url = resolve(value) if value else None
            if url is not None and audit is not None:
                audit.href(value)
            if url is not None and (url, kind) not in seen:
                seen.add((url, kind))
                found.append(ResourceRef(url, kind))
    return found
