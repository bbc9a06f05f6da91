"""Lighthouse and seolog agree wherever the catalog maps a seolog code to a Lighthouse audit
(issue 14), checked with the real Lighthouse 12.2.3 in the real Chromium.

Fixture pages are served on 127.0.0.1, each a healthy page with one defect. Lighthouse audits
every page once; `seolog scan` crawls the same servers once. Then, for every page and every
mapped audit: Lighthouse fails the audit <=> seolog reports, on that page, a code the catalog
maps to that audit. The mapping is read from the catalog (the `lighthouse` field of each check,
whose first word is the audit id), so a new mapping needs a fixture page here and a changed one
is checked as it now reads. Each audit is asked of its own Lighthouse category: the SEO ones of
`seo`; `viewport` of `best-practices` and `server-response-time` of `performance` (12.2.3 has
neither in `seo`).

Not cross-checked:
- structured-data (structured-data-invalid, and any code mapped to it later): a manual audit in
  Lighthouse; it gives no verdict.
- robots.txt answering 5xx (Lighthouse fails robots-txt): seolog then crawls nothing and the scan
  stops at the start URL (exit 4), so there is no page to compare.

Known disagreements (DISAGREEMENTS), real differences between the two, kept as strict xfails:
each shows in every run (-ra), and a change that ends one fails the run until its entry goes.
- canonical-invalid -> canonical: Lighthouse only asks that the href parse as a URL, so
  `file:///…` passes; search engines ignore a canonical that is not http(s), so seolog reports
  it (deliberately stricter).

Not mapped, because they judge something else (their pages stay, and agree on the audit):
- canonical-broken: Lighthouse never requests the canonical's target, so a canonical to a 404
  page passes its canonical audit.
- robots-txt-missing: Lighthouse scores a robots.txt answering 4xx not applicable; its robots-txt
  audit judges the lines of one that is there (robots-txt-invalid). seolog's validator is a port
  of Lighthouse's, checked here against Lighthouse's own code on many samples.

.ci/run installs Debian's chromium and lighthouse@12.2.3 (npm, in ~/.cache/seolog-ci/lighthouse)
and exports SEOLOG_TEST_LIGHTHOUSE; without them the module is skipped.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from seolog.checks.registry import catalog
from tests.lighthouse_tools import (
    CHROME,
    LIGHTHOUSE,
    LIGHTHOUSE_VERSION,
    skip_without_lighthouse,
)
from tests.server import FixtureServer, Response

skip_without_lighthouse()

pytestmark = [
    pytest.mark.store_agnostic,  # a private SQLite store; the PostgreSQL run skips it
    pytest.mark.timeout(1800),  # the first test waits for every Lighthouse run
]

CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"
LIGHTHOUSE_TIMEOUT = 300  # seconds for one run; one takes about 15 s here, two at a time
LIGHTHOUSE_JOBS = 2  # Chromiums at once
# Where 12.2.3's default config puts the mapped audits that are not in its `seo` category.
AUDIT_CATEGORY = {"viewport": "best-practices", "server-response-time": "performance"}

# Lighthouse audits the catalog names that give no verdict to compare, and why.
NOT_CROSS_CHECKED = {"structured-data": "a manual audit in Lighthouse: no verdict"}


def _mapping() -> dict[str, frozenset[str]]:
    """Lighthouse audit id -> the seolog codes the catalog maps to it."""
    codes: dict[str, set[str]] = defaultdict(set)
    for spec in catalog():
        if spec.lighthouse:
            codes[spec.lighthouse.split()[0]].add(spec.code)
    return {audit: frozenset(c) for audit, c in sorted(codes.items())}


CATALOG = {spec.code for spec in catalog()}
MAPPING = _mapping()
CHECKED = {audit: codes for audit, codes in MAPPING.items() if audit not in NOT_CROSS_CHECKED}
CATEGORIES = sorted({"seo", *(AUDIT_CATEGORY.get(audit, "seo") for audit in CHECKED)})

ORIGINS = {  # name -> robots.txt (None: answers 404)
    "main": "User-agent: *\nAllow: /\n",
    "no-robots": None,
    "bad-robots": "User-agent: *\nDisalow: /private/\n",  # a typo: no such directive
}
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@dataclass(frozen=True)
class Page:
    """A healthy page with one defect. `{origin}` in head, body and headers is the server's."""

    name: str  # the test id
    path: str
    code: str | None  # the seolog code it plants; None when only Lighthouse has a name for it
    audit: str | None = None  # for code None: the Lighthouse audit it fails
    origin: str = "main"
    status: int = 200
    # Healthy parts left out: "title", "description", "viewport", "canonical".
    omit: frozenset[str] = frozenset()
    head: str = ""
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # seconds before the server answers


def _omit(*parts: str) -> frozenset[str]:
    return frozenset(parts)


PAGES = (
    Page("healthy", "/", None),
    Page("title-missing", "/title-missing", "title-missing", omit=_omit("title")),
    Page(
        "meta-description-missing",
        "/description-missing",
        "meta-description-missing",
        omit=_omit("description"),
    ),
    Page("noindex", "/noindex", "noindex", head='<meta name="robots" content="noindex">'),
    Page("http-4xx", "/gone", "http-4xx", status=404),
    Page("http-5xx", "/server-error", "http-5xx", status=500),
    Page(
        "link-text-generic",
        "/generic-link",
        "link-text-generic",
        body='<p>For the sizes of our spades, <a href="/">click here</a>.</p>',
    ),
    Page(
        "hreflang-invalid",
        "/hreflang-invalid",
        "hreflang-invalid",
        head='<link rel="alternate" hreflang="english" href="{origin}/hreflang-invalid">',
    ),
    Page(
        "canonical-invalid",
        "/canonical-invalid",
        "canonical-invalid",
        omit=_omit("canonical"),
        head='<link rel="canonical" href="https://www.example.com:99999/spades">',  # no such port
    ),
    Page(
        "canonical-invalid-file",
        "/canonical-invalid-file",
        "canonical-invalid",
        omit=_omit("canonical"),
        head='<link rel="canonical" href="file:///var/www/spades.html">',  # a build machine's
    ),
    Page(
        "canonical-multiple",
        "/canonical-multiple",
        "canonical-multiple",
        omit=_omit("canonical"),
        head='<link rel="canonical" href="{origin}/canonical-multiple">'
        '<link rel="canonical" href="{origin}/generic-link">',
    ),
    Page(
        "canonical-broken",
        "/canonical-broken",
        "canonical-broken",
        omit=_omit("canonical"),
        head='<link rel="canonical" href="{origin}/gone">',
    ),
    Page(
        "canonical-header-conflict",
        "/canonical-header-conflict",
        "canonical-header-conflict",
        headers=(("Link", '<{origin}/noindex>; rel="canonical"'),),
    ),
    Page(
        "image-alt-missing",
        "/image-alt-missing",
        "image-alt-missing",
        body='<p><img src="/pixel.png" width="1" height="1"></p>',
    ),
    Page("viewport-missing", "/viewport-missing", "viewport-missing", omit=_omit("viewport")),
    Page("slow-response", "/slow", "slow-response", delay=1.5),  # Lighthouse and seolog: 600 ms
    Page(
        "canonical-relative",
        "/canonical-relative",
        "canonical-relative",
        omit=_omit("canonical"),
        head='<link rel="canonical" href="/canonical-relative">',  # itself, but relative
    ),
    # robots-txt-missing is not mapped: both sides pass robots-txt here (not applicable).
    Page("robots-txt-missing", "/", "robots-txt-missing", origin="no-robots"),
    Page("robots-txt-invalid", "/", "robots-txt-invalid", origin="bad-robots"),
)
# Pages for codes the catalog does not have (yet, or any more) are left out.
ACTIVE = tuple(p for p in PAGES if p.code is None or p.code in CATALOG)

# (page, audit) -> what each side says; real differences, found on the first run, not flakes.
DISAGREEMENTS: dict[tuple[str, str], str] = {
    ("canonical-invalid-file", "canonical"): "seolog is deliberately stricter: Lighthouse passes "
    "a file:/// canonical because it only asks that the href parse as a URL, but a canonical "
    "names the URL search engines should index, and a path on a build machine is nothing they "
    "can fetch or index; they ignore it, so the page in effect has no canonical. seolog reports "
    "canonical-invalid",
}


def _html(page: Page, origin: str, pages: tuple[Page, ...]) -> str:
    url = origin + page.path
    topic = page.name.replace("-", " ")
    head = ['<meta charset="utf-8">']
    if "title" not in page.omit:
        head.append(f"<title>Garden spades, forged and tested: {topic} | Acme Tools</title>")
    if "description" not in page.omit:
        head.append(
            '<meta name="description" content="Forged steel garden spades with ash handles, '
            'tested on heavy clay and sold with a lifetime guarantee.">'
        )
    if "viewport" not in page.omit:
        head.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    if "canonical" not in page.omit:
        head.append(f'<link rel="canonical" href="{url}">')
    head.append(f'<link rel="alternate" hreflang="en" href="{url}">')
    head.append(f'<link rel="alternate" hreflang="x-default" href="{url}">')
    head.append(page.head.replace("{origin}", origin))
    index = ""
    if page.path == "/":
        items = "".join(
            f'<li><a href="{p.path}">The fixture page for {p.name.replace("-", " ")}</a></li>'
            for p in pages
            if p.origin == page.origin and p.path != "/"
        )
        index = f"<ul>{items}</ul>"
    prose = (
        "Our garden spades are forged from one piece of boron steel, fitted with seasoned ash "
        "handles, and tested on heavy clay before they leave the workshop in Sheffield. "
    ) * 4
    body = (
        f"<h1>Garden spades: {topic}</h1><p>{prose}</p>"
        '<p><img src="/pixel.png" alt="A forged garden spade" width="1" height="1"></p>'
        f"{page.body.replace('{origin}', origin)}{index}"
        '<p><a href="/">All the fixture pages of this site</a></p>'
    )
    return f'<!doctype html><html lang="en"><head>{"".join(head)}</head><body>{body}</body></html>'


def serve(pages: tuple[Page, ...]) -> dict[str, FixtureServer]:
    """One started server per origin, with its robots.txt, the pixel and its pages."""
    servers = {}
    for name, robots in ORIGINS.items():
        server = FixtureServer()
        if robots is not None:
            server.routes["/robots.txt"] = Response(body=robots, content_type="text/plain")
        server.routes["/pixel.png"] = Response(body=PIXEL, content_type="image/png")
        servers[name] = server
    for page in pages:
        origin = servers[page.origin].origin
        servers[page.origin].routes[page.path] = Response(
            page.status,
            _html(page, origin, pages),
            headers={k: v.replace("{origin}", origin) for k, v in page.headers},
            delay=page.delay,
        )
    return {name: server.start() for name, server in servers.items()}


def run_lighthouse(url: str) -> dict[str, Any]:
    """One Lighthouse run; the report as JSON. A run that cannot finish is an error."""
    command = [
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--quiet",
        "--ignore-status-code",  # audit error pages (404, 500) instead of refusing them
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CHROME_PATH": str(CHROME)},
        start_new_session=True,  # so a hung run is ended with its Chromium
    )
    try:
        out, err = proc.communicate(timeout=LIGHTHOUSE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AssertionError(f"Lighthouse on {url} took over {LIGHTHOUSE_TIMEOUT} s") from None
    assert proc.returncode == 0, f"Lighthouse on {url} exited {proc.returncode}: {err[-2000:]}"
    report: dict[str, Any] = json.loads(out)
    assert not report.get("runtimeError"), f"Lighthouse on {url}: {report['runtimeError']}"
    return report


def run_seolog(url: str, home: Path) -> dict[str, Any]:
    """`seolog scan URL --format json` as a real process, with a store of its own."""
    import seolog

    src = str(Path(seolog.__file__).resolve().parent.parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEOLOG_")}
    env.update(SEOLOG_HOME=str(home), PYTHONPATH=src)
    run = subprocess.run(
        [sys.executable, "-m", "seolog", "scan", url, "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, f"seolog scan {url} exited {run.returncode}: {run.stderr[-2000:]}"
    return dict(json.loads(run.stdout))


@dataclass
class Results:
    urls: dict[str, str] = field(default_factory=dict)  # page name -> URL
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)  # page -> Lighthouse report
    issues: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # page -> seolog issues
    crawled: set[str] = field(default_factory=set)  # page names seolog fetched


def collect(pages: tuple[Page, ...], home: Path) -> Results:
    """Serve the pages, scan each origin with seolog, audit each page with Lighthouse."""
    servers = serve(pages)
    try:
        results = Results()
        by_url = {}
        for page in pages:
            results.urls[page.name] = url = servers[page.origin].url(page.path)
            by_url[url] = page
            results.issues[page.name] = []
        for name, server in servers.items():
            doc = run_seolog(server.url("/"), home / name)
            results.crawled |= {by_url[p["url"]].name for p in doc["pages"] if p["url"] in by_url}
            for issue in doc["issues"]:
                parts = urlsplit(issue["url"])
                if parts.path == "/robots.txt":  # a site finding: on each page of that origin
                    for page in pages:
                        if page.origin == name:
                            results.issues[page.name].append(issue)
                elif issue["url"] in by_url:
                    results.issues[by_url[issue["url"]].name].append(issue)
        with ThreadPoolExecutor(max_workers=LIGHTHOUSE_JOBS) as pool:
            reports = pool.map(run_lighthouse, [results.urls[p.name] for p in pages])
            results.reports = dict(zip([p.name for p in pages], reports, strict=True))
        return results
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    return collect(ACTIVE, tmp_path_factory.mktemp("seolog-lighthouse"))


class NoVerdict(Exception):
    """Lighthouse gave no verdict: never an expected disagreement (they expect AssertionError)."""


def fails(report: dict[str, Any], audit: str) -> bool:
    """Lighthouse's verdict: a failed audit. Not applicable counts as a pass, as it scores."""
    result = report["audits"].get(audit)
    if result is None:
        raise NoVerdict(f"Lighthouse {report['lighthouseVersion']} has no audit {audit!r}")
    mode = result["scoreDisplayMode"]
    if mode == "error":
        raise NoVerdict(f"Lighthouse could not run {audit}: {result.get('errorMessage')}")
    return mode not in ("notApplicable", "manual") and (result["score"] or 0) < 1


def explain(report: dict[str, Any], audit: str) -> str:
    """What Lighthouse said about one audit, in one line."""
    result = report["audits"][audit]
    said = [result["title"]]
    said += [result[k] for k in ("explanation", "displayValue") if result.get(k)]
    items = (result.get("details") or {}).get("items") or []
    said += [json.dumps(item, sort_keys=True)[:200] for item in items[:3]]
    return "; ".join(said)


def _verdicts(results: Results, page: str, audit: str) -> tuple[bool, list[dict[str, Any]]]:
    report = results.reports[page]
    found = [i for i in results.issues[page] if i["code"] in CHECKED[audit]]
    return fails(report, audit), found


def _xfail(page: str, audit: str) -> Any:
    reason = DISAGREEMENTS.get((page, audit))
    return [pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)] if reason else []


@pytest.mark.parametrize(
    ("page", "audit"),
    [
        pytest.param(p.name, audit, id=f"{p.name}:{audit}", marks=_xfail(p.name, audit))
        for p in ACTIVE
        for audit in CHECKED
    ],
)
def test_lighthouse_fails_the_audit_exactly_where_seolog_reports_a_mapped_code(
    results: Results, page: str, audit: str
) -> None:
    lighthouse_fails, found = _verdicts(results, page, audit)
    seolog = (
        "; ".join(f"{i['code']}: {i['message']}" for i in found)
        if found
        else f"none of {', '.join(sorted(CHECKED[audit]))}"
    )
    assert lighthouse_fails == bool(found), (
        f"{page} ({results.urls[page]}): Lighthouse {audit} "
        f"{'FAILS' if lighthouse_fails else 'passes'} ({explain(results.reports[page], audit)}); "
        f"seolog reports {seolog}"
    )


@pytest.mark.parametrize("page", [p for p in ACTIVE if p.name != "healthy"], ids=lambda p: p.name)
def test_each_fixture_page_has_its_defect(results: Results, page: Page) -> None:
    """The defect is real on the side that names it, so the agreement above is not vacuous."""
    assert page.name in results.crawled, f"seolog never fetched {results.urls[page.name]}"
    if page.code is not None:
        codes = {i["code"] for i in results.issues[page.name]}
        assert page.code in codes, f"seolog reports {sorted(codes)} on {results.urls[page.name]}"
    else:
        assert page.audit is not None
        report = results.reports[page.name]
        assert fails(report, page.audit), explain(report, page.audit)


def test_the_healthy_page_passes_every_mapped_audit_on_both_sides(results: Results) -> None:
    report = results.reports["healthy"]
    assert [a for a in CHECKED if fails(report, a)] == []
    mapped = set().union(*CHECKED.values())
    assert [i for i in results.issues["healthy"] if i["code"] in mapped] == []
    assert "healthy" in results.crawled


def test_every_mapped_code_has_a_fixture_page() -> None:
    """A check newly mapped to a Lighthouse audit needs a page here (or its audit in NOT_CROSS_CHECKED)."""
    planted = {p.code for p in PAGES}
    missing = sorted(set().union(*CHECKED.values()) - planted)
    assert missing == [], f"add a fixture page to PAGES for {missing}"


def test_the_catalog_names_audits_lighthouse_runs(results: Results) -> None:
    """Every `lighthouse=` string starts with the id of an audit of 12.2.3, and the audit is in
    a category this module asks for (AUDIT_CATEGORY)."""
    report = results.reports["healthy"]
    assert report["lighthouseVersion"] == LIGHTHOUSE_VERSION
    asked = {ref["id"] for c in report["categories"].values() for ref in c["auditRefs"]}
    wrong = {
        code: audit
        for audit, codes in MAPPING.items()
        for code in codes
        if audit not in report["audits"] or audit not in asked
    }
    assert wrong == {}, f"catalog entries naming no audit of the categories {CATEGORIES}"


# --- the robots.txt validator: seolog's port against Lighthouse's own functions -------------------

ROBOTS_AUDIT = Path("core/audits/seo/robots-txt.js")  # in the lighthouse package
_SITEMAP_SAMPLES = [
    "/sitemap.xml", "https://e.com/s.xml", "HTTPS://e.com/s.xml", "ftp://e.com/s", "http:e.com/s",
    "http://", "https:", "https://user@/x", "https://u:p@e.com/x", "http://[::1]:8080/s",
    "http://[::1", "http://[::1]x/", "http://[fe80::1%25eth0]/", "http://0x7f000001/",
    "http://4294967296/", "http://1.2.3.999/", "http://1.2.65535/", "http://1.2.65536/",
    "http://a.1/", "http://09/", "http://exa mple.com/", "http://exa%20mple.com/", "http://%zz/",
    "http://ex^ample.com/", "http://bücher.de/", "http://xn--bcher-kva.de/", "http://xn--zz/",
    "http://ａｂｃ.com/", "http://a。b/", "http://é" + "e" * 70 + ".com/", "http://e.com:65536/",
    "http://e.com:+80/", "ws://e.com/", "file:///var/www/sitemap.xml", "file://exa mple/x",
    "mailto:seo@e.com", "mailto://:80", "foo://exa mple/x", "foo://u@", "javascript:alert(1)",
]  # fmt: skip
_FUZZ_PIECES = [
    "User-agent", "user-AGENT", "Disallow", "Allow", "Sitemap", "Crawl-delay", "Noindex", "Disalow",
    "", " ", ":", "#", "/", "*", "$", "a", "\t", "\u00a0", "\ufeff", "\u0085", "\x1c", "\u3000",
    "http://", "https://", "ftp://", "file:///", "mailto:", "//", "\\", "@", "[", "]", "::1", "%20",
    "%", "example.com", "bücher.de", "999.1.1.1", "1.2.3.4", "0x7f.1", "08.1.1.1", "1..2", ".",
    ":80", ":99999", ":8a", "?", "\r", "\n", "\r\n", "xn--", "0x", "é", "\u200b",
]  # fmt: skip


def _robots_samples() -> list[str]:
    """The unit test's samples, every Sitemap case in and out of a group, and a seeded fuzz."""
    import random

    from tests.unit.test_robots_validator import SAMPLES

    texts = [str(sample.values[0]) for sample in SAMPLES]
    texts += [f"Sitemap: {url}\nUser-agent: *\nSitemap:{url}\n" for url in _SITEMAP_SAMPLES]
    rng = random.Random(14)
    for _ in range(4000):
        texts.append("".join(rng.choice(_FUZZ_PIECES) for _ in range(rng.randint(1, 12))))
    return texts


def test_the_robots_txt_validator_agrees_with_lighthouses_own():
    """Lighthouse's validateRobots (with verifyDirective and parseLine) taken from the installed
    12.2.3 and run in Node on the same texts: the same lines, with the same messages."""
    from seolog.crawl.robots import validate_robots

    source = (Path(str(LIGHTHOUSE)).resolve().parents[1] / ROBOTS_AUDIT).read_text()
    constants = source[source.index("const DIRECTIVE_SITEMAP") : source.index("const UIStrings")]
    functions = source[source.index("function verifyDirective") : source.index("class RobotsTxt")]
    script = (
        constants
        + functions
        + "const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        + "process.stdout.write(JSON.stringify(texts.map(validateRobots)));\n"
    )
    texts = _robots_samples()
    run = subprocess.run(
        ["node", "-e", script], input=json.dumps(texts), capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr[-2000:]
    differ = []
    for text, errors in zip(texts, json.loads(run.stdout), strict=True):
        theirs = [(int(e["index"]), e["message"][0].lower() + e["message"][1:]) for e in errors]
        ours = [(p.line, p.message) for p in validate_robots(text)]
        if ours != theirs:
            differ.append(f"{text!r}: Lighthouse {theirs}, seolog {ours}")
    assert differ == [], f"{len(differ)} of {len(texts)} differ:\n" + "\n".join(differ[:20])
