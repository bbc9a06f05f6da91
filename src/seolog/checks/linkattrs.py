"""What a page's links say as written: nofollow, hrefs a crawler cannot follow, links with no
name, same-page fragments that point nowhere, and a <meta http-equiv=refresh> redirect."""

from __future__ import annotations

from collections.abc import Iterator

from seolog.checks.facts import is_content, robots_directives, says_noindex
from seolog.checks.registry import Hit, page_check
from seolog.checks.thresholds import Thresholds
from seolog.domain import CrawledPage, PageSnapshot, Severity
from seolog.urls import normalize_url
from seolog.wording import say, term

SINCE = "0.2.0"  # the release after FIRST_VERSION, as in checks/resources.py
_EXAMPLES = 10  # items listed in a finding's details; the count says how many there are
_SHOWN = 3  # … and in its message


def _snap(page: CrawledPage) -> PageSnapshot | None:
    return page.snapshot if is_content(page) else None


def _listed(items: list[str]) -> tuple[str, int]:
    """The first items as a message shows them ("'a', 'b', 'c'"), and how many more there are:
    each message has a template for " and {more} more" of its own."""
    return ", ".join(repr(i) if i else 'href=""' for i in items[:_SHOWN]), _more(len(items))


def _more(count: int) -> int:
    return max(count - _SHOWN, 0)


def _has_links(page: CrawledPage) -> bool:
    return is_content(page) and page.snapshot is not None and bool(page.snapshot.links)


@page_check(
    code="link-nofollow-internal",
    family="links",
    applies=_has_links,
    severity=Severity.NOTICE,
    title="Internal links marked nofollow",
    why='rel="nofollow" asks search engines not to follow a link or pass it any value. On a link '
    "to your own page it wastes that page's share of the linking page's value and can keep it "
    "from being found; nofollow is meant for links you do not vouch for (ads, user content).",
    fix='Remove rel="nofollow" from links to your own pages; keep out of search what should not '
    "be there with noindex on that page, or robots.txt for what should not be crawled.",
    since=SINCE,
)
def link_nofollow_internal(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    if snap is None:
        return
    found = [
        {"url": link.url, "text": link.text}
        for link in snap.links
        if link.internal and "nofollow" in link.rel.split()
    ]
    if found:
        links, more = _listed([f["url"] for f in found])
        yield Hit(
            say(
                "{count} internal link(s) marked nofollow: {links} and {more} more",
                count=len(found),
                links=links,
                more=more,
            )
            if more
            else say(
                "{count} internal link(s) marked nofollow: {links}", count=len(found), links=links
            ),
            {"count": len(found), "links": found[:_EXAMPLES]},
        )


def _indexable_content(page: CrawledPage) -> bool:
    """A content page search engines may index: a noindex page is noindex's finding (and
    "noindex, nofollow" the usual way to hide one; Google treats a page noindexed for long as
    nofollow anyway)."""
    return is_content(page) and not says_noindex(robots_directives(page))


@page_check(
    code="page-nofollow",
    family="links",
    applies=_indexable_content,
    severity=Severity.NOTICE,
    title="Page tells search engines not to follow its links (nofollow)",
    why='A page-wide nofollow (<meta name="robots" content="nofollow">, or the same in an '
    "X-Robots-Tag header, or for one crawler such as googlebot) makes every link on it pass "
    "nothing: the pages it links to lose that support and may not be found through it. It is "
    "often left over from a staging site. A noindex page is not judged: noindex says it already.",
    fix="Remove nofollow from the robots meta tag and the X-Robots-Tag header, unless no link "
    "on this page should count; mark single links rel=nofollow instead.",
    since=SINCE,
)
def page_nofollow(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if not _indexable_content(page):
        return
    directives = robots_directives(page)
    if "nofollow" in directives:
        source = []
        if page.snapshot is not None and page.snapshot.meta_robots:
            source.append("meta robots")
        if page.fetch.headers.get("x-robots-tag"):
            source.append("X-Robots-Tag")
        said = (
            say("nofollow by {source}: the page's links pass nothing", source=source[0])
            if len(source) == 1
            else say(
                "nofollow by {first} and {second}: the page's links pass nothing",
                first=source[0],
                second=source[1],
            )
        )
        yield Hit(
            said,
            {"directives": sorted(directives)},
        )


_UNUSABLE = {
    "javascript": term("a javascript: URL"),
    "empty": term('href="" with onclick navigation'),
    "fragment": term('href="#" with onclick navigation'),
    "no-href": term("onclick and no href"),
}


_UNUSABLE_SHOWN = {"empty": 'href=""', "no-href": term("<a onclick> without href")}


@page_check(
    code="link-href-unusable",
    family="links",
    applies=is_content,
    severity=Severity.WARNING,
    title="Links a crawler cannot follow",
    why="Search engines follow a link only through its href: one whose href is a javascript: "
    'URL, or only "#" or "" with the navigation done by onclick (or an <a onclick> with no '
    "href at all) leads crawlers nowhere, so the page behind it may never be found. A plain "
    'href="#" (the top of the page) or href="" (the page itself), and a link given '
    'role="button" or another role, are not counted. Lighthouse\'s crawlable-anchors audit asks '
    "the same, but passes javascript: URLs other than javascript:void(0).",
    fix='Give each link a real URL in its href (<a href="/products/">) and keep any script as an '
    "enhancement; use a <button> for actions that are not navigation.",
    since=SINCE,
)
def link_href_unusable(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    if snap is None or not snap.unusable_links:
        return
    found = snap.unusable_links
    kinds = sorted({_UNUSABLE.get(why, why) for _href, why in found})
    shown = ", ".join(_UNUSABLE_SHOWN.get(why, repr(href)) for href, why in found[:_SHOWN])
    # one kind, the usual case, is a term and reads translated; several stay one value
    listed, more = "; ".join(kinds), _more(len(found))
    yield Hit(
        say(
            "{count} link(s) a crawler cannot follow ({kinds}): {links} and {more} more",
            count=len(found),
            kinds=listed,
            links=shown,
            more=more,
        )
        if more
        else say(
            "{count} link(s) a crawler cannot follow ({kinds}): {links}",
            count=len(found),
            kinds=listed,
            links=shown,
        ),
        {
            "count": len(found),
            "links": [{"href": href, "why": why} for href, why in found[:_EXAMPLES]],
        },
    )


@page_check(
    code="link-name-missing",
    family="links",
    applies=is_content,
    severity=Severity.WARNING,
    title="Links without a name",
    why="A link with no text, no alt text on its image, and no aria-label, aria-labelledby or "
    'title is announced by screen readers as just "link", and tells search engines nothing '
    "about its target. Icon links are the usual case. Links hidden from assistive technology "
    '(aria-hidden="true") and links given another role (a button, a tab) are not counted. '
    "Lighthouse's accessibility audit link-name judges the same.",
    fix='Give the link visible text, alt text on its image (<img alt="Home">), or an aria-label '
    '(<a href="/cart" aria-label="Shopping cart">).',
    since=SINCE,
)
def link_name_missing(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    if snap is None or not snap.unnamed_links:
        return
    found = snap.unnamed_links
    links, more = _listed(found)
    yield Hit(
        say(
            "{count} link(s) without a name: {links} and {more} more",
            count=len(found),
            links=links,
            more=more,
        )
        if more
        else say("{count} link(s) without a name: {links}", count=len(found), links=links),
        {"count": len(found), "links": found[:_EXAMPLES]},
    )


@page_check(
    code="link-fragment-missing",
    family="links",
    applies=is_content,
    severity=Severity.NOTICE,
    title="Links to a part of the page that does not exist",
    why='A link to "#name" on the same page scrolls to the element with id="name" (or <a '
    'name="name">). When there is none, the link does nothing: a table of contents or a "skip to '
    'content" link that goes nowhere, often after a heading was renamed. "#" and "#top" scroll '
    'to the top and are not counted, nor are script routes ("#!/…", "#/…"). Elements that scripts '
    "add after loading are not seen.",
    fix="Point the link at an id that exists on the page, or add the id to the element it means.",
    since=SINCE,
)
def link_fragment_missing(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    if snap is None or not snap.missing_fragments:
        return
    found = ["#" + f for f in snap.missing_fragments]
    links, more = _listed(found)
    yield Hit(
        say(
            "{count} link(s) to a fragment not on the page: {links} and {more} more",
            count=len(found),
            links=links,
            more=more,
        )
        if more
        else say(
            "{count} link(s) to a fragment not on the page: {links}",
            count=len(found),
            links=links,
        ),
        {"count": len(found), "fragments": found[:_EXAMPLES]},
    )


@page_check(
    code="meta-refresh",
    family="http",
    applies=is_content,
    severity=Severity.WARNING,
    title="Page redirects or reloads with a meta refresh",
    why='<meta http-equiv="refresh"> sends visitors elsewhere (or reloads the page) after a '
    "delay. Search engines may not pass the page's value to the target as they do for a 301, a "
    "delayed one counts as a temporary redirect at best, and the back button traps visitors. "
    "W3C accessibility guidelines (WCAG 2.2.1, 3.2.5) ask for no timed refresh.",
    fix="Redirect on the server with a 301 (permanent) to the target instead; to update a page's "
    "content, fetch it with a script, not a reload.",
    since=SINCE,
)
def meta_refresh(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = _snap(page)
    if snap is None or snap.meta_refresh is None:
        return
    delay, target = snap.meta_refresh
    seconds = f"{delay:g}"
    reload = target is None or normalize_url(target) == normalize_url(page.fetch.final_url)
    if reload:
        message = say("reloads itself every {seconds} s (meta refresh)", seconds=seconds)
    elif delay == 0:
        message = say("redirects to {target} at once (meta refresh)", target=target)
    else:
        message = say(
            "redirects to {target} after {seconds} s (meta refresh)",
            target=target,
            seconds=seconds,
        )
    yield Hit(message, {"delay": delay, "target": None if reload else target})
