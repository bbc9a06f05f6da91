"""The monthly report's "fixed" and the audit's score change, like for like (issue 16): a partial
scan or a threshold change never produces "fixed" nor a score change, and a client's first month
lists what `scans diff` of the month's first and last scan lists as fixed."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_comparable_scans import PAGES, _site
from tests.server import FixtureServer


def _client(cli, server: FixtureServer) -> None:
    _site(server)
    assert cli("sites", "add", server.url(), "--name", "acme").exit_code == 0
    assert cli("clients", "add", "Acme Ltd", "--rate", "95", "--site", "acme").exit_code == 0


def _fixed_section(cli, tmp_path: Path) -> str:
    out = tmp_path / "monthly.html"
    r = cli("reports", "monthly", "Acme Ltd", "--month", "this-month", "-f", "html", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    html = out.read_text()
    return html.split("An issue counts as fixed when")[1].split('id="next"')[0]


def test_a_partial_scan_or_other_thresholds_never_fix_anything(cli, server, tmp_path):
    _client(cli, server)
    assert cli("scan", "acme", "--no-sitemaps").exit_code == 0  # 1: broken links
    _site(server, broken=False)
    assert cli("scan", "acme", "--no-sitemaps", "--max-pages", "2").exit_code == 0  # partial
    assert cli("scan", "acme", "--no-sitemaps", "-t", "title_min_chars=1").exit_code == 0
    section = _fixed_section(cli, tmp_path)
    assert server.url("/p1") not in section  # nothing listed as fixed
    out = tmp_path / "audit.html"
    assert cli("reports", "audit", "3", "-f", "html", "-o", str(out)).exit_code == 0
    said = out.read_text().split('id="summary"')[1][:1200]
    assert "since the previous scan" not in said  # no change claimed across scopes
    assert "No earlier scan with the same settings to compare with." in said
    out = tmp_path / "partial.html"
    assert cli("reports", "audit", "2", "-f", "html", "-o", str(out)).exit_code == 0
    said = out.read_text().split('id="summary"')[1][:1200]
    assert "since the previous scan" not in said  # a sample is compared with nothing, and says so
    assert "Not compared: this scan stopped at its limit of 2 pages" in said


def test_a_month_of_partial_scans_says_why_nothing_is_listed_as_fixed(cli, server, tmp_path):
    _client(cli, server)
    assert cli("scan", "acme", "--no-sitemaps", "--max-pages", "2").exit_code == 0
    _site(server, broken=False)
    assert cli("scan", "acme", "--no-sitemaps", "--max-pages", "2").exit_code == 0
    section = _fixed_section(cli, tmp_path)
    assert "Not compared: this scan stopped at its limit of 2 pages" in section
    assert "<table>" not in section  # nothing claimed as fixed


def test_a_first_month_lists_what_scans_diff_calls_fixed(cli, server, tmp_path):
    _client(cli, server)
    assert cli("scan", "acme", "--no-sitemaps").exit_code == 0
    _site(server, broken=False)
    assert cli("scan", "acme", "--no-sitemaps").exit_code == 0
    diff = cli("scans", "diff", "1", "2", "--format", "json").json()["issues"]
    fixed_urls = {i["url"] for i in diff["fixed"]}
    assert fixed_urls == {server.url(f"/p{i}") for i in range(1, PAGES)}
    section = _fixed_section(cli, tmp_path)
    assert "None of the issues found earlier" not in section
    for url in fixed_urls:
        assert url in section
    for issue in diff["not_rechecked"]:  # the missing pages, not fetched again
        assert issue["url"] not in section
    out = tmp_path / "audit.html"
    assert cli("reports", "audit", "acme", "-f", "html", "-o", str(out)).exit_code == 0
    assert "since the previous scan" in out.read_text()  # comparable: the change is shown
