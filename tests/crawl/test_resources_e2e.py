"""External links and page resources, checked end to end against real servers on 127.0.0.1.

Each `HostServer` plays another host (its own port); a bound port with no listener refuses
connections, `nosuch.invalid` never resolves (RFC 6761), and https:// to a plain HTTP port fails
TLS. The servers record every request, so the tests see from the other side what a scan asks,
how often, how many at once, and with which headers.

One scan of a site with a page per problem (`audit`, module-scoped) backs most assertions; the
options that change the whole scan (--timeout, --no-external, --external-skip, --max-external,
credentials, an interrupted scan) get scans of their own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from seolog.errors import ExitCode
from tests.conftest import interruptible
from tests.resource_servers import PNG, HostServer, Request, Response, html, refused_port

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
SCAN = ("scan", "--no-sitemaps", "--format", "json")

pytestmark = pytest.mark.external  # other hosts are checked (other ports of 127.0.0.1)


def _ok_host() -> HostServer:
    """A healthy other host: a page, an image, a stylesheet, a script and a frame that work."""
    ext = HostServer().start()
    ext.page("/ok", "Elsewhere")
    ext.page("/frame", "A frame")
    ext.routes["/img.png"] = Response(body=PNG, content_type="image/png")
    ext.routes["/style.css"] = Response(body="body{color:#111}", content_type="text/css")
    ext.routes["/app.js"] = Response(body="void 0;", content_type="text/javascript")
    return ext


def _healthy_body(ext: HostServer) -> str:
    return (
        f'<a href="{ext.url("/ok")}">a working link</a>'
        f'<img src="{ext.url("/img.png")}" alt="a working image">'
        '<img src="/logo.png" alt="our own image">'
        f'<iframe src="{ext.url("/frame")}" title="a working frame"></iframe>'
    )


def _healthy_head(ext: HostServer) -> str:
    return (
        f'<link rel="stylesheet" href="{ext.url("/style.css")}">'
        f'<script src="{ext.url("/app.js")}"></script>'
    )


def _site_pages(site: HostServer, pages: dict[str, str], head: dict[str, str] | None = None):
    """The home page links to every page; each page gets its body (and head)."""
    site.page("/", "Home", "".join(f'<a href="{p}">{p}</a>' for p in pages))
    for path, body in pages.items():
        site.page(path, path, body, head=(head or {}).get(path, ""))
    site.routes["/logo.png"] = Response(body=PNG, content_type="image/png")


def _resource_codes(doc: dict[str, Any], origin: str) -> dict[str, set[str]]:
    """Page path → the resource codes found on it."""
    found: dict[str, set[str]] = {}
    for issue in doc["issues"]:
        if issue["code"] in RESOURCE_CODES:
            found.setdefault(issue["url"].removeprefix(origin), set()).add(issue["code"])
    return found


def _issues(doc: dict[str, Any], code: str, page: str | None = None) -> list[dict[str, Any]]:
    return [
        i for i in doc["issues"] if i["code"] == code and (page is None or i["url"].endswith(page))
    ]


def _json(run: Any) -> dict[str, Any]:
    assert run.exit_code == 0, run.stderr
    assert "Traceback" not in run.stderr
    return json.loads(run.stdout)


# --- one scan, a page per problem ------------------------------------------------------------


@dataclass
class Audit:
    doc: dict[str, Any]
    site: HostServer
    ext: HostServer
    refusals: HostServer
    paused: HostServer
    polite: HostServer
    plain: HostServer
    codes: dict[str, set[str]]


def _once_then(first: Response, then: Response) -> Any:
    """A route answering `first` to its first request and `then` to every later one."""
    asked: list[Request] = []
    lock = threading.Lock()

    def route(req: Request) -> Response:
        with lock:
            asked.append(req)
            return first if len(asked) == 1 else then

    return route


def _by_method(**answers: Response) -> Any:
    return lambda req: answers[req.method.lower()]


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Audit]:
    site, ext, refusals, paused, polite, plain = (HostServer().start() for _ in range(6))
    polite.hold = 0.2  # each request held a moment: requests sent together overlap there
    site.routes["/robots.txt"] = Response(
        body="User-agent: *\nDisallow: /private\n", content_type="text/plain"
    )
    for path, resp in {
        "/ok": Response(body=html("Elsewhere")),
        "/frame": Response(body=html("A frame")),
        "/img.png": Response(body=PNG, content_type="image/png"),
        "/style.css": Response(body="body{color:#111}", content_type="text/css"),
        "/app.js": Response(body="void 0;", content_type="text/javascript"),
        "/gone": Response(404, html("Not found")),
        "/error": Response(503, html("Down"), headers={"Retry-After": "3600"}),
        "/moved": Response(301, headers={"Location": "/ok"}),
        "/big.png": Response(body=PNG + bytes(300 * 1024), content_type="image/png"),
        "/not-image.png": Response(body=html("Soft 404")),
        "/style-html.css": Response(body=html("Not a stylesheet")),
        "/head405": _by_method(head=Response(405), get=Response(body=html("Fine"))),
        "/head404": _by_method(head=Response(404), get=Response(body=html("Fine"))),
        "/shared-broken.png": Response(404, html("Not found")),
    }.items():
        ext.routes[path] = resp
    refusals.routes["/linkedin"] = Response(999, html("Request denied"))
    refusals.routes["/busy"] = Response(429, "slow down", headers={"Retry-After": "3600"})
    refusals.routes["/busy-no-hint"] = Response(429, "slow down")
    refusals.routes["/busy.png"] = Response(429, html("Slow down"), headers={"Retry-After": "3600"})
    paused.routes["/a"] = _once_then(
        Response(429, "slow down", headers={"Retry-After": "1"}), Response(body=html("A"))
    )
    for name in "bcde":
        paused.page(f"/{name}")
    for i in range(8):
        polite.page(f"/p{i}")
    plain.page("/")

    def link(url: str) -> str:
        return f'<a href="{url}">{url}</a>'

    with refused_port() as port:
        pages = {
            "/healthy": _healthy_body(ext),
            "/external-link-broken": link(ext.url("/gone")),
            "/external-link-5xx": link(ext.url("/error")),
            "/external-link-refused": link(f"http://127.0.0.1:{port}/x"),
            "/external-link-dns": link("http://nosuch.invalid/page"),
            "/external-link-tls": link(f"https://127.0.0.1:{plain.port}/"),
            "/external-link-redirect": link(ext.url("/moved")),
            "/image-broken": f'<img src="{ext.url("/missing.png")}" alt="x">',
            "/image-broken-own": '<img src="/no-such.png" alt="x">',
            "/image-too-large": f'<img src="{ext.url("/big.png")}" alt="x">',
            "/image-wrong-type": f'<img src="{ext.url("/not-image.png")}" alt="x">',
            "/stylesheet-broken": "",
            "/stylesheet-html": "",
            "/script-broken": f'<script src="{ext.url("/missing.js")}"></script>',
            "/iframe-broken": f'<iframe src="{ext.url("/missing-frame")}" title="x"></iframe>',
            "/link-to-disallowed": '<a href="/private/cart">cart</a>',
            "/head-quirks": link(ext.url("/head405")) + link(ext.url("/head404")),
            "/refusals": "".join(
                link(refusals.url(p)) for p in ("/linkedin", "/busy", "/busy-no-hint")
            )
            + f'<img src="{refusals.url("/busy.png")}" alt="rate-limited">',
            "/paused": "".join(link(paused.url(f"/{n}")) for n in "abcde"),
            "/polite": "".join(link(polite.url(f"/p{i}")) for i in range(8)),
            **{
                f"/shared-{i}": f'<img src="{ext.url("/shared-broken.png")}" alt="x">'
                for i in range(3)
            },
        }
        heads = {
            "/healthy": _healthy_head(ext),
            "/stylesheet-broken": f'<link rel="stylesheet" href="{ext.url("/missing.css")}">',
            "/stylesheet-html": f'<link rel="stylesheet" href="{ext.url("/style-html.css")}">',
        }
        _site_pages(site, pages, heads)
        home = tmp_path_factory.mktemp("audit")
        env: dict[str, str | None] = {
            k: None for k in os.environ if k.startswith(("SEOLOG_", "CI", "NO_COLOR"))
        }
        env |= {"SEOLOG_HOME": str(home), "SEOLOG_DATABASE_URL": f"sqlite:///{home}/db.sqlite"}
        from seolog.cli.app import app

        run = CliRunner().invoke(app, [*SCAN, site.url()], env=env, catch_exceptions=False)
    assert run.exit_code == 0, run.stderr
    doc = json.loads(run.stdout)
    yield Audit(
        doc,
        site,
        ext,
        refusals,
        paused,
        polite,
        plain,
        _resource_codes(doc, site.origin),
    )
    for s in (site, ext, refusals, paused, polite, plain):
        s.stop()


AUDIT = pytest.mark.store_agnostic  # one SQLite scan for the module; the PostgreSQL run skips it

ONE_CODE = {
    "/external-link-broken": "external-link-broken",
    "/external-link-5xx": "external-link-broken",
    "/external-link-refused": "external-link-broken",
    "/external-link-dns": "external-link-broken",
    "/external-link-tls": "external-link-broken",
    "/external-link-redirect": "external-link-redirect",
    "/image-broken": "image-broken",
    "/image-broken-own": "image-broken",
    "/image-too-large": "image-too-large",
    "/image-wrong-type": "image-wrong-type",
    "/stylesheet-broken": "stylesheet-broken",
    "/stylesheet-html": "stylesheet-broken",
    "/script-broken": "script-broken",
    "/iframe-broken": "iframe-broken",
    "/link-to-disallowed": "link-to-disallowed",
}


@AUDIT
@pytest.mark.parametrize("page", sorted(ONE_CODE))
def test_each_problem_page_gets_exactly_its_code(audit: Audit, page: str) -> None:
    assert audit.codes.get(page) == {ONE_CODE[page]}


@AUDIT
@pytest.mark.parametrize(
    "page", ["/", "/healthy", "/head-quirks", "/refusals", "/paused", "/polite"]
)
def test_healthy_pages_get_none_of_the_resource_codes(audit: Audit, page: str) -> None:
    assert audit.codes.get(page, set()) == set()


@AUDIT
def test_the_healthy_page_resources_were_really_checked(audit: Audit) -> None:
    """No finding because they answered well, not because nobody asked."""
    assert {"/ok", "/img.png", "/style.css", "/app.js", "/frame"} <= set(audit.ext.seen())
    assert "/logo.png" in audit.site.seen("HEAD")  # the site's own image, through the crawl
    checked = {r["url"]: r for r in audit.doc["resources"]}
    assert checked[audit.ext.url("/img.png")]["content_type"] == "image/png"
    assert checked[audit.ext.url("/ok")]["final_status"] == 200


@AUDIT
@pytest.mark.parametrize(
    ("page", "error_kind", "status", "words"),
    [
        ("/external-link-broken", None, 404, "HTTP 404"),
        ("/external-link-5xx", None, 503, "HTTP 503"),
        ("/external-link-refused", "connect", None, "refused"),
        ("/external-link-dns", "dns", None, "nosuch.invalid"),
        ("/external-link-tls", "tls", None, "HTTPS"),
    ],
)
def test_how_a_broken_link_failed_is_in_the_details(
    audit: Audit, page: str, error_kind: str | None, status: int | None, words: str
) -> None:
    (issue,) = _issues(audit.doc, "external-link-broken", page)
    d = issue["details"]
    assert (d["error_kind"], d["final_status"], d["kind"], d["pages"]) == (
        error_kind,
        status,
        "link",
        1,
    )
    assert words in issue["message"]
    assert issue["severity"] == "error"


@AUDIT
def test_a_redirecting_external_link_names_where_it_ends(audit: Audit) -> None:
    (issue,) = _issues(audit.doc, "external-link-redirect")
    assert issue["severity"] == "notice"
    d = issue["details"]
    assert (d["resource"], d["status"]) == (audit.ext.url("/moved"), 301)
    assert (d["final_url"], d["final_status"]) == (audit.ext.url("/ok"), 200)
    assert audit.ext.url("/ok") in issue["message"]


@AUDIT
def test_resource_problems_say_what_is_wrong(audit: Audit) -> None:
    (big,) = _issues(audit.doc, "image-too-large")
    assert "300 KiB (max 200 KiB)" in big["message"]
    (soft,) = _issues(audit.doc, "image-wrong-type")
    assert "served as text/html" in soft["message"]
    (css,) = _issues(audit.doc, "stylesheet-broken", "/stylesheet-html")
    assert "served as text/html" in css["message"]
    (missing,) = _issues(audit.doc, "stylesheet-broken", "/stylesheet-broken")
    assert missing["details"]["final_status"] == 404
    (own,) = _issues(audit.doc, "image-broken", "/image-broken-own")
    assert own["details"]["resource"] == audit.site.url("/no-such.png")
    (disallowed,) = _issues(audit.doc, "link-to-disallowed")
    assert disallowed["details"]["targets"] == [audit.site.url("/private/cart")]
    assert "/private/cart" not in audit.site.seen()  # reported, never fetched


@AUDIT
def test_head_refused_but_get_works_is_no_finding(audit: Audit) -> None:
    requests = [(r.method, r.path) for r in audit.ext.requests if r.path.startswith("/head4")]
    assert sorted(requests) == [
        ("GET", "/head404"),
        ("GET", "/head405"),
        ("HEAD", "/head404"),
        ("HEAD", "/head405"),
    ]


@AUDIT
def test_hosts_refusing_robots_are_not_reported_broken(audit: Audit) -> None:
    """999 (LinkedIn) and 429 forever refuse automated checks, not visitors."""
    assert "/linkedin" in audit.refusals.seen()
    checked = {r["url"]: r for r in audit.doc["resources"]}
    assert checked[audit.refusals.url("/linkedin")]["final_status"] == 999
    for path in ("/busy", "/busy-no-hint", "/busy.png"):
        assert checked[audit.refusals.url(path)]["final_status"] == 429, path
    # A Retry-After past what seolog waits for is not waited for, nor asked again.
    assert audit.refusals.seen().count("/busy") <= 1


def test_a_host_still_refusing_after_its_retries_is_not_asked_again(cli) -> None:
    """Hours of 429s otherwise: the host's other URLs get its refusal without a request (and,
    a refusal of robots, it is no broken link)."""
    site, busy = HostServer().start(), HostServer().start()
    for i in range(3):
        busy.routes[f"/p{i}"] = Response(429, "slow down", headers={"Retry-After": "3600"})
    try:
        _site_pages(
            site, {"/page": "".join(f'<a href="{busy.url(f"/p{i}")}">p</a>' for i in range(3))}
        )
        doc = _json(cli(*SCAN, site.url(), "--external-per-host", "1"))
    finally:
        site.stop()
        busy.stop()
    assert len(busy.seen()) == 1  # the first URL only
    checked = {r["url"]: r for r in doc["resources"]}
    assert [checked[busy.url(f"/p{i}")]["final_status"] for i in range(3)] == [429, 429, 429]
    assert not [i for i in doc["issues"] if i["code"] == "external-link-broken"]
    notes = " ".join(doc["summary"]["crawl"]["notes"])
    assert "3 link(s) and resource(s) could not be judged" in notes  # not silently "checked"


def test_a_link_to_an_impossible_address_is_a_broken_link_not_a_crash(cli) -> None:
    site = HostServer().start()
    try:
        _site_pages(site, {"/page": '<a href="http://256.1.1.1/">nowhere</a>'})
        doc = _json(cli(*SCAN, site.url()))
    finally:
        site.stop()
    assert doc["scan"]["status"] == "completed"
    broken = [i for i in doc["issues"] if i["code"] == "external-link-broken"]
    assert [i["details"]["resource"] for i in broken] == ["http://256.1.1.1/"]


@AUDIT
def test_a_429_pauses_the_whole_host_for_its_retry_after(audit: Audit) -> None:
    reqs = sorted(audit.paused.requests, key=lambda r: r.at)
    assert [r.path for r in reqs].count("/a") == 2  # the 429, then the retry that worked
    t429 = next(r.at for r in reqs if r.path == "/a")
    retry = [r for r in reqs if r.path == "/a"][1]
    assert retry.at - t429 >= 0.95  # Retry-After: 1
    # During the pause nothing new is sent to the host: the only request that may arrive then
    # is one already on its way when the 429 came back (2 at once to a host by default).
    during = [r for r in reqs if t429 < r.at < t429 + 0.95]
    assert len(during) <= 1, [(r.path, r.at - t429) for r in during]
    assert {"/b", "/c", "/d", "/e"} <= set(audit.paused.seen())


@AUDIT
def test_never_more_than_two_requests_at_once_to_one_host(audit: Audit) -> None:
    assert len(audit.polite.requests) == 8
    assert audit.polite.max_in_flight <= 2
    assert audit.ext.max_in_flight <= 2


@AUDIT
def test_a_resource_used_by_many_pages_is_checked_once_and_reported_on_each(
    audit: Audit,
) -> None:
    assert audit.ext.seen().count("/shared-broken.png") == 2  # HEAD, then GET to confirm
    issues = _issues(audit.doc, "image-broken")
    shared = [i for i in issues if i["details"]["resource"].endswith("/shared-broken.png")]
    assert sorted(i["url"].removeprefix(audit.site.origin) for i in shared) == [
        "/shared-0",
        "/shared-1",
        "/shared-2",
    ]
    assert {i["details"]["pages"] for i in shared} == {3}
    assert all("(on 3 pages)" in i["message"] for i in shared)
    # Every URL was asked about once per method, whatever the number of pages using it (/ok
    # also ends /moved's redirect, which is followed).
    for server in (audit.ext, audit.polite):
        asked = Counter((r.method, r.path) for r in server.requests)
        assert {k: n for k, n in asked.items() if n > 1} == (
            {("HEAD", "/ok"): 2} if server is audit.ext else {}
        )


@AUDIT
def test_json_lists_findings_details_and_checked_resources(audit: Audit) -> None:
    doc = audit.doc
    (issue,) = _issues(doc, "script-broken")
    assert issue["details"] == {
        "resource": audit.ext.url("/missing.js"),
        "kind": "script",
        "status": 404,
        "final_url": audit.ext.url("/missing.js"),
        "final_status": 404,
        "error_kind": None,
        "error": None,
        "pages": 1,
    }
    checked = {r["url"]: r for r in doc["resources"]}
    js = checked[audit.ext.url("/missing.js")]
    assert (js["kinds"], js["external"], js["method"], js["pages"]) == (["script"], True, "GET", 1)
    assert checked[audit.site.url("/no-such.png")]["external"] is False
    assert doc["summary"]["by_code"]["image-broken"] == len(_issues(doc, "image-broken"))
    crawl = doc["summary"]["crawl"]
    assert crawl["resources_checked"] == len(doc["resources"])


# --- options that change the whole scan ------------------------------------------------------


def test_a_host_that_times_out_three_times_fails_its_other_urls_unasked(cli) -> None:
    site, ext, slow = HostServer().start(), _ok_host(), HostServer().start()
    try:
        for i in range(6):
            slow.routes[f"/t{i}"] = Response(body=html("late"), delay=3)
        body = f'<a href="{ext.url("/ok")}">ok</a>' + "".join(
            f'<a href="{slow.url(f"/t{i}")}">t{i}</a>' for i in range(6)
        )
        _site_pages(site, {"/links": body})
        r = cli(*SCAN, site.url(), "--timeout", "1", "--external-per-host", "1")
        doc = _json(r)
    finally:
        for s in (site, ext, slow):
            s.stop()
    assert len(slow.requests) == 3  # three timeouts in a row, then no more requests
    broken = _issues(doc, "external-link-broken", "/links")
    assert len(broken) == 6
    assert {i["details"]["error_kind"] for i in broken} == {"timeout"}
    unasked = [i for i in broken if "not requested" in (i["details"]["error"] or "")]
    assert len(unasked) == 3
    assert _issues(doc, "external-link-broken", "/") == []


def test_no_external_sends_nothing_and_reports_nothing(cli) -> None:
    site, ext = HostServer().start(), _ok_host()
    try:
        body = _healthy_body(ext) + f'<a href="{ext.url("/gone")}">gone</a>'
        _site_pages(site, {"/page": body}, {"/page": _healthy_head(ext)})
        doc = _json(cli(*SCAN, site.url(), "--no-external"))
    finally:
        site.stop()
        ext.stop()
    assert ext.requests == []
    assert "/logo.png" not in site.seen() and site.seen("HEAD") == []
    assert _resource_codes(doc, site.origin) == {}
    assert doc["resources"] == []


def test_external_skip_sends_nothing_to_that_host_or_its_subdomains(cli) -> None:
    site, ext, skipped = HostServer().start(), _ok_host(), HostServer().start()
    try:
        skipped.page("/x")
        body = (
            f'<a href="{ext.url("/ok")}">ok</a>'
            f'<a href="{ext.url("/gone")}">gone</a>'
            f'<a href="{skipped.url("/x", host="localhost")}">skipped</a>'
            f'<img src="{skipped.url("/gone.png", host="localhost")}" alt="skipped">'
            '<a href="http://www.nosuch.invalid/">a skipped subdomain</a>'
        )
        _site_pages(site, {"/page": body})
        doc = _json(
            cli(
                *SCAN,
                site.url(),
                "--external-skip",
                "localhost",
                "--external-skip",
                "nosuch.invalid",
            )
        )
    finally:
        for s in (site, ext, skipped):
            s.stop()
    assert skipped.requests == []
    assert {"/ok", "/gone"} <= set(ext.seen())  # the other host was still checked
    assert _resource_codes(doc, site.origin) == {"/page": {"external-link-broken"}}
    (issue,) = _issues(doc, "external-link-broken")
    assert issue["details"]["resource"] == ext.url("/gone")
    assert {r["url"] for r in doc["resources"]} == {ext.url("/ok"), ext.url("/gone")}


def test_max_external_checks_only_that_many_urls_and_says_so(cli) -> None:
    site, ext = HostServer().start(), _ok_host()
    try:
        for i in range(6):
            ext.page(f"/p{i}")
        body = "".join(f'<a href="{ext.url(f"/p{i}")}">p{i}</a>' for i in range(6))
        _site_pages(site, {"/page": body})
        doc = _json(cli(*SCAN, site.url(), "--max-external", "3"))
    finally:
        site.stop()
        ext.stop()
    assert len(set(ext.seen())) == 3
    assert len(doc["resources"]) == 3
    notes = doc["summary"]["crawl"]["notes"]
    assert any("3 external URL(s) were not checked" in n and "--max-external 3" in n for n in notes)


def test_no_credential_leaves_the_site(cli) -> None:
    """--header, --cookie and --auth are for the site being crawled: its own pages and
    resources get them, another host never does, not even at the end of the site's redirect."""
    site, ext = HostServer().start(), _ok_host()
    try:
        site.routes["/moved.png"] = Response(302, headers={"Location": ext.url("/img.png")})
        body = _healthy_body(ext) + '<img src="/moved.png" alt="moved">'
        _site_pages(site, {"/page": body}, {"/page": _healthy_head(ext)})
        _json(
            cli(
                *SCAN,
                site.url(),
                "--header",
                "X-Secret: s3cret",
                "--cookie",
                "session=t0ken",
                "--auth",
                "user:hunter2",
            )
        )
    finally:
        site.stop()
        ext.stop()
    own = {(r.method, r.path): r.headers for r in site.requests}
    for key in (("GET", "/page"), ("HEAD", "/logo.png"), ("HEAD", "/moved.png")):
        headers = own[key]
        assert headers.get("x-secret") == "s3cret", key
        assert "session=t0ken" in headers.get("cookie", ""), key
        assert headers.get("authorization", "").startswith("Basic "), key
    assert ext.seen().count("/img.png") >= 2  # asked for directly and through the redirect
    for r in ext.requests:
        leaked = {"x-secret", "cookie", "authorization"} & set(r.headers)
        assert not leaked, (r.method, r.path, leaked)
        assert "s3cret" not in json.dumps(r.headers)


def test_a_tls_failure_on_https_does_not_fail_the_same_host_over_http(cli) -> None:
    site, ext = HostServer().start(), _ok_host()
    for i in range(3):
        ext.routes[f"/img.png?v={i}"] = ext.routes["/img.png"]
    try:
        body = f'<a href="https://127.0.0.1:{ext.port}/ok">tls</a>' + "".join(
            f'<img src="{ext.url("/img.png")}?v={i}" alt="x">' for i in range(3)
        )
        _site_pages(site, {"/page": body})
        doc = _json(cli(*SCAN, site.url(), "--external-per-host", "1"))
    finally:
        site.stop()
        ext.stop()
    assert _resource_codes(doc, site.origin) == {"/page": {"external-link-broken"}}
    assert ext.seen("HEAD") == ["/img.png?v=0", "/img.png?v=1", "/img.png?v=2"]


# --- an interrupted scan ---------------------------------------------------------------------


N_PAGES = 8
N_FAST = 30  # working links per page to a fast host: 240 in all, so that a batch is stored


def _wait_for(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert condition()


@dataclass
class Resumed:
    site: HostServer
    fast: HostServer
    slow: HostServer
    interrupt: subprocess.CompletedProcess[str]
    stored_before: set[str]  # resources in the store after Ctrl-C
    answered_before: set[str]  # fast URLs answered before Ctrl-C
    fast_before: int  # requests the fast host had had by then
    slow_before: int
    resume: subprocess.CompletedProcess[str]
    stored_after: set[str]
    status: str
    doc: dict[str, Any]


def _rows(url: str, sql: str) -> list[Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def resumed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Resumed]:
    """Ctrl-C once every page is stored and the fast hosts' links answered, while the images
    of a slow host are still being checked; then `seolog scans resume 1 --format json`."""
    import seolog

    site, fast, slow = HostServer().start(), HostServer().start(), HostServer().start()
    release = threading.Event()

    def stuck(req: Request) -> Response:
        release.wait(60)  # held until the scan was interrupted; then a plain 404
        return Response(404, html("Not found"))

    for i in range(N_PAGES):
        slow.routes[f"/s{i}.png"] = stuck
        for j in range(N_FAST):
            fast.page(f"/f{i}-{j}")
    pages = {
        f"/p{i}": "".join(f'<a href="{fast.url(f"/f{i}-{j}")}">f</a>' for j in range(N_FAST))
        + f'<a href="{fast.url(f"/gone{i}")}">gone</a><img src="{slow.url(f"/s{i}.png")}">'
        for i in range(N_PAGES)
    }
    _site_pages(site, pages)
    home = tmp_path_factory.mktemp("resume")
    db_url = f"sqlite:///{home}/db.sqlite"
    src = str(Path(seolog.__file__).resolve().parent.parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEOLOG_", "CI"))}
    env |= {"SEOLOG_HOME": str(home), "SEOLOG_DATABASE_URL": db_url, "PYTHONPATH": src}
    seolog_cmd = [sys.executable, "-m", "seolog"]
    n_fast = N_PAGES * (N_FAST + 1)
    try:
        proc = subprocess.Popen(
            [*seolog_cmd, "scan", "--no-sitemaps", "--external-per-host", "8", site.url()],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=interruptible,
        )
        # Every fast link answered (the broken ones twice: HEAD, then GET), a batch of checks
        # stored, and the slow images asked for.
        _wait_for(lambda: len(fast.requests) >= n_fast + N_PAGES and len(slow.requests) >= 1)
        _wait_for(lambda: _rows(db_url, "SELECT count(*) FROM resources")[0][0] >= 200)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        interrupt = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        release.set()
        stored_before = {r.url for r in _rows(db_url, "SELECT url FROM resources")}
        answered_before = {fast.url(p) for p in fast.seen()}
        fast_before, slow_before = len(fast.requests), len(slow.requests)
        resume = subprocess.run(
            [*seolog_cmd, "scans", "resume", "1", "--format", "json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        stored_after = {r.url for r in _rows(db_url, "SELECT url FROM resources")}
        (status,) = _rows(db_url, "SELECT status FROM scans WHERE id = 1")[0]
    finally:
        release.set()
        for s in (site, fast, slow):
            s.stop()
    assert resume.returncode == 0, resume.stderr
    yield Resumed(
        site,
        fast,
        slow,
        interrupt,
        stored_before,
        answered_before,
        fast_before,
        slow_before,
        resume,
        stored_after,
        status,
        json.loads(resume.stdout),
    )


RESUME = pytest.mark.store_agnostic  # one SQLite scan for these; the PostgreSQL run skips them


@RESUME
def test_an_interrupted_scan_keeps_its_pages_and_owes_the_unchecked_resources(
    resumed: Resumed,
) -> None:
    assert resumed.interrupt.returncode == ExitCode.INTERRUPTED, resumed.interrupt.stderr
    assert "Traceback" not in resumed.interrupt.stderr, resumed.interrupt.stderr
    assert len(resumed.stored_before) >= 100  # a batch of checks was stored before Ctrl-C
    assert not any(u.startswith(resumed.slow.origin) for u in resumed.stored_before)


@RESUME
def test_resume_checks_what_was_left_and_the_findings_appear(resumed: Resumed) -> None:
    assert resumed.status == "completed"
    codes = _resource_codes(resumed.doc, resumed.site.origin)
    assert codes == {f"/p{i}": {"external-link-broken", "image-broken"} for i in range(N_PAGES)}
    assert len(resumed.slow.requests) > resumed.slow_before  # the slow images, checked now
    everything = {
        *(resumed.fast.url(f"/f{i}-{j}") for i in range(N_PAGES) for j in range(N_FAST)),
        *(resumed.fast.url(f"/gone{i}") for i in range(N_PAGES)),
        *(resumed.slow.url(f"/s{i}.png") for i in range(N_PAGES)),
    }
    assert resumed.stored_after == everything
    # The pages stored before Ctrl-C were not fetched again.
    assert sorted(resumed.site.seen()).count("/p0") == 1


@RESUME
def test_resume_does_not_ask_again_what_the_store_has(resumed: Resumed) -> None:
    again = {resumed.fast.url(r.path) for r in resumed.fast.requests[resumed.fast_before :]}
    assert not resumed.stored_before & again


@RESUME
def test_every_resource_answered_before_ctrl_c_is_kept(resumed: Resumed) -> None:
    # Only the checks still in flight at Ctrl-C (8 at once to the fast host) may be lost.
    assert len(resumed.answered_before - resumed.stored_before) <= 8


def _scan_with_hosts(cli, dead_links: list[str], alive: int) -> dict[str, Any]:
    """Scan a page linking `dead_links` and one page on each of `alive` answering hosts."""
    site = HostServer().start()
    hosts = [_ok_host() for _ in range(alive)]
    try:
        body = "".join(f'<a href="{url}">dead</a>' for url in dead_links)
        body += "".join(f'<a href="{h.url("/ok")}">ok</a>' for h in hosts)
        _site_pages(site, {"/page": body})
        return _json(cli(*SCAN, site.url()))
    finally:
        site.stop()
        for h in hosts:
            h.stop()


@pytest.mark.parametrize(
    ("dead", "alive", "reported"),
    [
        (1, 1, True),  # one dead domain among working ones: a broken link
        (3, 1, True),  # a small site's three dead domains of four: still links
        (3, 0, False),  # no name resolves at all: a machine offline
        (9, 1, False),  # nine of ten fail: resolution is what is broken here (a proxy)
        (6, 4, True),  # six of ten: links, not the resolver
    ],
)
def test_dns_failures_count_unless_most_names_fail(cli, dead: int, alive: int, reported: bool):
    """A machine offline (or behind a proxy that lets a few hosts through) would call every
    link broken; a real site's dead domains are a few among many that resolve."""
    dead_links = [f"https://gone{i}.invalid/x" for i in range(dead)]
    doc = _scan_with_hosts(cli, dead_links, alive)
    broken = [i for i in doc["issues"] if i["code"] == "external-link-broken"]
    assert len(broken) == (dead if reported else 0)
    notes = " ".join(doc["summary"]["crawl"]["notes"])
    assert ("could not be reached" in notes) is not reported


@pytest.mark.parametrize(
    ("alive", "reported"),
    [
        (0, False),  # nothing answers: a firewall dropping every outgoing connection
        (4, True),  # three refusing hosts among answering ones: their links are broken
    ],
)
def test_refused_connections_count_unless_no_host_answers(cli, alive: int, reported: bool):
    """A machine whose network is cut off but resolves names (a sandbox, a firewall) fails
    every external link by refusal or timeout, not by DNS: none of that is the links'."""
    with refused_port() as a, refused_port() as b, refused_port() as c:
        doc = _scan_with_hosts(cli, [f"http://127.0.0.1:{p}/x" for p in (a, b, c)], alive)
    broken = [i for i in doc["issues"] if i["code"] == "external-link-broken"]
    assert len(broken) == (3 if reported else 0)
    assert all(i["details"]["error_kind"] == "connect" for i in broken)
    # The summary counts failures as the checks judge them: none when the network is cut off.
    assert doc["summary"]["resources"]["failed"] == (3 if reported else 0)
    notes = " ".join(doc["summary"]["crawl"]["notes"])
    assert ("3 of 3 external hosts could not be reached" in notes) is not reported


def test_hosts_that_never_answer_are_the_networks_when_none_answers(cli) -> None:
    """Connections accepted and then silent until --timeout (a proxy swallowing them): with no
    external host answering, the timeouts are not reported as broken links."""
    site = HostServer().start()
    silent = [HostServer(hold=5).start() for _ in range(3)]
    try:
        body = "".join(f'<a href="{h.url("/x")}">silent</a>' for h in silent)
        _site_pages(site, {"/page": body})
        doc = _json(cli(*SCAN, "--timeout", "1", site.url()))
    finally:
        site.stop()
        for h in silent:
            h.stop()
    assert [i for i in doc["issues"] if i["code"] == "external-link-broken"] == []
    assert doc["summary"]["crawl"]["resources_offline"] is True


def test_a_link_redirecting_to_another_origin_is_followed_there(cli) -> None:
    """http://a → https://b, or a shortener: the redirect leaves the first host's gate."""
    site, short, target = (HostServer().start() for _ in range(3))
    target.page("/article", "The article")
    short.routes["/x"] = Response(301, headers={"Location": target.url("/article")})
    try:
        _site_pages(site, {"/page": f'<a href="{short.url("/x")}">a short link</a>'})
        doc = _json(cli(*SCAN, site.url()))
    finally:
        for s in (site, short, target):
            s.stop()
    found = [i for i in doc["issues"] if i["code"] == "external-link-redirect"]
    assert [i["details"]["final_url"] for i in found] == [target.url("/article")]
    assert target.seen() == ["/article"]


def test_an_image_whose_body_breaks_off_is_one_urls_result(cli) -> None:
    """A server that promises more bytes than it sends: the scan goes on (exit 0), the image
    is sized by what arrived."""
    site, ext = HostServer().start(), HostServer().start()
    ext.routes["/cut.png"] = lambda req: (
        Response(
            body=PNG, content_type="image/png", headers={"Content-Length": str(len(PNG) + 5000)}
        )
        if req.method == "GET"
        else Response(body=b"", content_type="image/png")
    )
    try:
        _site_pages(site, {"/page": f'<img src="{ext.url("/cut.png")}" alt="cut">'})
        doc = _json(cli(*SCAN, site.url()))
    finally:
        site.stop()
        ext.stop()
    assert doc["scan"]["status"] == "completed"
    assert ext.url("/cut.png") in {r["url"] for r in doc["resources"]}


def test_a_new_broken_link_on_a_page_that_had_one_fails_fail_on_new(cli) -> None:
    """A finding of a resource is that resource's: a second broken link on the same page is new
    for --fail-on-new, `scans diff` and SARIF (its own fingerprint), not the first one again."""
    from seolog.errors import ExitCode

    site, ext = HostServer().start(), HostServer().start()
    try:
        _site_pages(site, {"/page": f'<a href="{ext.url("/gone-1")}">one</a>'})
        _json(cli(*SCAN, site.url()))
        _site_pages(
            site,
            {"/page": "".join(f'<a href="{ext.url(f"/gone-{i}")}">{i}</a>' for i in (1, 2))},
        )
        gated = cli(*SCAN, site.url(), "--fail-on-new", "--baseline", "1")
        sarif = cli("scans", "show", "2", "--format", "sarif")
        diff = cli("scans", "diff", "1", "2", "--format", "json")
    finally:
        site.stop()
        ext.stop()
    assert gated.exit_code == ExitCode.THRESHOLD, gated.stderr
    new = json.loads(diff.stdout)["issues"]["new"]
    assert [i["details"]["resource"] for i in new] == [ext.url("/gone-2")]
    results = json.loads(sarif.stdout)["runs"][0]["results"]
    prints = {
        r["partialFingerprints"]["seologFinding/v1"]
        for r in results
        if r["ruleId"] == "external-link-broken"
    }
    assert len(prints) == 2


def test_a_redirect_never_reaches_a_skipped_host(cli) -> None:
    site, short, skipped = (HostServer().start() for _ in range(3))
    skipped.page("/x", "Skipped")
    short.routes["/go"] = Response(302, headers={"Location": f"http://localhost:{skipped.port}/x"})
    try:
        _site_pages(site, {"/page": f'<a href="{short.url("/go")}">go</a>'})
        doc = _json(cli(*SCAN, site.url(), "--external-skip", "localhost"))
    finally:
        for s in (site, short, skipped):
            s.stop()
    assert skipped.seen() == []
    checked = {r["url"]: r for r in doc["resources"]}
    assert checked[short.url("/go")]["status"] == 302
