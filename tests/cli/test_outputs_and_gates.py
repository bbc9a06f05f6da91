"""Machine formats for CI and the gates that fail a build: what pipelines rely on."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from seolog.errors import ExitCode
from tests.conftest import EXAMPLE_SITE
from tests.server import FixtureServer


@pytest.fixture
def public(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example site copied into a 'repository' that is the working directory, as in CI."""
    shutil.copytree(EXAMPLE_SITE, tmp_path / "site")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_format_renders_the_same_findings(cli, public: Path):
    r = cli("scan", "site", "-o", "out.sarif", "-o", "junit.xml", "-o", "issues.csv",
            "-o", "summary.md", "-o", "json:scan.data")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert "Score" in r.stdout  # the summary stays on stdout
    doc = json.loads((public / "scan.data").read_text())
    issues = doc["issues"]
    checks = cli("checks", "list", "--format", "json").json()

    sarif = json.loads((public / "out.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [c["code"] for c in checks]
    assert len(run["results"]) == len(issues)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        if result["ruleId"] == "http-4xx":  # a 404 is no file in the folder: its URL
            assert uri.startswith("http://site.localhost/")
        else:
            assert uri.startswith("site/") and uri.endswith((".html", ".pdf", "robots.txt"))
    (home,) = [
        r
        for r in run["results"]
        if r["ruleId"] == "link-broken" and r["properties"]["url"] == "http://site.localhost/"
    ]
    assert home["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "site/index.html"

    junit = ET.parse(public / "junit.xml").getroot()
    cases = junit.findall(".//testcase")
    assert len(cases) == len(checks)
    # No gate was set, so nothing fails (the exit code is 0 too): findings are the output of
    # passed test cases.
    assert [c for c in cases if c.find("failure") is not None] == []
    found = {c.get("name").split(":")[0] for c in cases if c.find("system-out") is not None}
    assert found == {i["code"] for i in issues}
    broken = next(c for c in cases if c.get("name").startswith("link-broken:"))
    assert "http://site.localhost/about/" in broken.find("system-out").text

    rows = list(csv.DictReader(io.StringIO((public / "issues.csv").read_text())))
    assert [(r["code"], r["url"]) for r in rows] == [(i["code"], i["url"]) for i in issues]

    md = (public / "summary.md").read_text()
    assert md.startswith(f"## seolog: {doc['scan']['score']}/100 for site/\n")  # the folder
    assert "| `link-broken` | error | 4 |" in md and "&lt;html&gt;" in md


def test_formats_on_stdout_and_from_a_stored_scan(cli, public: Path):
    sarif = cli("scan", "site", "--format", "sarif")
    assert sarif.exit_code == 0 and json.loads(sarif.stdout)["version"] == "2.1.0"
    again = cli("scans", "show", "1", "--format", "sarif")
    assert again.stdout == sarif.stdout  # a stored scan renders as it did when it ran
    assert cli("scans", "show", "1", "--format", "junit").stdout.startswith("<?xml")
    r = cli("scan", "site", "-o", "summary.txt")
    assert r.exit_code == ExitCode.USAGE and "cannot tell which format" in r.stderr
    assert ".txt is no format's extension" in r.stderr and ".sarif" in r.stderr  # what works
    r = cli("scan", "site", "-o", "yaml:out.y")
    assert r.exit_code == ExitCode.USAGE and "unknown format 'yaml'" in r.stderr
    assert "gitlab" in r.stderr  # the formats there are


def test_fail_on_severity(cli, public: Path):
    r = cli("scan", "site", "--fail-on", "error", "-o", "scan.json")
    assert r.exit_code == ExitCode.THRESHOLD
    assert "--fail-on error: the scan has 7 error(s)" in r.stderr
    assert (public / "scan.json").exists()  # written before the gate failed


def _site(server: FixtureServer, extra: str = "") -> None:
    server.page("/", body=f'<a href="/a">About our garden tools</a>{extra}')
    server.page("/a", body='<a href="/">Home of our garden tools</a>')


def test_fail_on_new_only_fails_for_issues_missing_from_the_baseline(cli, server, tmp_path: Path):
    baseline = tmp_path / "main.json"
    _site(server)
    r = cli("scan", server.url(), "--no-sitemaps", "-o", str(baseline))
    assert r.exit_code == 0, r.stderr
    # The same site again: its old issues are accepted.
    r = cli("scan", server.url(), "--no-sitemaps", "--fail-on-new", "--baseline", str(baseline))
    assert r.exit_code == 0, r.stderr
    # A new broken link appears on the home page: only that is new.
    _site(server, '<a href="/gone">Our old catalogue</a>')
    r = cli("scan", server.url(), "--no-sitemaps", "--fail-on-new", "--baseline", str(baseline))
    assert r.exit_code == ExitCode.THRESHOLD
    assert "new issue(s)" in r.stderr and f"link-broken on {server.url()}" in r.stderr
    # A stored scan works as a baseline too, and --fail-on narrows what counts.
    r = cli(
        "scan",
        server.url(),
        "--no-sitemaps",
        "--fail-on-new",
        "--baseline",
        "1",
        "--fail-on",
        "error",
    )
    assert r.exit_code == ExitCode.THRESHOLD and "at or above error" in r.stderr
    r = cli("scan", server.url(), "--no-sitemaps", "--fail-on-new", "--baseline", "3")
    assert r.exit_code == 0, r.stderr  # scan 3 already had the broken link


def test_gate_flags_are_checked_before_crawling(cli, server, tmp_path: Path):
    server.page("/", body="hi")
    r = cli("scan", server.url(), "--fail-on-new")
    assert r.exit_code == ExitCode.USAGE and "--fail-on-new needs --baseline" in r.stderr
    assert server.paths() == []  # nothing was fetched
    bad = tmp_path / "not-a-scan.json"
    bad.write_text('{"hello": 1}')
    r = cli("scan", server.url(), "--no-sitemaps", "--fail-on-new", "--baseline", str(bad))
    assert r.exit_code == ExitCode.USAGE and "is not a seolog scan document" in r.stderr


def test_what_a_page_holds_never_breaks_an_output_file(cli, tmp_path: Path, monkeypatch):
    """A JSON-LD name with a control character and a lone surrogate escape ("\\ud800"): the
    scan stores it, and JUnit, SARIF and JSON stay well-formed (junit.xml broke on the control
    character; the surrogate crashed the scan with exit 70)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Hostile characters in a structured data name</title>"
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
        '"Product", "name": "Spade\\u0001 \\ud800 end"}</script></head>'
        "<body><h1>Spade</h1><p>Text.</p></body></html>"
    )
    r = cli("scan", "site", "-o", "junit.xml", "-o", "out.sarif", "-o", "scan.json")
    assert r.exit_code == 0, r.stderr
    junit = ET.parse(tmp_path / "junit.xml").getroot()
    outputs = " ".join(f.text or "" for f in junit.iter("system-out"))  # no gate: not failures
    assert 'Product "Spade\ufffd \ufffd end" is missing required property' in outputs
    sarif = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    texts = [res["message"]["text"] for res in sarif["runs"][0]["results"]]
    assert any('Product "Spade\x01 \ufffd end"' in t for t in texts)  # JSON escapes \x01 itself
    doc = json.loads((tmp_path / "scan.json").read_text(encoding="utf-8"))
    assert "structured-data-missing-required" in {i["code"] for i in doc["issues"]}


def test_statistics_count_findings_per_code_and_exit_zero_reports_without_failing(
    cli, public: Path
):
    doc = cli("scan", "site", "--format", "json").json()
    r = cli("scan", "site", "--statistics")
    assert r.exit_code == 0, r.stderr
    rows = [line.split(None, 3) for line in r.stdout.splitlines()]
    counts = {code: int(n) for n, code, _severity, _title in rows}
    assert counts == doc["summary"]["by_code"]
    assert [int(n) for n, *_ in rows] == sorted(counts.values(), reverse=True)
    assert ["link-broken", "error", "Links to a broken internal URL"] in [row[1:] for row in rows]
    assert "Score" not in r.stdout  # the statistics replace the summary
    r = cli("scan", "site", "--statistics", "--format", "json")
    assert r.exit_code == ExitCode.USAGE and "--statistics prints a table" in r.stderr

    failing = cli("scan", "site", "--fail-under", "99", "-o", "gate.json")
    assert failing.exit_code == ExitCode.THRESHOLD
    r = cli("scan", "site", "--fail-under", "99", "--exit-zero", "-o", "gate.json")
    assert r.exit_code == 0, r.stderr
    assert "gate failed: site score" in r.stderr and "(exit 0: --exit-zero)" in r.stderr
    assert json.loads((public / "gate.json").read_text())["gate"]["passed"] is False


def test_a_baseline_from_production_gates_a_scan_of_staging(cli, tmp_path: Path, monkeypatch):
    """The same site on another host (staging, a review app, a folder's base URL): its issues
    are matched by path, so only what the branch added is new."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLE_SITE, tmp_path / "public")
    production = ("--base-url", "https://www.example.com/")
    r = cli("scan", "public", *production, "-o", "base.json")
    assert r.exit_code == 0, r.stderr
    r = cli("scan", "public", "--base-url", "https://staging.example.com/",
            "--fail-on-new", "--baseline", "base.json")  # fmt: skip
    assert r.exit_code == 0, r.stderr  # nothing new: the same pages, on another host
    (tmp_path / "public" / "about" / "index.html").write_text(
        "<html><head><title>About</title></head><body>About us</body></html>"
    )
    r = cli("scan", "public", "--base-url", "https://staging.example.com/",
            "--fail-on-new", "--baseline", "1")  # fmt: skip
    assert r.exit_code == ExitCode.THRESHOLD
    assert "on https://staging.example.com/about/" in r.stderr  # what the change broke
    assert "/products/" not in r.stderr.split("not in the baseline")[1]  # old issues stay old


def test_code_quality_fingerprints_match_across_hosts(cli, tmp_path: Path, monkeypatch):
    """GitLab compares the branch's report with the target branch's, often scanned on another
    host (a review app): the same finding keeps its fingerprint there."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLE_SITE, tmp_path / "public")
    reports = []
    for host in ("https://www.example.com/", "https://review-42.example.com/"):
        r = cli("scan", "public", "--base-url", host, "--format", "gitlab")
        assert r.exit_code == 0, r.stderr
        reports.append({e["fingerprint"] for e in json.loads(r.stdout)})
    assert reports[0] == reports[1] and reports[0]
