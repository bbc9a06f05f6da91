"""Links and images on a page: link text, link count, click depth, alt text, mixed content."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from seolog.checks.facts import content_with, is_content, is_index
from seolog.checks.registry import Hit, page_check
from seolog.checks.thresholds import Thresholds
from seolog.domain import CrawledPage, PageSnapshot, ResourceKind, Severity
from seolog.wording import say

# Lighthouse's list for English, plus the variants consultants keep finding.
GENERIC_LINK_TEXT = frozenset(
    {
        "click here",
        "click this",
        "click",
        "go",
        "here",
        "information",
        "info",
        "learn more",
        "link",
        "more",
        "more info",
        "more information",
        "read more",
        "right here",
        "see more",
        "start",
        "this",
        "this page",
        "this link",
        "continue",
        "continue reading",
        "details",
        "view more",
    }
)
_EXAMPLES = 10  # links listed in a finding's details; the count says how many there are


def _reached_by_links(page: CrawledPage) -> bool:
    """A content page with a click depth (a page reached only through the sitemap has none)."""
    return is_content(page) and page.depth is not None


def _loads(snap: PageSnapshot) -> bool:
    """Does the page load anything a browser could block as mixed content?"""
    return any(r.kind is not ResourceKind.LINK for r in snap.resources)


_loading = content_with(_loads)


def _secure_and_loads(page: CrawledPage) -> bool:
    return _loading(page) and page.fetch.final_url.startswith("https://")


@page_check(
    code="link-text-generic",
    family="links",
    applies=content_with(lambda s: s.links and not is_index(s)),
    severity=Severity.NOTICE,
    title="Links with generic text",
    why="Link text tells search engines and screen-reader users what the target is about; "
    '"click here" tells them nothing. Text that is code (a link inside <pre>, <code>, <kbd> or '
    "<samp>, or made only of one, as API docs link `continue`) is a name, not generic text, and "
    "is not counted; nor are the links of an index or a table of contents (see content-thin), "
    'whose link texts are the terms listed ("continue" in an index of keywords).',
    fix='Use the target\'s topic as the link text, e.g. "garden spade sizes" instead of "here".',
    lighthouse="link-text (Links have descriptive text)",
)
def link_text_generic(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if not is_content(page) or page.snapshot is None or is_index(page.snapshot):
        return
    generic = [
        {"url": link.url, "text": link.text}
        for link in page.snapshot.links
        if not link.code and link.text.lower().strip(" .!?:»>→") in GENERIC_LINK_TEXT
    ]
    if generic:
        texts = sorted({g["text"] for g in generic})
        yield Hit(
            say(
                "{count} link(s) with generic text: {texts}",
                count=len(generic),
                texts=", ".join(repr(x) for x in texts[:5]),
            ),
            {"count": len(generic), "links": generic[:_EXAMPLES]},
        )


@page_check(
    code="links-too-many",
    family="links",
    applies=is_content,
    severity=Severity.NOTICE,
    title="Very many links on one page",
    why="Each link passes a smaller share of the page's value, and crawlers may skip some.",
    fix="Trim navigation and footer links; split long lists into paginated or category pages.",
    thresholds=("max_links_per_page",),
)
def links_too_many(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if is_content(page) and page.snapshot is not None:
        count = len(page.snapshot.links)
        if count > t.max_links_per_page:
            yield Hit(
                say("{count} links (max {max})", count=count, max=t.max_links_per_page),
                {"links": count, "max": t.max_links_per_page},
            )


@page_check(
    code="page-deep",
    family="links",
    applies=_reached_by_links,
    severity=Severity.NOTICE,
    title="Page is many clicks from the start page",
    why="Pages deep in the link structure are crawled less often and seen as less important.",
    fix="Link to it from a hub or category page closer to the home page.",
    thresholds=("max_click_depth",),
)
def page_deep(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if is_content(page) and page.depth is not None and page.depth > t.max_click_depth:
        yield Hit(
            say(
                "{depth} clicks from the start URL (max {max})",
                depth=page.depth,
                max=t.max_click_depth,
            ),
            {"depth": page.depth, "max": t.max_click_depth},
        )


@page_check(
    code="image-alt-missing",
    family="images",
    applies=content_with(lambda s: s.images),
    severity=Severity.WARNING,
    title="Images without an alt attribute",
    why="Alt text is what search engines and screen readers know of an image; image search "
    'depends on it. Decorative images should carry an empty alt="".',
    fix='Add alt text describing each image, or alt="" where the image is decoration.',
    lighthouse="image-alt (Image elements have [alt] attributes)",
)
def image_alt_missing(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if not is_content(page) or page.snapshot is None:
        return
    missing = [img.src for img in page.snapshot.images if img.alt is None]
    if missing:
        yield Hit(
            say(
                "{count} image(s) without alt: {images}",
                count=len(missing),
                images=", ".join(missing[:3]),
            ),
            {"count": len(missing), "images": missing[:_EXAMPLES]},
        )


@page_check(
    code="mixed-content",
    family="security",
    applies=_secure_and_loads,
    severity=Severity.WARNING,
    title="HTTPS page loads resources over HTTP",
    why="Browsers block insecure scripts, stylesheets and iframes on a secure page"
    " (so parts of it break) and show the page as not fully secure for images and media; "
    "anyone on the network can read or change what travels over plain HTTP. Every resource the "
    "HTML loads counts (images, srcset and <picture> sources, stylesheets, scripts, iframes, "
    "video, audio, embeds and objects); plain links to http:// pages do not, and a form that "
    "submits to an http:// URL is form-insecure's finding.",
    fix="Load every resource over HTTPS: https:// URLs, or root-relative ones such as "
    "/img/logo.png.",
)
def mixed_content(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if not is_content(page) or page.snapshot is None:
        return
    if not page.fetch.final_url.startswith("https://"):
        return
    snap = page.snapshot
    insecure = [
        r for r in snap.resources if r.kind is not ResourceKind.LINK and r.url.startswith("http://")
    ]
    if insecure:
        count = len(insecure)
        kinds = Counter(r.kind.value for r in insecure)
        # "3 image, 1 script" stays as it is: a template "{count} image" would take "3 image, 1"
        # of a list for its count
        what = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
        yield Hit(
            say(
                "{count} resource(s) over plain HTTP ({what}): {urls}",
                count=count,
                what=what,
                urls=", ".join(r.url for r in insecure[:3]),
            ),
            {
                "count": count,
                # Before 0.2.0 the check looked at images only; the key stays for readers of it.
                "images": [r.url for r in insecure if r.kind is ResourceKind.IMAGE][:_EXAMPLES],
                "resources": [{"url": r.url, "kind": r.kind.value} for r in insecure][:_EXAMPLES],
            },
        )


@page_check(
    code="form-insecure",
    family="security",
    applies=content_with(lambda s: s.forms),
    severity=Severity.WARNING,
    title="Form sends data over plain HTTP",
    why="Browsers warn on password fields served over HTTP and on HTTPS pages that submit to "
    "HTTP; users abandon the form, and the data can be read in transit.",
    fix="Serve the page over HTTPS and point the form's action at an HTTPS URL.",
)
def form_insecure(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if not is_content(page) or page.snapshot is None:
        return
    secure_page = page.fetch.final_url.startswith("https://")
    for form in page.snapshot.forms:
        posts_insecurely = form.action.startswith("http://")
        if secure_page and posts_insecurely:
            yield Hit(say("form submits to {action}", action=form.action), {"action": form.action})
            return
        if not secure_page and form.has_password:
            yield Hit(say("password field on a page served over HTTP"), {"action": form.action})
            return
