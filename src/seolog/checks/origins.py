"""One site, one origin: the start URL's http/https and www/non-www variants must redirect to it."""

from __future__ import annotations

from collections.abc import Iterator

from seolog.checks.registry import Hit, site_check
from seolog.checks.sitedata import SiteData
from seolog.checks.thresholds import Thresholds
from seolog.domain import OriginVariant, Severity
from seolog.urls import normalize_url, origin_of
from seolog.wording import say

SINCE = "0.2.0"  # the release after FIRST_VERSION, as in checks/resources.py


def _origin(url: str) -> str:
    return origin_of(normalize_url(url) or url)


def _answers(variant: OriginVariant) -> bool:
    """It served something: a visitor (or a crawler) sees a page there. No answer, or an
    error status (a 404 on www), is no copy of the site."""
    return variant.final_status is not None and variant.final_status < 400


def _has_variants(site: SiteData) -> bool:
    return bool(site.origin_variants)


@site_check(
    code="origin-variant-not-redirected",
    family="http",
    applies=_has_variants,
    server_only=True,  # a folder scan has no origin of its own to probe
    severity=Severity.WARNING,
    since=SINCE,
    title="Another origin of the site answers instead of redirecting to it",
    why="The same site on http:// and https://, or with and without www., is a copy of every "
    "page: search engines split links and rankings between the copies and may show the wrong "
    "one (the http:// copy, unencrypted), and visitors share and bookmark several addresses. "
    "seolog asks each variant of the scanned origin (the other scheme, the host with or "
    "without www.) once, at its root, after the crawl.",
    fix="Redirect every variant permanently (301 or 308), path included, to the one origin the "
    "site uses: for example http://example.com/* and https://www.example.com/* to "
    "https://example.com/*. It is one rule in the web server, CDN or hosting panel; then send "
    "Strict-Transport-Security so browsers go to https:// by themselves.",
)
def origin_variant_not_redirected(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    canonical = _origin(site.canonical_origin or site.root_url)
    for variant in site.origin_variants:
        if not _answers(variant) or _origin(variant.final_url) == canonical:
            continue
        if _origin(variant.final_url) != _origin(variant.url):
            said = say(
                "{url} redirects to {final} ({status}) instead of to {canonical}/",
                url=variant.url,
                final=variant.final_url,
                status=variant.final_status,
                canonical=canonical,
            )
        elif variant.final_url == variant.url:
            said = say(
                "{url} answers {status} itself instead of redirecting to {canonical}/",
                url=variant.url,
                status=variant.final_status,
                canonical=canonical,
            )
        else:
            said = say(
                "{url} answers {status} itself (at {final}) instead of redirecting to {canonical}/",
                url=variant.url,
                status=variant.final_status,
                final=variant.final_url,
                canonical=canonical,
            )
        yield Hit(
            said,
            {
                "variant": variant.url,
                "status": variant.status,
                "final_url": variant.final_url,
                "final_status": variant.final_status,
                "canonical_origin": canonical,
            },
            url=variant.url,
        )
