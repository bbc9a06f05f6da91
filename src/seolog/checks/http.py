"""Status codes, fetch failures, redirects, speed and size."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from seolog.checks.facts import NETWORK_ERRORS, answered, is_final, is_html, redirected, requested
from seolog.checks.registry import Hit, page_check
from seolog.checks.thresholds import Thresholds
from seolog.domain import CrawledPage, FetchErrorKind, OverBudget, Severity
from seolog.wording import say

SINCE = "0.2.0"  # the release after FIRST_VERSION, as in checks/resources.py

_STATUS_WHY = (
    "Search engines drop pages that answer with an error, and visitors who arrive from search or "
    "from your own links hit a dead end."
)


def _status(page: CrawledPage) -> int | None:
    return page.fetch.status_code if is_final(page) else None


def _html_or_too_large(page: CrawledPage) -> bool:
    return is_html(page) or page.fetch.error_kind is FetchErrorKind.TOO_LARGE


def _https_html(page: CrawledPage) -> bool:
    return is_html(page) and is_final(page) and page.fetch.final_url.startswith("https://")


@page_check(
    code="http-4xx",
    family="http",
    applies=answered,
    severity=Severity.ERROR,
    title="Page answers with a 4xx client error",
    why=_STATUS_WHY,
    fix="Restore the page, or redirect its URL (301) to the closest live page and update links.",
    lighthouse="http-status-code (Page has successful HTTP status code)",
)
def http_4xx(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    status = _status(page)
    if status is not None and 400 <= status < 500:
        yield Hit(say("answered HTTP {status}", status=status), {"status": status})


@page_check(
    code="http-5xx",
    family="http",
    applies=answered,
    severity=Severity.ERROR,
    title="Page answers with a 5xx server error",
    why=_STATUS_WHY + " Repeated 5xx answers also make crawlers slow down on the whole site.",
    fix="Find the server error in the application logs and fix it; check again after deploying.",
    lighthouse="http-status-code (Page has successful HTTP status code)",
)
def http_5xx(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    status = _status(page)
    if status is not None and 500 <= status <= MAX_STANDARD_STATUS:
        yield Hit(say("answered HTTP {status}", status=status), {"status": status})


# RFC 9110 §15: status codes are 100-599; anything else (LinkedIn's 999, a CMS's 0) is no
# status HTTP defines, neither an error nor a success a crawler can act on.
MIN_STANDARD_STATUS, MAX_STANDARD_STATUS = 100, 599


@page_check(
    code="http-status-nonstandard",
    family="http",
    applies=answered,
    severity=Severity.WARNING,
    title="Page answers with a status HTTP does not define",
    why="HTTP statuses run from 100 to 599. Search engines cannot tell from any other number "
    "(LinkedIn's 999 is the best known) whether the page exists, so they may drop it or retry "
    "it forever; a server answering one usually means to refuse automated visitors.",
    fix="Answer with a standard status: 200 for a page, 403 or 429 to refuse a client, 503 "
    "while the site is down.",
    since="0.2.0",
)
def http_status_nonstandard(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    status = _status(page)
    if status is not None and not MIN_STANDARD_STATUS <= status <= MAX_STANDARD_STATUS:
        yield Hit(
            say("answered HTTP {status}, which is not a standard status", status=status),
            {"status": status},
        )


# The redirects that must name their target (RFC 9110 §15.4); 300 and 304 need not.
LOCATION_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@page_check(
    code="redirect-location-missing",
    family="http",
    applies=answered,
    severity=Severity.ERROR,
    title="Redirect without a target (no Location header)",
    why="A redirect status tells browsers and crawlers to go elsewhere, and the Location header "
    "says where; without it the URL leads nowhere: browsers show an empty page and search engines "
    "drop the URL.",
    fix="Send the Location header with the target URL, or answer 200 with the page itself.",
    since="0.2.0",
)
def redirect_location_missing(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    # A redirect that named a target is a hop of its own; one left as the final answer had none.
    status = _status(page)
    if status in LOCATION_REDIRECTS:
        yield Hit(
            say("answered {status} without a Location header", status=status), {"status": status}
        )


def _failure(kind: FetchErrorKind, error: str | None) -> str:
    """fetch-failed's message, "kind: error": the error is the client's own text, the kind a
    word each, so a report can translate it."""
    match kind:
        case FetchErrorKind.DNS:
            return say("dns: {error}", error=error)
        case FetchErrorKind.CONNECT:
            return say("connect: {error}", error=error)
        case FetchErrorKind.TIMEOUT:
            return say("timeout: {error}", error=error)
        case FetchErrorKind.TLS:
            return say("tls: {error}", error=error)
        case FetchErrorKind.PROTOCOL:
            return say("protocol: {error}", error=error)
        case FetchErrorKind.INVALID_URL:
            return say("invalid_url: {error}", error=error)
    return f"{kind.value}: {error}"


@page_check(
    code="fetch-failed",
    family="http",
    applies=requested,
    severity=Severity.ERROR,
    title="Page could not be fetched",
    why="No response at all (DNS, connection, timeout, TLS): neither crawlers nor users get it.",
    fix="Check DNS, the certificate and the server for this URL; retry the scan to rule out a blip.",
)
def fetch_failed(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    f = page.fetch
    if f.error_kind in NETWORK_ERRORS:
        yield Hit(_failure(f.error_kind, f.error), {"error_kind": f.error_kind.value})


@page_check(
    code="redirect-chain",
    family="http",
    applies=redirected,
    severity=Severity.WARNING,
    title="URL needs two or more redirects",
    why="Each hop costs users a round trip and crawlers follow only a few hops before giving up.",
    fix="Redirect the first URL straight to the final one, and link to the final URL directly.",
)
def redirect_chain(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    f = page.fetch
    if f.error_kind is FetchErrorKind.TOO_MANY_REDIRECTS or (
        len(f.hops) >= 2 and f.error_kind is not FetchErrorKind.REDIRECT_LOOP
    ):
        chain = [h.url for h in f.hops] + [f.final_url]
        yield Hit(
            say("{count} redirects: {chain}", count=len(f.hops), chain=" -> ".join(chain)),
            {"chain": chain},
        )


@page_check(
    code="redirect-loop",
    family="http",
    applies=redirected,
    severity=Severity.ERROR,
    title="Redirects loop back to a URL already visited",
    why="The URL never reaches a page: browsers show an error and crawlers give up.",
    fix="Fix the redirect rules so the chain ends at a page that answers 200.",
)
def redirect_loop(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    f = page.fetch
    if f.error_kind is FetchErrorKind.REDIRECT_LOOP:
        chain = [h.url for h in f.hops] + [f.final_url]
        yield Hit(say("redirect loop: {chain}", chain=" -> ".join(chain)), {"chain": chain})


@page_check(
    code="redirect-broken",
    family="http",
    applies=redirected,
    severity=Severity.ERROR,
    title="URL redirects to an error",
    why="The redirect leads users and crawlers to a page that fails.",
    fix="Point the redirect at a live page.",
)
def redirect_broken(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    f = page.fetch
    if f.hops and f.status_code is not None and f.status_code >= 400:
        yield Hit(
            say(
                "redirects to {target}, which answers HTTP {status}",
                target=f.final_url,
                status=f.status_code,
            ),
            {"target": f.final_url, "status": f.status_code},
        )


@page_check(
    code="page-too-large",
    family="performance",
    applies=_html_or_too_large,
    severity=Severity.WARNING,
    title="HTML document is very large",
    why="Big HTML is slow to download and parse on phones; Googlebot reads only the first 15 MB.",
    fix="Move inline data, SVG and styles out of the HTML; paginate very long lists.",
    thresholds=("max_html_bytes",),
)
def page_too_large(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    f = page.fetch
    too_large = f.error_kind is FetchErrorKind.TOO_LARGE
    if too_large or (is_html(page) and f.size is not None and f.size > t.max_html_bytes):
        size = f.size or 0
        yield Hit(
            say(
                "HTML is {size} bytes (threshold {threshold})",
                size=f"{size:,}",
                threshold=f"{t.max_html_bytes:,}",
            ),
            {"bytes": size, "threshold": t.max_html_bytes},
        )


def _unparsed(page: CrawledPage) -> bool:
    return page.unparsed is not None


@page_check(
    code="page-too-complex",
    family="performance",
    applies=lambda page: is_html(page) or _unparsed(page),
    severity=Severity.ERROR,
    title="HTML is too complex to parse",
    why="The page's elements are nested more than a thousand levels deep, or its HTML took "
    "longer to parse than any page should. Browsers stop nesting at 512 levels (Chrome) and lay the rest "
    "out flat, so the page is not what its author wrote; search engines' renderers, like seolog, "
    "spend a bounded effort on a page and may give up on it. seolog did not audit its content "
    "(title, headings, links): pages linked only from it were not crawled.",
    fix="Look for a template that opens an element (often a <div>) in a loop without closing "
    "it; validate the HTML (https://validator.w3.org) and close every element you open.",
    since=SINCE,
)
def page_too_complex(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    gone = page.unparsed
    if gone is None or gone.over is OverBudget.STOPPED:
        return
    if gone.over is OverBudget.DEPTH:
        message = say(
            "elements nested more than {limit} levels deep: the HTML was not parsed",
            limit=f"{gone.limit:,.0f}",
        )
    else:
        message = say(
            "parsing the HTML took more than {seconds}s: it was left unparsed",
            seconds=f"{gone.limit:g}",
        )
    yield Hit(message, {"over": gone.over.value, "limit": gone.limit})


@page_check(
    code="hsts-missing",
    family="security",
    server_only=True,  # a response header
    applies=_https_html,
    severity=Severity.NOTICE,
    title="HTTPS page without Strict-Transport-Security",
    why="Without HSTS, a first visit over plain HTTP can be intercepted before the redirect.",
    fix="Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on HTTPS responses.",
)
def hsts_missing(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    f = page.fetch
    if (
        is_html(page)
        and is_final(page)
        and f.final_url.startswith("https://")
        and "strict-transport-security" not in f.headers
    ):
        yield Hit(say("no Strict-Transport-Security header"))


TEMPORARY_REDIRECTS = frozenset({302, 303, 307})  # RFC 9110 §15.4: 301 and 308 are permanent


def _site_host(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


@page_check(
    code="redirect-temporary",
    family="http",
    applies=redirected,
    severity=Severity.NOTICE,
    title="Internal URL redirects temporarily (302, 303 or 307)",
    why="A temporary redirect tells search engines the move may be undone: they may keep the old "
    "URL in their index and not pass its value to the target. A page that moved for good should "
    "answer 301 or 308. Only redirects within the site count (www and non-www are one site); "
    "a redirect to another site is that site's business.",
    fix="Answer with 301 (or 308) if the move is permanent, and link to the target directly; "
    "keep 302/307 for moves that really are temporary (a sale page, maintenance).",
    since="0.2.0",  # the release after FIRST_VERSION, as in checks/resources.py
)
def redirect_temporary(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    hops = page.fetch.hops
    if not hops or hops[0].status not in TEMPORARY_REDIRECTS:
        return
    first = hops[0]
    if _site_host(first.location) == _site_host(first.url):
        yield Hit(
            say(
                "answers {status} (temporary) to {target}",
                status=first.status,
                target=first.location,
            ),
            {"status": first.status, "target": first.location},
        )
