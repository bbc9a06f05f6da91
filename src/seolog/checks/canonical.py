"""What a page's rel=canonical tags say, tag by tag: one clear absolute URL, or a problem a search
engine resolves by ignoring the tags. An invalid canonical is a finding; it does not make the page
non-indexable, because search engines ignore it too (see `parse.extract.canonical_of`)."""

from __future__ import annotations

from collections.abc import Iterator

from seolog.checks.facts import content_with, is_content
from seolog.checks.registry import Hit, page_check
from seolog.checks.thresholds import Thresholds
from seolog.domain import CrawledPage, Severity
from seolog.urls import host_of
from seolog.wording import say

_SHOWN = 3  # tags named in a message


def _tags(page: CrawledPage, header: bool = False) -> list[tuple[str, str | None]]:
    """(href as written, the URL it resolves to or None), as the extractor read them: the
    <link> tags, or with `header` the canonicals of the HTTP Link header."""
    snap = page.snapshot
    if not is_content(page) or snap is None:
        return []
    return snap.canonical_header if header else snap.canonical_tags


def _targets(tags: list[tuple[str, str | None]]) -> list[str]:
    """The distinct URLs the valid tags name, in order."""
    return list(dict.fromkeys(target for _href, target in tags if target))


@page_check(
    code="canonical-invalid",
    family="indexability",
    applies=content_with(lambda s: s.canonical_tags or s.canonical_header),
    severity=Severity.WARNING,
    title="Canonical is not an http(s) URL",
    why="A canonical must name a web address. One that does not (a file: path from a build "
    "machine, javascript:, an empty href, a malformed URL) is ignored by search engines, so it "
    "says nothing, and usually means the template points at the wrong place. The page is still "
    "treated as indexable.",
    fix="Point rel=canonical at the page's public absolute URL, e.g. https://www.example.com/page.",
    lighthouse="canonical (Document has a valid rel=canonical)",
)
def canonical_invalid(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    bad = [href for href, target in _tags(page) if target is None]
    in_header = [href for href, target in _tags(page, header=True) if target is None]
    if bad or in_header:
        shown = ", ".join(repr(tag[:120]) for tag in (bad + in_header)[:_SHOWN])
        yield Hit(
            say(
                "canonical {tags} (in the HTTP Link header) is not an http(s) URL; search engines "
                "ignore it",
                tags=shown,
            )
            if in_header and not bad
            else say(
                "canonical {tags} is not an http(s) URL; search engines ignore it", tags=shown
            ),
            {"canonical": (bad + in_header)[:_SHOWN], "in_header": in_header[:_SHOWN]},
        )


@page_check(
    code="canonical-relative",
    family="indexability",
    applies=content_with(lambda s: s.canonical_tags or s.canonical_header),
    severity=Severity.NOTICE,
    title="Canonical is a relative URL",
    why="A relative canonical works only as long as the page is served from the address it was "
    "written for; copied to a staging host, a mirror or a different path, it points somewhere "
    "else. Google recommends absolute URLs.",
    fix="Write the canonical as an absolute URL with scheme and host.",
    lighthouse="canonical (Document has a valid rel=canonical)",
)
def canonical_relative(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    relative = [
        (href, target, in_header)
        for tags, in_header in ((_tags(page), False), (_tags(page, True), True))
        for href, target in tags
        if target is not None and not href.lower().startswith(("http://", "https://"))
    ]
    if relative:
        href, target, in_header = relative[0]
        shown = repr(href[:120])
        yield Hit(
            say(
                "canonical {href} in the HTTP Link header is relative (resolves to {target})",
                href=shown,
                target=target,
            )
            if in_header
            else say(
                "canonical {href} is relative (resolves to {target})", href=shown, target=target
            ),
            {"canonical": href, "resolved": target, "in_header": in_header},
        )


@page_check(
    code="canonical-multiple",
    family="indexability",
    applies=content_with(lambda s: s.canonical_tags),
    severity=Severity.WARNING,
    title="Canonical tags disagree",
    why="With several rel=canonical tags naming different URLs, search engines ignore all of them "
    "and choose a canonical themselves. Usually a plugin and the theme each add one.",
    fix="Keep one rel=canonical per page.",
    lighthouse="canonical (Document has a valid rel=canonical)",
)
def canonical_multiple(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    targets = _targets(_tags(page))
    if len(targets) > 1:
        yield Hit(
            say(
                "{count} canonical tags name different URLs: {urls}",
                count=len(targets),
                urls=", ".join(targets[:_SHOWN]) + ("…" if len(targets) > _SHOWN else ""),
            ),
            {"canonicals": targets[:10]},
        )


@page_check(
    code="canonical-header-conflict",
    family="indexability",
    server_only=True,  # the Link header is server configuration
    applies=content_with(lambda s: s.canonical_tags and s.canonical_header),
    severity=Severity.WARNING,
    title="Link header and HTML name different canonicals",
    why="A canonical can be stated in the HTTP Link header as well as in the HTML. When the two "
    "name different URLs, search engines cannot tell which is meant and ignore both. It usually "
    "means a CDN or server rule and the CMS template each set one.",
    fix="State the canonical in one place, or make both name the same URL.",
    lighthouse="canonical (Document has a valid rel=canonical)",
)
def canonical_header_conflict(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    in_html, in_header = _targets(_tags(page)), _targets(_tags(page, header=True))
    if in_html and in_header and set(in_html) != set(in_header):
        yield Hit(
            say(
                "the Link header says {header}, the HTML says {html}",
                header=", ".join(in_header[:_SHOWN]),
                html=", ".join(in_html[:_SHOWN]),
            ),
            {"header": in_header[:10], "html": in_html[:10]},
        )


@page_check(
    code="canonical-other-host",
    family="indexability",
    applies=content_with(lambda s: s.canonical),
    severity=Severity.NOTICE,
    title="Canonical points to another host",
    why="A canonical on another host hands this page's ranking to that site. That is right for "
    "syndicated copies, and a costly mistake when a template or a migration left an old, "
    "staging or partner domain in it. The page is treated as not indexable.",
    fix="If this page should rank itself, point the canonical at its own public URL.",
)
def canonical_other_host(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    snap = page.snapshot
    if not is_content(page) or snap is None or not snap.canonical:
        return
    here, there = host_of(page.fetch.final_url), host_of(snap.canonical)
    if here != there:
        yield Hit(
            say(
                "canonical {url} is on {host}, not {here}",
                url=snap.canonical,
                host=there,
                here=here,
            ),
            {"canonical": snap.canonical, "host": there},
        )
