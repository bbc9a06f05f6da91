"""What a page's rel=canonical tags say, tag by tag: one clear absolute URL, or a problem a search
engine resolves by ignoring the tags. An invalid canonical is a finding; it does not make the page
non-indexable, because search engines ignore it too (see `parse.extract.canonical_of`)."""

from __future__ import annotations

from collections.abc import Iterator

from seolog.checks.facts import is_content
from seolog.checks.registry import Hit, page_check
from seolog.checks.thresholds import Thresholds
from seolog.domain import CrawledPage, Severity

_SHOWN = 3  # tags named in a message


def _tags(page: CrawledPage) -> list[tuple[str, str | None]]:
    """(href as written, the URL it resolves to or None), as the extractor read them."""
    return page.snapshot.canonical_tags if is_content(page) and page.snapshot else []


@page_check(
    code="canonical-invalid",
    family="indexability",
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
    if bad:
        shown = ", ".join(repr(tag[:120]) for tag in bad[:_SHOWN])
        yield Hit(
            f"canonical {shown} is not an http(s) URL; search engines ignore it",
            {"canonical": bad[:_SHOWN]},
        )


@page_check(
    code="canonical-relative",
    family="indexability",
    severity=Severity.NOTICE,
    title="Canonical is a relative URL",
    why="A relative canonical works only as long as the page is served from the address it was "
    "written for; copied to a staging host, a mirror or a different path, it points somewhere "
    "else. Google recommends absolute URLs.",
    fix="Write the canonical as an absolute URL with scheme and host.",
)
def canonical_relative(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    relative = [
        (href, target)
        for href, target in _tags(page)
        if target is not None and not href.lower().startswith(("http://", "https://"))
    ]
    if relative:
        href, target = relative[0]
        yield Hit(
            f"canonical {href[:120]!r} is relative (resolves to {target})",
            {"canonical": href, "resolved": target},
        )


@page_check(
    code="canonical-multiple",
    family="indexability",
    severity=Severity.WARNING,
    title="Canonical tags disagree",
    why="With several rel=canonical tags naming different URLs, search engines ignore all of them "
    "and choose a canonical themselves. Usually a plugin and the theme each add one.",
    fix="Keep one rel=canonical per page.",
    lighthouse="canonical (Document has a valid rel=canonical)",
)
def canonical_multiple(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    targets = list(dict.fromkeys(target for _href, target in _tags(page) if target))
    if len(targets) > 1:
        yield Hit(
            f"{len(targets)} canonical tags name different URLs: "
            + ", ".join(targets[:_SHOWN])
            + ("…" if len(targets) > _SHOWN else ""),
            {"canonicals": targets[:10]},
        )
