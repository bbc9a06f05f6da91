"""What pages load and link to elsewhere, as it answered its check: broken external links and
redirecting ones, broken images, stylesheets, scripts and iframes, images too big or of the wrong
type, and internal links into what robots.txt disallows.

Each resource was checked once per scan (see `crawl.resources`); the finding is on every page
that uses it, with the count of those pages, so the fix is found where it is made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from seolog.checks.registry import Hit, site_check
from seolog.checks.sitedata import CheckedResource, ResourceUse, SiteData, resource_failed
from seolog.checks.thresholds import Thresholds
from seolog.domain import RobotsState, Severity
from seolog.wording import say

SINCE = "0.2.0"
_CHECK_NOTE = (
    " Each URL is checked once per scan (HEAD, and GET before a failure counts, since many "
    "servers answer HEAD badly); the finding is on every page that uses it."
)


def _checked(site: SiteData) -> bool:
    return site.resources_checked


def _external_checked(site: SiteData) -> bool:
    """Links to other hosts were asked (not with --no-external or --external-skip '*')."""
    return site.resources_checked and site.external_checked > 0


def _hits(
    site: SiteData,
    kinds: tuple[str, ...],
    bad: Callable[[CheckedResource], str | None],
    words: Callable[[str, str], str],
) -> Iterator[Hit]:
    """One finding per page and resource of `kinds` for which `bad` names a problem, worded by
    `words(url, problem)` ("image {url}: {problem}"), with the number of pages that use the
    resource the same way."""
    uses: list[tuple[ResourceUse, str]] = []
    for use in site.resource_uses:
        if use.kind in kinds:
            problem = bad(use.resource)
            if problem is not None:
                uses.append((use, problem))
    pages = Counter(use.resource.url for use, _ in uses)
    seen: set[tuple[str, str]] = set()
    for use, problem in uses:
        r = use.resource
        if (use.page_url, r.url) in seen:
            continue
        seen.add((use.page_url, r.url))
        n = pages[r.url]
        said = words(r.url, problem)
        yield Hit(
            say("{finding} (on {count} pages)", finding=said, count=n) if n > 1 else said,
            {
                "resource": r.url,
                "kind": use.kind,
                "status": r.status,
                "final_url": r.final_url,
                "final_status": r.final_status,
                "error_kind": r.error_kind,
                "error": r.error,
                "pages": n,
            },
            url=use.page_url,
        )


def _link_to(url: str, problem: str) -> str:
    return say("link to {url}: {problem}", url=url, problem=problem)


def _image(url: str, problem: str) -> str:
    return say("image {url}: {problem}", url=url, problem=problem)


def _stylesheet(url: str, problem: str) -> str:
    return say("stylesheet {url}: {problem}", url=url, problem=problem)


def _script(url: str, problem: str) -> str:
    return say("script {url}: {problem}", url=url, problem=problem)


def _frame(url: str, problem: str) -> str:
    return say("frame {url}: {problem}", url=url, problem=problem)


def _served(r: CheckedResource) -> bool:
    """It answered with the file itself (2xx): the type and size of a 429 or 999 refusal page
    say nothing of the file's."""
    return not r.failed and r.final_status is not None and 200 <= r.final_status < 300


def _failure(site: SiteData) -> Callable[[CheckedResource], str | None]:
    """The problem of a resource that failed; network failures of external URLs prove nothing
    when the scan found the network cut off (`resources_offline`)."""

    def bad(r: CheckedResource) -> str | None:
        if not resource_failed(r.error_kind, r.final_status, r.external, site.resources_offline):
            return None
        return r.answer()

    return bad


@site_check(
    code="external-link-broken",
    family="links",
    severity=Severity.ERROR,
    title="Links to a broken page on another site",
    why="Visitors who follow the link hit an error, and search engines read dead links as a "
    "sign of a neglected page. The details say how it failed: an HTTP status, no DNS name, a "
    "refused connection, a TLS failure or a timeout. A 429 or LinkedIn's 999 refuse robots, not "
    "people, and are not reported." + _CHECK_NOTE,
    fix="Point the link at the page's new address, or at another source, or remove it. Hosts "
    "you cannot check from here can be left out with --external-skip HOST.",
    applies=_external_checked,
    since=SINCE,
)
def external_link_broken(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    failure = _failure(site)

    def bad(r: CheckedResource) -> str | None:
        return failure(r) if r.external else None

    yield from _hits(site, ("link",), bad, _link_to)


@site_check(
    code="external-link-redirect",
    family="links",
    severity=Severity.NOTICE,
    title="Links to a page on another site that redirects",
    why="The link still works, through a redirect: a moved page, an old http:// address, a "
    "shortened URL. Each hop costs visitors time, and a redirect is often the first sign of a "
    "link about to break." + _CHECK_NOTE,
    fix="Link straight to the address the redirect ends at (in the details).",
    applies=_external_checked,
    since=SINCE,
)
def external_link_redirect(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    def bad(r: CheckedResource) -> str | None:
        if not r.external or r.failed or not r.redirects:
            return None
        return say("redirects to {url}", url=r.final_url)

    yield from _hits(site, ("link",), bad, _link_to)


def _broken(
    kind: str, words: Callable[[str, str], str]
) -> Callable[[SiteData, Thresholds], Iterator[Hit]]:  # one function per code, same shape
    def check(site: SiteData, t: Thresholds) -> Iterator[Hit]:
        yield from _hits(site, (kind,), _failure(site), words)

    return check


site_check(
    code="image-broken",
    family="images",
    severity=Severity.ERROR,
    title="Page shows an image that does not load",
    why="Visitors see a broken-image icon or an empty space, and image search has nothing to "
    "index." + _CHECK_NOTE,
    fix="Restore the image at that address, or change the page to point at where it is now.",
    applies=_checked,
    since=SINCE,
)(_broken("image", _image))


def _stylesheet_problem(site: SiteData) -> Callable[[CheckedResource], str | None]:
    failure = _failure(site)

    def bad(r: CheckedResource) -> str | None:
        said = failure(r)
        if said is not None:
            return said
        media = r.media_type
        if _served(r) and media and media != "text/css":
            return say("served as {media}; browsers apply only text/css", media=media)
        return None

    return bad


@site_check(
    code="stylesheet-broken",
    family="resources",
    severity=Severity.ERROR,
    title="Page loads a stylesheet that fails",
    why="Without its CSS the page renders unstyled: unreadable on phones, and Google renders "
    "pages as a browser does, so layout and mobile-friendliness suffer too. A stylesheet served "
    "with another type than text/css is ignored by browsers." + _CHECK_NOTE,
    fix="Restore the file at that address (and serve it as text/css), or update the <link>.",
    applies=_checked,
    since=SINCE,
)
def stylesheet_broken(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    yield from _hits(site, ("stylesheet",), _stylesheet_problem(site), _stylesheet)


site_check(
    code="script-broken",
    family="resources",
    severity=Severity.ERROR,
    title="Page loads a script that fails",
    why="Whatever the script does (menus, forms, content rendered by JavaScript) does not "
    "happen, for visitors and for Google's renderer." + _CHECK_NOTE,
    fix="Restore the file at that address, or update the <script src>.",
    applies=_checked,
    since=SINCE,
)(_broken("script", _script))

site_check(
    code="iframe-broken",
    family="resources",
    severity=Severity.WARNING,
    title="Page embeds a frame that fails",
    why="The embedded video, map or widget shows an error instead." + _CHECK_NOTE,
    fix="Update the <iframe src> to a working address, or remove the embed.",
    applies=_checked,
    since=SINCE,
)(_broken("iframe", _frame))


@site_check(
    code="image-too-large",
    family="images",
    severity=Severity.WARNING,
    title="Image file is very large",
    why="Large images are most of a slow page's weight: they cost visitors on mobile data "
    "seconds, and Core Web Vitals (Largest Contentful Paint) with them. The size is the file's "
    "(Content-Length, or the bytes sent)." + _CHECK_NOTE,
    fix="Resize the image to the size it is shown at and compress it (WebP or AVIF, or a "
    "lower JPEG quality).",
    thresholds=("max_image_kib",),
    applies=_checked,
    since=SINCE,
)
def image_too_large(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    limit = t.max_image_kib * 1024

    def bad(r: CheckedResource) -> str | None:
        if not _served(r) or r.size is None or r.size <= limit:
            return None
        return say("{size} KiB (max {max} KiB)", size=f"{r.size / 1024:,.0f}", max=t.max_image_kib)

    yield from _hits(site, ("image",), bad, _image)


@site_check(
    code="image-wrong-type",
    family="images",
    severity=Severity.WARNING,
    title="Image served with a type that is not an image",
    why="An image address that answers text/html is usually an error page answering 200 (a "
    "soft 404): the visitor sees a broken image, and image search cannot index it. Other "
    "non-image types keep images out of image search as well." + _CHECK_NOTE,
    fix="Serve the image file with its image/* Content-Type, or fix the address if it leads to "
    "a page.",
    applies=_checked,
    since=SINCE,
)
def image_wrong_type(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    def bad(r: CheckedResource) -> str | None:
        media = r.media_type
        if not _served(r) or not media or media.startswith("image/"):
            return None
        return say("served as {media}", media=media)

    yield from _hits(site, ("image",), bad, _image)


@site_check(
    code="link-to-disallowed",
    family="links",
    severity=Severity.NOTICE,
    title="Links to an internal URL robots.txt disallows",
    why="Search engines may not crawl the target, so the link passes nothing to it and the "
    "target cannot rank on its own content (it may still be indexed bare, from links). Often "
    "deliberate (a cart, a login); worth a look when the target is a page meant to rank. The "
    "target is not fetched.",
    fix="Allow the URL in robots.txt if it should rank; otherwise this is as intended (disable "
    "the check, or ignore the path in the config).",
    applies=lambda site: site.robots_state is RobotsState.PARSED,
    since=SINCE,
)
def link_to_disallowed(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    by_source: dict[str, list[str]] = {}
    for source, target in site.links_to_disallowed:
        by_source.setdefault(source, []).append(target)
    for source, targets in by_source.items():
        shown = ", ".join(targets[:3]) + (" …" if len(targets) > 3 else "")
        yield Hit(
            say(
                "{count} link(s) to URLs robots.txt disallows: {urls}",
                count=len(targets),
                urls=shown,
            ),
            {"count": len(targets), "targets": targets[:20]},
            url=source,
        )
