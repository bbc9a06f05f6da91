"""CI formats as a pipeline reads them: GitHub workflow commands, GitLab Code Quality, SARIF
regions, JUnit marked by the gate, and the Markdown summary; and the lines they point at are the
real lines of the elements in a folder scan."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from seolog.errors import ExitCode
from seolog.output.github import command, data, prop
from seolog.output.locate import element_line
from tests.conftest import EXAMPLE_SITE
from tests.server import FixtureServer

# A page whose offending elements sit on known lines, with decoys before them: a commented-out
# <title>, an <a> inside a script string, and a first <h1> before the second.
SHOP = """<!doctype html>
<html>
<head>
  <meta charset="utf-8">
  <!-- <title>An old title in a comment</title> -->
  <title>Shop</title>
  <script>var s = '<a href="/gone">';</script>
</head>
<body>
  <h1>Spades</h1>
  <p>Our spades.</p>
  <IMG
    SRC='/img/spade.jpg'>
  <h1>More spades</h1>
  <p><a href="/">Home</a> and <a
     href="/gone">the old catalogue</a>.</p>
</body>
</html>
"""


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (the working directory, as in CI) with a built site in public/."""
    site = tmp_path / "public"
    (site / "shop").mkdir(parents=True)
    (site / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Garden tools that last a lifetime, from Acme</title>"
        '<meta name="description" content="Spades, forks and pruners made to last, sold by the '
        'people who make them in Sheffield since 1952.">'
        '</head><body><h1>Garden tools</h1><a href="/shop/">Shop</a></body></html>',
        encoding="utf-8",
    )
    (site / "shop" / "index.html").write_text(SHOP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_WORKSPACE", "CI_PROJECT_DIR"):  # the runner's own, if any
        monkeypatch.delenv(name, raising=False)
    return tmp_path


WORKFLOW = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def parse_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """A workflow command as the runner reads it: kind, properties, message (unescaped)."""
    m = WORKFLOW.match(line)
    if not m:
        return None

    def unescape(s: str) -> str:
        for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            s = s.replace(code, char)
        return s

    props = {}
    for part in (m.group(2) or "").split(","):
        if part:
            key, _, value = part.partition("=")
            props[key] = unescape(value)
    return m.group(1), props, unescape(m.group(3))


def test_github_annotations_point_at_the_file_and_line_of_each_element(cli, repo: Path):
    r = cli("scan", "public", "--format", "github", "--fail-on", "error", "-o", "scan.json")
    assert r.exit_code == ExitCode.THRESHOLD
    doc = json.loads((repo / "scan.json").read_text())
    lines = r.stdout.splitlines()
    commands = [c for c in map(parse_command, lines) if c]
    shop = (repo / "public" / "shop" / "index.html").read_text()
    by_code = {
        props.get("title", "").split(":")[0]: (kind, props, msg) for kind, props, msg in commands
    }

    kind, props, message = by_code["link-broken"]
    assert kind == "error" and props["file"] == "public/shop/index.html"
    assert int(props["line"]) == line_of(shop, "<a\n")  # the <a that holds it
    assert "/shop/" in message  # the page's URL is named too
    kind, props, _ = by_code["image-alt-missing"]
    assert kind == "warning" and int(props["line"]) == line_of(shop, "<IMG")
    assert int(by_code["title-too-short"][1]["line"]) == line_of(shop, "<title>Shop")
    assert int(by_code["h1-multiple"][1]["line"]) == line_of(shop, "<h1>More")
    assert "file" not in by_code["http-4xx"][1]  # a 404 is no file: the URL says where
    assert "line" not in by_code["content-thin"][1]  # about the whole page: no line

    # Every finding is printed once; the gate's verdict ends the output, as an error annotation.
    assert len(lines) == len(doc["issues"]) + 1 + 1  # findings, the summary line, the verdict
    assert lines[-2].startswith("seolog: ") and "errors" in lines[-2]
    kind, props, message = parse_command(lines[-1]) or ("", {}, "")
    assert (kind, props) == ("error", {"title": "seolog gate"})
    assert message.startswith("gate failed: --fail-on error: the scan has")
    # A stored scan prints the same annotations (it was not gated when shown).
    shown = cli("scans", "show", str(doc["scan"]["id"]), "--format", "github")
    assert shown.exit_code == 0 and shown.stdout.splitlines() == lines[:-1]


def test_github_without_a_file_names_the_url_and_never_shows_more_than_github_keeps(
    cli, server: FixtureServer
):
    """A URL scan: no file=, the check in the title, the URL in the message. 14 pages without a
    description are 14 warnings; GitHub shows 10 per kind, so 10 are commands, the rest plain
    lines, and a notice says so."""
    head = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    links = "".join(f'<a href="/p{n}">Product page number {n}</a>' for n in range(14))
    server.page(
        "/", "The home page of a small garden tools shop", f"<h1>Shop</h1>{links}", head=head
    )
    for n in range(14):
        title = f"Product number {n} of the small garden tools shop"
        server.page(f"/p{n}", title, f"<h1>Product {n}</h1>", head=head)
    r = cli("scan", server.url(), "--no-sitemaps", "--format", "github")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    parsed = [parse_command(line) for line in lines]
    missing = [p for p in parsed if p and p[1].get("title", "").startswith("meta-description-m")]
    assert len(missing) == 10
    for _kind, props, message in missing:
        assert "file" not in props and "line" not in props
        assert props["title"] == "meta-description-missing: Page has no meta description"
        assert message.startswith("no meta description (http://127.0.0.1:")
    for kind in ("error", "warning", "notice"):
        assert sum(1 for p in parsed if p and p[0] == kind) <= 10
    plain = [line for line, p in zip(lines, parsed, strict=True) if p is None]
    assert sum("warning meta-description-missing" in line for line in plain) == 5  # 15 pages
    assert any(p and p[1] == {"title": "seolog"} and "not annotated" in p[2] for p in parsed)
    assert not any(p and p[1].get("title") == "seolog gate" for p in parsed)  # no gate set


def test_github_escaping_keeps_a_page_from_breaking_or_forging_a_command():
    assert data("50% off\r\nnow") == "50%25 off%0D%0Anow"
    assert prop("a:b,c%") == "a%3Ab%2Cc%25"
    line = command("warning", "x\n::error::forged", file="public/a,b.html", line=3, title="t: 1")
    assert line.count("\n") == 0
    assert line == "::warning file=public/a%2Cb.html,line=3,title=t%3A 1::x%0A::error::forged"
    assert parse_command(line) == (
        "warning",
        {"file": "public/a,b.html", "line": "3", "title": "t: 1"},
        "x\n::error::forged",
    )


def test_gitlab_code_quality_report(cli, repo: Path, server: FixtureServer):
    r = cli("scan", "public", "-o", "gl-code-quality-report.json", "-o", "gitlab:second.txt")
    assert r.exit_code == 0, r.stderr
    report = json.loads((repo / "gl-code-quality-report.json").read_text())  # gitlab by its name
    assert isinstance(report, list) and report
    for entry in report:
        assert set(entry) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert re.fullmatch(r"[0-9a-f]{32}", entry["fingerprint"])
        assert entry["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert isinstance(entry["location"]["path"], str)
        assert isinstance(entry["location"]["lines"]["begin"], int)
        assert entry["location"]["lines"]["begin"] >= 1
    assert len({e["fingerprint"] for e in report}) == len(report)
    shop = (repo / "public" / "shop" / "index.html").read_text()
    (broken,) = [e for e in report if e["check_name"] == "link-broken"]
    assert broken["severity"] == "major" and broken["location"]["path"] == "public/shop/index.html"
    assert broken["location"]["lines"]["begin"] == line_of(shop, "<a\n")
    assert {e["severity"] for e in report if e["check_name"] == "content-thin"} == {"info"}

    # A second scan of the same site: the same findings keep their fingerprints, so the merge
    # request shows nothing new and nothing fixed.
    second = json.loads((repo / "second.txt").read_text())
    again = cli("scan", "public", "--format", "gitlab").stdout
    assert {e["fingerprint"] for e in json.loads(again)} == {e["fingerprint"] for e in second}
    assert cli("scan", "public", "-o", "scan.json").exit_code == 0
    assert json.loads((repo / "scan.json").read_text())["schema"] == "seolog.scan/1"  # still JSON

    # A URL scan has no files: the location is the page's URL, line 1.
    server.page("/", title="Hi")
    url_report = json.loads(cli("scan", server.url(), "--no-sitemaps", "-f", "gitlab").stdout)
    title = next(e for e in url_report if e["check_name"] == "title-too-short")
    assert title["location"] == {"path": server.url(), "lines": {"begin": 1}}


def test_sarif_regions_rule_names_and_information_uri(cli, repo: Path):
    shutil.copytree(EXAMPLE_SITE, repo / "site")
    r = cli("scan", "site", "-o", "out.sarif")
    assert r.exit_code == 0, r.stderr
    run = json.loads((repo / "out.sarif").read_text())["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["informationUri"].startswith("https://")
    names = [rule["name"] for rule in driver["rules"]]
    assert len(set(names)) == len(names)
    for rule in driver["rules"]:
        assert rule["name"] != rule["id"] and re.fullmatch(r"[A-Z][A-Za-z0-9]+", rule["name"])
    title_rule = next(rule for rule in driver["rules"] if rule["id"] == "title-too-long")
    assert title_rule["name"] == "TitleIsTooLong"

    def result(code: str, url: str) -> dict[str, Any]:
        return next(
            x for x in run["results"] if x["ruleId"] == code and x["properties"]["url"] == url
        )

    def where(res: dict[str, Any]) -> tuple[str, int | None]:
        physical = res["locations"][0]["physicalLocation"]
        return physical["artifactLocation"]["uri"], physical.get("region", {}).get("startLine")

    spade = (repo / "site/products/spade.html").read_text()
    home = (repo / "site/index.html").read_text()
    robots = (repo / "site/robots.txt").read_text()
    assert where(result("image-alt-missing", "http://site.localhost/products/spade.html")) == (
        "site/products/spade.html",
        line_of(spade, '<img src="/images/spade.jpg">'),
    )
    assert where(result("link-broken", "http://site.localhost/")) == (
        "site/index.html",
        line_of(home, 'href="/products/old-hoe.html"'),
    )
    assert where(result("robots-txt-invalid", "http://site.localhost/robots.txt")) == (
        "site/robots.txt",
        line_of(robots, "Sitemap: /sitemap.xml"),
    )
    assert where(result("content-thin", "http://site.localhost/")) == ("site/index.html", None)


def test_junit_fails_only_the_checks_the_gate_fails_on(cli, repo: Path):
    r = cli("scan", "public", "--fail-on", "error", "-o", "junit.xml", "-o", "scan.json")
    assert r.exit_code == ExitCode.THRESHOLD
    doc = json.loads((repo / "scan.json").read_text())
    severity = {i["code"]: i["severity"] for i in doc["issues"]}
    assert "error" in severity.values() and "notice" in severity.values()
    cases = {c.get("name").split(":")[0]: c for c in ET.parse(repo / "junit.xml").iter("testcase")}
    failed = {code for code, c in cases.items() if c.find("failure") is not None}
    assert failed == {code for code, s in severity.items() if s == "error"} | {"gate"}
    thin = cases["content-thin"]  # a notice: a passed test, its findings as output
    assert thin.find("failure") is None and "/shop/" in thin.find("system-out").text
    suite = ET.parse(repo / "junit.xml").getroot().find("testsuite")
    assert suite.get("failures") == str(len(failed))
    # What judged nothing is skipped, not passed: a folder has no server to send HSTS.
    unjudged = {c["code"] for c in doc["checks"] if c["result"] == "not_applicable"}
    skipped = {code for code, c in cases.items() if c.find("skipped") is not None}
    assert "hsts-missing" in skipped and skipped == unjudged
    assert suite.get("skipped") == str(len(skipped))


def test_markdown_starts_with_the_verdict_names_the_site_and_puts_errors_first(
    cli, repo: Path, server: FixtureServer
):
    r = cli("scan", "public", "--fail-on", "warning", "--format", "markdown")
    assert r.exit_code == ExitCode.THRESHOLD
    md = r.stdout.splitlines()
    assert re.fullmatch(r"## seolog: gate failed · \d+/100 for public/", md[0])
    assert md[2].startswith("❌ **Gate failed**: --fail-on warning: the scan has")
    rows = [line.split("|")[2].strip() for line in md if line.startswith("| `")]
    rank = {"error": 0, "warning": 1, "notice": 2}
    assert rows[0] == "error" and [rank[s] for s in rows] == sorted(rank[s] for s in rows)
    assert "scan #" not in r.stdout

    server.page("/", title="A garden tools shop that sells spades and forks")
    r = cli("scan", server.url(), "--no-sitemaps", "--fail-under", "10", "--format", "markdown")
    md = r.stdout.splitlines()
    assert re.fullmatch(r"## seolog: gate passed · \d+/100 for 127\.0\.0\.1:\d+", md[0])
    assert md[2] == "✅ **Gate passed**" and md[4] == "Gates: --fail-under 10"


@pytest.mark.parametrize(
    ("code", "details", "needle"),
    [
        ("title-too-long", {}, "<title>Shop"),  # not the one in the comment
        ("link-broken", {"targets": [{"url": "http://x.test/gone"}]}, "<a\n"),  # not the script's
        ("image-alt-missing", {"images": ["http://x.test/img/spade.jpg"]}, "<IMG"),
        ("h1-multiple", {}, "<h1>More"),
        ("html-lang-missing", {}, "<html>"),
        ("meta-description-missing", {}, "<head>"),
    ],
)
def test_the_line_is_the_element_the_finding_is_about(code: str, details: Any, needle: str):
    assert element_line(SHOP, "http://x.test/shop/", code, details) == line_of(SHOP, needle)


def test_an_element_that_cannot_be_found_has_no_line():
    assert element_line(SHOP, "http://x.test/", "link-broken", {"targets": [{"url": "x"}]}) is None
    assert element_line(SHOP, "http://x.test/", "content-thin", {"words": 3}) is None
    assert element_line(SHOP, "http://x.test/", "link-broken", {"targets": "junk"}) is None
    base = '<head><base href="/docs/"></head>\n<body>\n<a href="guide.html">x</a>'
    details = {"links": [{"url": "http://x.test/docs/guide.html", "text": "here"}]}
    assert element_line(base, "http://x.test/", "link-text-generic", details) == 3


def test_assertions_fail_only_their_check_and_warnings_are_said(cli, repo: Path):
    """--assert: an error-level assertion fails its check (JUnit) and the gate; a warn-level one
    is a warning annotation and a line in the Markdown, never a failure."""
    r = cli("scan", "public", "--assert", "link-broken=max:0", "--assert", "content-thin=max:0:warn",
            "-f", "github", "-o", "summary.md", "-o", "junit.xml")  # fmt: skip
    assert r.exit_code == ExitCode.THRESHOLD
    parsed = [p for p in map(parse_command, r.stdout.splitlines()) if p]
    gate = [(kind, msg) for kind, props, msg in parsed if props == {"title": "seolog gate"}]
    assert [kind for kind, _msg in gate] == ["warning", "error"]
    assert "content-thin" in gate[0][1] and "link-broken" in gate[1][1]
    md = (repo / "summary.md").read_text()
    assert "⚠️ assertion failed: content-thin" in md
    cases = {c.get("name").split(":")[0]: c for c in ET.parse(repo / "junit.xml").iter("testcase")}
    assert {code for code, c in cases.items() if c.find("failure") is not None} == {
        "link-broken",
        "gate",
    }


def test_annotations_name_files_from_the_repository_root_whatever_folder_seolog_ran_in(
    cli, repo: Path, monkeypatch: pytest.MonkeyPatch
):
    """A job with `working-directory: public` still annotates public/…: GitHub places
    annotations by paths from the checkout ($GITHUB_WORKSPACE), GitLab from $CI_PROJECT_DIR."""
    monkeypatch.chdir(repo / "public")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo))
    r = cli("scan", ".", "--format", "github")
    files = {c[1].get("file") for c in map(parse_command, r.stdout.splitlines()) if c}
    assert "public/shop/index.html" in files and not any(f and f.startswith("/") for f in files)
    monkeypatch.delenv("GITHUB_WORKSPACE")
    monkeypatch.setenv("CI_PROJECT_DIR", str(repo))
    r = cli("scan", ".", "-o", "gl-code-quality-report.json")
    quality = json.loads((repo / "public" / "gl-code-quality-report.json").read_text())
    assert "public/shop/index.html" in {i["location"]["path"] for i in quality}


def test_sarif_uris_are_encoded_and_one_file_under_two_urls_keeps_its_lines(cli, repo: Path):
    """A file name with a space or % is a valid URI reference in SARIF; `/` and `/index.html`
    (one file, two URLs) both get the line of their elements."""
    odd = repo / "public" / "100% cotton"
    odd.mkdir()
    (odd / "index.html").write_text(
        "<html><head>\n<title>Hi</title>\n</head><body><p>x</p></body></html>", encoding="utf-8"
    )
    index = repo / "public" / "index.html"
    index.write_text(
        index.read_text().replace(
            '<a href="/shop/">',
            '<a href="/index.html">Home</a>\n<img src="/x.png">\n<a href="/100%25%20cotton/">',
        ),
        encoding="utf-8",
    )
    r = cli("scan", "public", "-o", "out.sarif")
    assert r.exit_code == 0, r.stderr
    results = json.loads((repo / "out.sarif").read_text())["runs"][0]["results"]
    uris = {x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for x in results}
    assert "public/100%25%20cotton/index.html" in uris and not any(" " in u for u in uris)
    images = [
        x for x in results
        if x["ruleId"] == "image-alt-missing"
        and x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "public/index.html"
    ]  # fmt: skip
    assert len(images) == 2  # found on / and on /index.html
    assert {i["locations"][0]["physicalLocation"]["region"]["startLine"] for i in images} == {
        line_of(index.read_text(), "<img")
    }
