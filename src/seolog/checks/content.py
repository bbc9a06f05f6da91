"""What a page says: title, meta description, headings, body text, indexability."""

from __future__ import annotations

from collections.abc import Iterator

from seolog.checks.facts import (
    INDEX_MIN_LINKS,
    content_with,
    is_content,
    is_index,
    robots_directives,
    says_noindex,
    several,
)
from seolog.checks.registry import Hit, page_check
from seolog.checks.textwidth import text_width_px
from seolog.checks.thresholds import Thresholds
from seolog.domain import CrawledPage, PageSnapshot, Severity, clip_text
from seolog.wording import say

# The font sizes of Google's desktop results, in px of Arial: the title link and the snippet.
TITLE_FONT_PX = 20
DESCRIPTION_FONT_PX = 14


def title_width(title: str) -> int:
    """A title's width in search results, in px: what title-too-long compares with
    title_max_px (and what a suggested title is held to)."""
    return round(text_width_px(title, TITLE_FONT_PX))


def description_width(text: str) -> int:
    """A meta description's width in search results, in px (description_max_px)."""
    return round(text_width_px(text, DESCRIPTION_FONT_PX))


def _snap(page: CrawledPage) -> PageSnapshot | None:
    return page.snapshot if is_content(page) else None


# --- titles ------------------------------------------------------------------------------------


@page_check(
    code="title-missing",
    family="titles",
    applies=is_content,
    severity=Severity.ERROR,
    title="Page has no title",
    why="The title is the headline of the search result and the strongest on-page relevance hint; "
    "without one, search engines make one up.",
    fix="Add a unique <title> that says what the page offers, in 30-60 characters.",
    lighthouse="document-title (Document has a <title> element)",
)
def title_missing(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    if snap is not None and not (snap.title or "").strip():
        yield Hit(say("no <title>") if snap.title is None else say("the <title> is empty"))


@page_check(
    code="title-too-long",
    family="titles",
    applies=content_with(lambda s: s.title),
    severity=Severity.WARNING,
    title="Title is too long",
    why="Search results cut a long title off with an ellipsis, so its end is never seen. They cut "
    "by width, not by characters: desktop results set titles in 20 px Arial and show about "
    "580 px, which holds some 30 capital Ws or well over 100 narrow letters like i and l. The "
    "title's width is measured with Arial's character widths (no kerning) and compared with "
    "title_max_px; the character count is reported next to it. title_max_chars no longer "
    "decides: it is still accepted, so existing configs and --threshold flags keep working.",
    fix="Put the important words first and shorten the title until it fits title_max_px; wide "
    "capitals (W, M) and words in all capitals take the most room.",
    thresholds=("title_max_px", "title_max_chars"),
)
def title_too_long(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    if snap is None or not snap.title:
        return
    width = title_width(snap.title)
    if width > t.title_max_px:
        yield Hit(
            say(
                "title is {width} px wide (max {max}), {length} characters",
                width=width,
                max=t.title_max_px,
                length=len(snap.title),
            ),
            {
                "length": len(snap.title),
                "title": clip_text(snap.title),
                "max": t.title_max_chars,
                "width_px": width,
                "max_px": t.title_max_px,
            },
        )


@page_check(
    code="title-too-short",
    family="titles",
    applies=content_with(lambda s: s.title),
    severity=Severity.WARNING,
    title="Title is too short",
    why="A very short title wastes the most visible line of the search result.",
    fix="Describe the page: its topic, what it offers, and the brand if room is left.",
    thresholds=("title_min_chars",),
)
def title_too_short(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    if snap is not None and snap.title and len(snap.title) < t.title_min_chars:
        yield Hit(
            say(
                "title is {length} characters (min {min})",
                length=len(snap.title),
                min=t.title_min_chars,
            ),
            {"length": len(snap.title), "title": snap.title, "min": t.title_min_chars},
        )


@page_check(
    code="title-multiple",
    family="titles",
    applies=is_content,
    severity=Severity.WARNING,
    title="Page has more than one title",
    why="A document has one <title>. With several, search engines and browsers pick one, not "
    "always the one you meant; a second one usually comes from a template and a plugin both "
    "writing it. <title> elements inside inline SVG images are not counted.",
    fix="Keep one <title> in the <head>.",
)
def title_multiple(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    yield from several(page, "title", lambda n: say("{count} <title> elements", count=n))


# --- meta descriptions -------------------------------------------------------------------------


@page_check(
    code="meta-description-missing",
    family="descriptions",
    applies=is_content,
    severity=Severity.WARNING,
    title="Page has no meta description",
    why="The description is the snippet under the title in search results; without one, search "
    "engines quote whatever text they pick, which rarely sells the page.",
    fix='Add <meta name="description"> summarising the page in 70-160 characters.',
    lighthouse="meta-description (Document has a meta description)",
)
def meta_description_missing(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    if snap is not None and not (snap.meta_description or "").strip():
        yield Hit(
            say("no meta description")
            if snap.meta_description is None
            else say("empty meta description")
        )


@page_check(
    code="meta-description-too-long",
    family="descriptions",
    applies=content_with(lambda s: s.meta_description),
    severity=Severity.NOTICE,
    title="Meta description is too long",
    why="Snippets are cut off by width, not by characters: desktop results set them in 14 px "
    "Arial and show about 920 px; the rest is never seen. The description's width is measured "
    "with Arial's character widths (no kerning) and compared with description_max_px; the "
    "character count is reported next to it. description_max_chars no longer decides: it is "
    "still accepted, so existing configs and --threshold flags keep working.",
    fix="Shorten it until it fits description_max_px, keeping the key message at the start.",
    thresholds=("description_max_px", "description_max_chars"),
)
def meta_description_too_long(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    text = snap.meta_description if snap is not None else None
    if not text:
        return
    width = description_width(text)
    if width > t.description_max_px:
        yield Hit(
            say(
                "meta description is {width} px wide (max {max}), {length} characters",
                width=width,
                max=t.description_max_px,
                length=len(text),
            ),
            {
                "length": len(text),
                "max": t.description_max_chars,
                "width_px": width,
                "max_px": t.description_max_px,
            },
        )


@page_check(
    code="meta-description-too-short",
    family="descriptions",
    applies=content_with(lambda s: s.meta_description),
    severity=Severity.NOTICE,
    title="Meta description is too short",
    why="A very short description leaves most of the snippet unused or rewritten by the engine.",
    fix="Say what the page offers and why to click, in 70-160 characters.",
    thresholds=("description_min_chars",),
)
def meta_description_too_short(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    text = snap.meta_description if snap is not None else None
    if text and len(text) < t.description_min_chars:
        yield Hit(
            say(
                "meta description is {length} characters (min {min})",
                length=len(text),
                min=t.description_min_chars,
            ),
            {"length": len(text), "min": t.description_min_chars},
        )


@page_check(
    code="meta-description-multiple",
    family="descriptions",
    applies=is_content,
    severity=Severity.WARNING,
    title="Page has more than one meta description",
    why="With several meta descriptions, search engines choose one or write their own snippet; "
    "the one you wrote may never show.",
    fix='Keep one <meta name="description"> per page.',
)
def meta_description_multiple(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    yield from several(
        page, "description", lambda n: say('{count} <meta name="description"> tags', count=n)
    )


# --- headings ----------------------------------------------------------------------------------


@page_check(
    code="h1-missing",
    family="headings",
    applies=is_content,
    severity=Severity.WARNING,
    title="Page has no H1",
    why="The H1 tells users and search engines what the page is about at a glance.",
    fix="Add one <h1> with the page's main topic, close to the title's wording.",
)
def h1_missing(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    if snap is not None and not any(h.strip() for h in snap.h1):
        yield Hit(say("no <h1>") if not snap.h1 else say("the <h1> is empty"))


@page_check(
    code="h1-multiple",
    family="headings",
    applies=is_content,
    severity=Severity.NOTICE,
    title="Page has more than one H1",
    why="Several H1s blur what the page's main topic is.",
    fix="Keep one H1 for the main topic and make the others H2.",
)
def h1_multiple(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    if snap is not None and len(snap.h1) > 1:
        yield Hit(say("{count} <h1> elements", count=len(snap.h1)), {"h1": snap.h1})


@page_check(
    code="heading-order",
    family="headings",
    applies=content_with(lambda s: s.heading_levels),
    severity=Severity.NOTICE,
    title="Heading levels skip a level",
    why="Headings are the page's outline for screen readers and search engines; a jump from H2 to "
    "H4 leaves a hole in it. Only the main content's headings count (see content-thin): a "
    "sidebar's headings belong to the template, not to the page's outline.",
    fix="Use the next level down for sub-sections (H2 then H3), and style headings with CSS.",
)
def heading_order(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    if snap is None:
        return
    previous = 0
    for level in snap.heading_levels:
        if previous and level > previous + 1:
            yield Hit(
                say("<h{before}> is followed by <h{after}>", before=previous, after=level),
                {"from": previous, "to": level},
            )
            return
        previous = level


# --- body text and indexability ----------------------------------------------------------------


@page_check(
    code="content-thin",
    family="content",
    applies=content_with(lambda s: not is_index(s)),
    severity=Severity.NOTICE,
    title="Little body text",
    why="Pages with very little text rarely answer a query well enough to rank. Words are counted "
    "in the page's main content (<main>, role=main, the only <article>, else the body without "
    "navigation, header, footer and sidebars). Index pages, tables of contents and link lists "
    f"(at least {INDEX_MIN_LINKS} links, and half the words or more are link text) are meant to "
    "be short and are not reported.",
    fix="Expand the page with useful content, or merge it into a related page and redirect.",
    thresholds=("thin_content_words",),
)
def content_thin(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    if snap is not None and snap.word_count < t.thin_content_words and not is_index(snap):
        yield Hit(
            say(
                "{words} words of body text (min {min})",
                words=snap.word_count,
                min=t.thin_content_words,
            ),
            {"words": snap.word_count, "min": t.thin_content_words},
        )


@page_check(
    code="noindex",
    family="indexability",
    applies=is_content,
    severity=Severity.WARNING,
    title="Page is excluded from search (noindex)",
    why="A noindex page never appears in search results; on a page meant to rank it is a costly "
    "mistake (often left over from a staging site).",
    fix='Remove the noindex from <meta name="robots"> or the X-Robots-Tag header if the page '
    "should rank; otherwise keep it out of the sitemap and internal navigation.",
    lighthouse="is-crawlable (Page isn't blocked from indexing)",
)
def noindex(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if not is_content(page):
        return
    directives = robots_directives(page)
    if says_noindex(directives):
        source = []
        if page.snapshot is not None and page.snapshot.meta_robots:
            source.append("meta robots")
        if page.fetch.headers.get("x-robots-tag"):
            source.append("X-Robots-Tag")
        said = (
            say("noindex by {source}", source=source[0])
            if len(source) == 1
            else say("noindex by {first} and {second}", first=source[0], second=source[1])
        )
        yield Hit(said, {"directives": sorted(directives)})
