"""The resource and external-link site checks as pure functions over SiteData.

Each code gets a page where it fires alone, and the healthy page gets none of them. How a resource
answered (`CheckedResource`) is what the crawl stored; see tests/crawl/test_resources_e2e.py for
the same codes produced by real servers.
"""

from __future__ import annotations

from typing import Any

import pytest

from seolog.checks.runner import judge_site
from seolog.checks.sitedata import CheckedResource, ResourceUse, SiteData
from seolog.checks.thresholds import Thresholds
from seolog.domain import Finding, RobotsState

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it

ROOT = "https://shop.example/"
CDN = "https://cdn.example/"
RESOURCE_CODES = frozenset(
    {
        "external-link-broken",
        "external-link-redirect",
        "image-broken",
        "image-too-large",
        "image-wrong-type",
        "stylesheet-broken",
        "script-broken",
        "iframe-broken",
        "link-to-disallowed",
    }
)


def res(url: str, **kw: Any) -> CheckedResource:
    """A resource that answered 200 directly, unless `kw` says otherwise."""
    base: dict[str, Any] = {
        "url": url,
        "external": not url.startswith(ROOT),
        "status": 200,
        "final_url": url,
        "final_status": 200,
        "content_type": "text/html; charset=utf-8",
        "size": 1000,
        "error_kind": None,
        "error": None,
    }
    return CheckedResource(**{**base, **kw})


def failed(url: str, kind: str, error: str) -> CheckedResource:
    return res(url, status=None, final_status=None, content_type=None, size=None, error_kind=kind,
               error=error)  # fmt: skip


def use(page: str, kind: str, resource: CheckedResource) -> ResourceUse:
    return ResourceUse(ROOT + page, kind, resource)


def site(*uses: ResourceUse, **kw: Any) -> SiteData:
    base: dict[str, Any] = {
        "root_url": ROOT,
        "robots_state": RobotsState.PARSED,
        "sitemaps_checked": True,
        "sitemap_urls": 0,
        "resources_checked": True,
        "external_checked": 1,
    }
    return SiteData(**{**base, **kw}, resource_uses=list(uses))


def findings(data: SiteData, t: Thresholds | None = None) -> list[Finding]:
    found, _judged = judge_site(data, t or Thresholds())
    return [f for f in found if f.code in RESOURCE_CODES]


def codes(data: SiteData, t: Thresholds | None = None) -> dict[str, set[str]]:
    """Page path → the resource codes found there."""
    out: dict[str, set[str]] = {}
    for f in findings(data, t):
        out.setdefault(f.url.removeprefix(ROOT), set()).add(f.code)
    return out


def healthy_uses(page: str = "healthy") -> list[ResourceUse]:
    return [
        use(page, "link", res(CDN + "article")),
        use(page, "image", res(CDN + "a.png", content_type="image/png", size=20_000)),
        use(page, "image", res(ROOT + "logo.svg", content_type="image/svg+xml")),
        use(page, "stylesheet", res(CDN + "a.css", content_type="text/css; charset=utf-8")),
        use(page, "script", res(CDN + "a.js", content_type="application/javascript")),
        use(page, "iframe", res("https://video.example/embed/1")),
        use(page, "media", res(CDN + "a.mp4", final_status=404)),  # no check reads media yet
    ]


def test_a_healthy_page_gets_none_of_the_codes() -> None:
    assert codes(site(*healthy_uses())) == {}


# Each: (code, how the page uses the resource, the resource).
ONE_CODE = [
    ("external-link-broken", "link", res(CDN + "gone", final_status=404)),
    ("external-link-redirect", "link", res(CDN + "old", status=301, final_url=CDN + "new")),
    ("image-broken", "image", res(CDN + "x.png", final_status=404)),
    ("image-broken", "image", res(ROOT + "x.png", final_status=410)),  # the site's own
    ("image-too-large", "image", res(CDN + "x.png", content_type="image/png", size=300 * 1024)),
    ("image-wrong-type", "image", res(CDN + "x.png", content_type="text/html")),
    ("stylesheet-broken", "stylesheet", res(CDN + "x.css", final_status=404)),
    ("stylesheet-broken", "stylesheet", res(CDN + "x.css", content_type="text/html")),
    ("script-broken", "script", res(CDN + "x.js", final_status=500)),
    ("iframe-broken", "iframe", res("https://maps.example/x", final_status=404)),
]


@pytest.mark.parametrize(("code", "kind", "resource"), ONE_CODE)
def test_each_problem_gets_exactly_its_code(
    code: str, kind: str, resource: CheckedResource
) -> None:
    data = site(*healthy_uses(), use("bad", kind, resource))
    assert codes(data) == {"bad": {code}}


def test_link_to_disallowed_names_its_targets_on_the_linking_page() -> None:
    targets = [ROOT + f"cart/{i}" for i in range(4)]
    data = site(links_to_disallowed=[(ROOT + "shop", t) for t in targets])
    (f,) = findings(data)
    assert (f.code, f.url) == ("link-to-disallowed", ROOT + "shop")
    assert f.details == {"count": 4, "targets": targets}
    assert f.message.startswith("4 link(s) to URLs robots.txt disallows: ")
    assert f.message.endswith(" …")  # three named, the rest elided
    assert codes(site()) == {}


def test_link_to_disallowed_needs_a_robots_txt_that_was_read() -> None:
    data = site(links_to_disallowed=[(ROOT, ROOT + "cart")], robots_state=RobotsState.MISSING)
    found, judged = judge_site(data, Thresholds())
    assert [f for f in found if f.code == "link-to-disallowed"] == []
    assert judged["link-to-disallowed"] is False


@pytest.mark.parametrize(
    ("resource", "words"),
    [
        (res(CDN + "a", final_status=404), "HTTP 404"),
        (res(CDN + "a", final_status=503), "HTTP 503"),
        (res(CDN + "a", status=301, final_url=CDN + "b", final_status=404), "HTTP 301 → HTTP 404"),
        (failed(CDN + "a", "dns", "the host name cdn.example does not resolve"), "dns: "),
        (failed(CDN + "a", "connect", "refused the connection"), "connect: refused"),
        (failed(CDN + "a", "timeout", "no answer in 20 s"), "timeout: "),
        (failed(CDN + "a", "tls", "certificate has expired"), "tls: certificate"),
    ],
)
def test_a_broken_link_says_how_it_failed(resource: CheckedResource, words: str) -> None:
    (f,) = findings(site(use("p", "link", resource)))
    assert f.code == "external-link-broken"
    assert words in f.message
    assert f.details["error_kind"] == resource.error_kind
    assert f.details["final_status"] == resource.final_status


@pytest.mark.parametrize("status", [429, 999])
def test_answers_that_refuse_robots_are_not_broken(status: int) -> None:
    """Nor is the refusal page's type or size taken for the file's (a CDN rate-limiting the
    checker answers its images 429 text/html)."""
    refusal = {"final_status": status, "content_type": "text/html", "size": 10**6}
    data = site(
        use("p", "link", res(CDN + "a", **refusal)),
        use("p", "image", res(CDN + "a.png", **refusal)),
        use("p", "stylesheet", res(CDN + "a.css", **refusal)),
        use("p", "script", res(CDN + "a.js", **refusal)),
    )
    assert codes(data) == {}


def test_a_url_robots_txt_kept_us_from_asking_is_not_broken() -> None:
    blocked = failed(ROOT + "private/a.png", "blocked_robots", "disallowed by robots.txt")
    assert codes(site(use("p", "image", blocked))) == {}


def test_network_failures_prove_nothing_when_the_network_was_cut_off() -> None:
    """Offline (a folder scanned on a train) or behind a firewall: no external link is broken
    for DNS, a refusal, a timeout or TLS then; the site's own failures and other hosts' error
    answers still are."""
    dns = failed(CDN + "a", "dns", "does not resolve")
    timeout = failed(CDN + "b", "timeout", "no answer within 10s")
    tls = failed(CDN + "c.js", "tls", "certificate verify failed")
    gone = res(CDN + "d", status=404, final_status=404)
    refused = failed(ROOT + "b.png", "connect", "refused")
    uses = (
        use("p", "link", dns),
        use("p", "link", timeout),
        use("p", "script", tls),
        use("p", "image", refused),
        use("q", "link", gone),
    )
    offline = site(*uses, resources_offline=True)
    assert codes(offline) == {"p": {"image-broken"}, "q": {"external-link-broken"}}
    online = site(*uses)
    assert codes(online) == {
        "p": {"external-link-broken", "image-broken", "script-broken"},
        "q": {"external-link-broken"},
    }


def test_a_redirect_to_an_error_is_broken_not_a_redirect() -> None:
    r = res(CDN + "old", status=301, final_url=CDN + "new", final_status=404)
    assert codes(site(use("p", "link", r))) == {"p": {"external-link-broken"}}


def test_a_redirecting_link_names_where_it_ends() -> None:
    r = res(CDN + "old", status=308, final_url=CDN + "new")
    (f,) = findings(site(use("p", "link", r)))
    assert f.message == f"link to {CDN}old: redirects to {CDN}new"
    assert (f.details["status"], f.details["final_url"], f.details["final_status"]) == (
        308,
        CDN + "new",
        200,
    )


def test_internal_redirecting_resources_are_not_external_link_redirects() -> None:
    r = res(ROOT + "old.png", status=301, final_url=ROOT + "new.png", content_type="image/png")
    assert codes(site(use("p", "image", r))) == {}


def test_a_broken_image_is_not_also_of_the_wrong_type_or_too_large() -> None:
    r = res(CDN + "x.png", final_status=404, content_type="text/html", size=10**7)
    assert codes(site(use("p", "image", r))) == {"p": {"image-broken"}}


def test_image_too_large_follows_the_threshold() -> None:
    r = res(CDN + "x.png", content_type="image/jpeg", size=150 * 1024)
    assert codes(site(use("p", "image", r))) == {}
    (f,) = findings(site(use("p", "image", r)), Thresholds(max_image_kib=100))
    assert f.message == f"image {CDN}x.png: 150 KiB (max 100 KiB)"
    at_limit = res(CDN + "y.png", content_type="image/png", size=100 * 1024)
    assert findings(site(use("p", "image", at_limit)), Thresholds(max_image_kib=100)) == []


@pytest.mark.parametrize(
    ("content_type", "wrong"),
    [
        ("image/webp", False),
        ("IMAGE/PNG", False),
        (None, False),  # unknown: nothing to judge
        ("", False),
        ("text/html; charset=utf-8", True),
        ("application/octet-stream", True),
    ],
)
def test_image_wrong_type(content_type: str | None, wrong: bool) -> None:
    r = res(CDN + "x.png", content_type=content_type)
    assert codes(site(use("p", "image", r))) == ({"p": {"image-wrong-type"}} if wrong else {})


@pytest.mark.parametrize(
    ("content_type", "broken"),
    [
        ("text/css", False),
        ("Text/CSS; charset=UTF-8", False),
        (None, False),
        ("text/plain", True),
        ("text/html; charset=utf-8", True),
    ],
)
def test_a_stylesheet_not_served_as_css_is_broken(content_type: str | None, broken: bool) -> None:
    r = res(CDN + "x.css", content_type=content_type)
    found = findings(site(use("p", "stylesheet", r)))
    assert [f.code for f in found] == (["stylesheet-broken"] if broken else [])
    if broken:
        assert "browsers apply only text/css" in found[0].message


def test_a_resource_is_reported_on_every_page_using_it_with_the_count() -> None:
    gone = res(CDN + "gone.png", final_status=404)
    data = site(
        use("a", "image", gone),
        use("b", "image", gone),
        use("c", "image", gone),
    )
    found = findings(data)
    assert sorted(f.url.removeprefix(ROOT) for f in found) == ["a", "b", "c"]
    assert {f.details["pages"] for f in found} == {3}
    assert all(f.message == f"image {CDN}gone.png: HTTP 404 (on 3 pages)" for f in found)
    (alone,) = findings(site(use("a", "image", gone)))
    assert alone.details["pages"] == 1 and "pages)" not in alone.message


def test_each_kind_reports_under_its_own_code() -> None:
    """One URL used two ways: each use is judged as what it is."""
    gone = res(CDN + "thing", final_status=404)
    data = site(use("p", "link", gone), use("q", "script", gone), use("r", "iframe", gone))
    assert codes(data) == {
        "p": {"external-link-broken"},
        "q": {"script-broken"},
        "r": {"iframe-broken"},
    }


def test_severities() -> None:
    data = site(
        use("a", "link", res(CDN + "a", final_status=404)),
        use("b", "link", res(CDN + "b", status=301, final_url=CDN + "c")),
        use("c", "image", res(CDN + "c.png", final_status=404)),
        use("d", "image", res(CDN + "d.png", content_type="image/png", size=10**6)),
        use("e", "image", res(CDN + "e.png", content_type="text/html")),
        use("f", "stylesheet", res(CDN + "f.css", final_status=404)),
        use("g", "script", res(CDN + "g.js", final_status=404)),
        use("h", "iframe", res(CDN + "h", final_status=404)),
        links_to_disallowed=[(ROOT + "i", ROOT + "cart")],
    )
    assert {f.code: f.severity.value for f in findings(data)} == {
        "external-link-broken": "error",
        "external-link-redirect": "notice",
        "image-broken": "error",
        "image-too-large": "warning",
        "image-wrong-type": "warning",
        "stylesheet-broken": "error",
        "script-broken": "error",
        "iframe-broken": "warning",
        "link-to-disallowed": "notice",
    }


def test_a_scan_that_did_not_check_resources_judges_nothing() -> None:
    """--no-external, or a scan stored before resources were checked: not applicable, not a
    pass."""
    data = site(use("p", "image", res(CDN + "x.png", final_status=404)), resources_checked=False)
    found, judged = judge_site(data, Thresholds())
    assert [f for f in found if f.code in RESOURCE_CODES] == []
    for code in RESOURCE_CODES - {"link-to-disallowed"}:
        assert judged[code] is False, code


def test_external_link_checks_judge_nothing_when_no_other_host_was_asked():
    """--external-skip '*': the site's own resources were checked, links elsewhere were not,
    so the external-link checks are not applicable, not passed."""
    _found, judged = judge_site(site(external_checked=0), Thresholds())
    assert judged["external-link-broken"] is False and judged["external-link-redirect"] is False
    assert judged["image-broken"] is True
