"""Raw HTML versus the rendered DOM (scans with --render): what JavaScript changes that search
engines may see late, differently or not at all. These are the findings a consultant hands to a
developer: "your canonical is only right after rendering", "these links exist only in the app".

They run only on pages that were rendered (`page.raw` is what the raw HTML said); the other
checks of a rendered page judge the rendered DOM.
"""

from __future__ import annotations

from collections.abc import Iterator

from seolog.checks.facts import is_content
from seolog.checks.registry import Hit, page_check
from seolog.checks.thresholds import Thresholds
from seolog.domain import (
    CrawledPage,
    PageSnapshot,
    RawView,
    Severity,
    parse_directives,
    says_noindex,
)
from seolog.wording import say

SINCE = "0.2.0"  # the release after FIRST_VERSION, as in checks/resources.py
FAMILY = "rendering"
SHOWN = 5  # links named in a message
# Content "only after rendering": the rendered page has at least this many more words, and the
# raw HTML has less than this share of them.
ADDED_MIN_WORDS = 50
ADDED_RAW_SHARE = 0.5
RAW_VS_RENDERED = (
    "Search engines read the raw HTML first and render JavaScript later, sometimes much later or "
    "not at all; other crawlers and social previews never run it."
)


def rendered(page: CrawledPage) -> bool:
    """`applies`: a content page that was rendered, so its raw HTML can be compared."""
    return page.raw is not None and page.snapshot is not None and is_content(page)


def _render_noted(page: CrawledPage) -> bool:
    """`applies` of render-failed: a content page the browser could not render in full."""
    return page.render_note is not None and is_content(page)


def _views(page: CrawledPage) -> tuple[RawView, PageSnapshot] | None:
    """(what the raw HTML said, the rendered snapshot); None where there is nothing to
    compare (a page not rendered: the check finds nothing, as `rendered` says)."""
    if not rendered(page):
        return None
    assert page.raw is not None and page.snapshot is not None
    return page.raw, page.snapshot


def _shown(value: str | None) -> str:
    return repr(value[:120]) if value else "none"


def _changed(label: str, before: str | None, after: str | None) -> Iterator[Hit]:
    if (before or None) != (after or None):
        yield Hit(
            say(
                "{label} is {before} in the raw HTML and {after} after rendering",
                label=label,
                before=_shown(before),
                after=_shown(after),
            ),
            {"raw": before, "rendered": after},
        )


@page_check(
    code="render-title-changed",
    family=FAMILY,
    applies=rendered,
    severity=Severity.WARNING,
    since=SINCE,
    title="Title changed by JavaScript",
    why=RAW_VS_RENDERED + " A title set or changed by script may show in results as the raw one "
    "(or none) for weeks.",
    fix="Put the final title in the HTML the server sends (server-side rendering or "
    "pre-rendering), and do not change it in the browser.",
)
def title_changed(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if (views := _views(page)) is None:
        return
    raw, snap = views
    yield from _changed("the title", raw.title, snap.title)


@page_check(
    code="render-description-changed",
    family=FAMILY,
    applies=rendered,
    severity=Severity.NOTICE,
    since=SINCE,
    title="Meta description changed by JavaScript",
    why=RAW_VS_RENDERED + " Snippets and social previews are often built from the raw one.",
    fix="Send the final meta description in the server's HTML.",
)
def description_changed(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if (views := _views(page)) is None:
        return
    raw, snap = views
    yield from _changed("the meta description", raw.meta_description, snap.meta_description)


@page_check(
    code="render-canonical-changed",
    family=FAMILY,
    applies=rendered,
    severity=Severity.ERROR,
    since=SINCE,
    title="Canonical changed by JavaScript",
    why=RAW_VS_RENDERED + " Google says a canonical should not be changed by script: it may "
    "use either, so the page you meant may not be the one indexed.",
    fix="Send the final rel=canonical in the server's HTML and leave it alone in the browser; "
    "if the app must set one, make it the same URL.",
)
def canonical_changed(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if (views := _views(page)) is None:
        return
    raw, snap = views
    yield from _changed("the canonical", raw.canonical, snap.canonical)


def _noindex_turned(page: CrawledPage, to: bool) -> Iterator[Hit]:
    """The robots meta says noindex after rendering (`to`) and did not in the raw HTML, or the
    other way round: render-noindex-added and render-noindex-removed."""
    if (views := _views(page)) is None:
        return
    raw, snap = views
    before, after = raw.meta_robots, snap.meta_robots
    if says_noindex(parse_directives(before)) != to and says_noindex(parse_directives(after)) == to:
        yield Hit(
            say("robots meta is {before} in the raw HTML and {after} after rendering",
                before=_shown(before), after=_shown(after)),
            {"raw": before, "rendered": after},
        )  # fmt: skip


@page_check(
    code="render-noindex-added",
    family=FAMILY,
    applies=rendered,
    severity=Severity.ERROR,
    since=SINCE,
    title="noindex added by JavaScript",
    why="The raw HTML lets the page be indexed, the rendered page says noindex. Once Google "
    "renders it, the page drops out of the index; until then it may be indexed.",
    fix="Decide whether the page should be indexed, and say so in the server's HTML; do not "
    "add a robots noindex in the browser (often a leftover of a staging build or of an error "
    "view).",
)
def noindex_added(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    yield from _noindex_turned(page, to=True)


@page_check(
    code="render-noindex-removed",
    family=FAMILY,
    applies=rendered,
    severity=Severity.ERROR,
    since=SINCE,
    title="noindex removed by JavaScript",
    why="The raw HTML says noindex and script removes it. Google does not render a page whose "
    "raw HTML says noindex, so the page stays out of the index whatever the app does.",
    fix="If the page should be indexed, remove the noindex from the server's HTML.",
)
def noindex_removed(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    yield from _noindex_turned(page, to=False)


@page_check(
    code="render-robots-changed",
    family=FAMILY,
    applies=rendered,
    severity=Severity.WARNING,
    since=SINCE,
    title="Robots meta changed by JavaScript",
    why=RAW_VS_RENDERED + " Directives such as nofollow or max-snippet then depend on whether "
    "and when the page is rendered.",
    fix="Send the final robots meta tag in the server's HTML.",
)
def robots_changed(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if (views := _views(page)) is None:
        return
    raw, snap = views
    before, after = raw.meta_robots, snap.meta_robots
    b, a = parse_directives(before), parse_directives(after)
    if b != a and says_noindex(b) == says_noindex(a):  # a noindex change has its own code
        yield from _changed("the robots meta", before, after)


@page_check(
    code="render-h1-changed",
    family=FAMILY,
    applies=rendered,
    severity=Severity.NOTICE,
    since=SINCE,
    title="H1 changed by JavaScript",
    why=RAW_VS_RENDERED + " The main heading is a strong hint of what the page is about.",
    fix="Render the page's main heading on the server.",
)
def h1_changed(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if (views := _views(page)) is None:
        return
    raw, snap = views
    before, after = list(raw.h1), list(snap.h1)
    if before != after:
        yield Hit(
            say("the H1 is {before} in the raw HTML and {after} after rendering",
                before=_shown(" | ".join(before)), after=_shown(" | ".join(after))),
            {"raw": before, "rendered": after},
        )  # fmt: skip


@page_check(
    code="render-hreflang-changed",
    family=FAMILY,
    applies=rendered,
    severity=Severity.WARNING,
    since=SINCE,
    title="hreflang changed by JavaScript",
    why=RAW_VS_RENDERED + " Alternates added or changed by script are often missed, and a "
    "language version then competes with the others.",
    fix="Send the hreflang links in the server's HTML (or in the sitemap or HTTP headers).",
)
def hreflang_changed(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if (views := _views(page)) is None:
        return
    raw, snap = views
    # Distinct alternates: a head manager that renders the server's tags again changes nothing.
    before = sorted(set(raw.hreflang))
    after = sorted(
        {
            (h.get("lang", ""), h.get("url", ""))
            for h in snap.hreflang
            if h.get("source") != "sitemap"
        }
    )
    if before != after:
        yield Hit(
            say("{before} hreflang links in the raw HTML, {after} after rendering "
                "({changed} differ)", before=len(before), after=len(after),
                changed=len(set(before) ^ set(after))),
            {"raw": [list(x) for x in before], "rendered": [list(x) for x in after]},
        )  # fmt: skip


@page_check(
    code="render-links-added",
    family=FAMILY,
    applies=rendered,
    severity=Severity.WARNING,
    since=SINCE,
    title="Links only after rendering",
    why=RAW_VS_RENDERED + " Links that exist only in the rendered page are found late or "
    "never, so the pages they lead to are crawled less.",
    fix="Render navigation and content links as <a href> in the server's HTML.",
)
def links_added(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if (views := _views(page)) is None:
        return
    raw, snap = views
    before = set(raw.links)
    added = list(dict.fromkeys(link.url for link in snap.links if link.url not in before))
    if added:
        yield Hit(
            say("{n} links exist only after rendering, e.g. {urls}", n=len(added),
                urls=", ".join(added[:SHOWN])),
            {"count": len(added), "urls": added[:50], "raw_links": len(before)},
        )  # fmt: skip


@page_check(
    code="render-content-added",
    family=FAMILY,
    applies=rendered,
    severity=Severity.WARNING,
    since=SINCE,
    title="Content only after rendering",
    why=RAW_VS_RENDERED + " A page whose text is made in the browser may be indexed as "
    "nearly empty until it is rendered.",
    fix="Render the page's main content on the server (server-side rendering, static "
    "generation or pre-rendering).",
)
def content_added(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if (views := _views(page)) is None:
        return
    raw, snap = views
    before, after = raw.word_count, snap.word_count
    if after - before >= ADDED_MIN_WORDS and before < after * ADDED_RAW_SHARE:
        yield Hit(
            say("{before} words in the raw HTML, {after} after rendering", before=before,
                after=after),
            {"raw_words": before, "rendered_words": after},
        )  # fmt: skip


@page_check(
    code="render-failed",
    family=FAMILY,
    applies=lambda page: _render_noted(page),
    severity=Severity.NOTICE,
    since=SINCE,
    title="Page could not be fully rendered",
    why="The browser could not load the page completely in its time (or at all), so what was "
    "judged may miss what the app makes later; a search engine's renderer has limits too.",
    fix="Look at the page in a browser with the network panel open: a slow API, a script "
    "error or a request blocked by robots.txt is the usual cause. Raise --render-timeout "
    "for a slow test server.",
)
def render_failed(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if not _render_noted(page):
        return
    yield Hit(say("rendering: {note}", note=page.render_note or ""), {"note": page.render_note})
