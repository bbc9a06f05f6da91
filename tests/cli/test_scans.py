"""`seolog scan` and `seolog scans …` output, formats and errors."""

from __future__ import annotations

from seolog.errors import ExitCode
from tests.conftest import EXAMPLE_SITE


def test_scan_summary_goes_to_stdout_and_list_show_delete(cli, server):
    server.page("/", body='<a href="/missing">m</a>')
    r = cli("scan", server.url(), "--no-sitemaps")
    assert r.exit_code == 0
    assert "Scan #1" in r.stdout and "completed (finished)" in r.stdout
    assert "1 4xx" in r.stdout
    assert "seolog scans show 1" in r.stderr

    listed = cli("scans", "list", "--format", "json").json()
    assert [(s["id"], s["status"], s["pages"]) for s in listed] == [(1, "completed", 2)]
    assert "127.0.0.1" in cli("scans", "list").stdout

    shown = cli("scans", "show", "1", "--format", "json").json()
    assert shown["schema"] == "seolog.scan/1"
    missing = next(p for p in shown["pages"] if p["url"] == server.url("/missing"))
    assert missing["status"] == 404
    assert {"code": "http-4xx", "url": server.url("/missing")}.items() <= next(
        i for i in shown["issues"] if i["code"] == "http-4xx"
    ).items()
    assert "Worst pages" in cli("scans", "show", "1").stdout
    by_code = cli("scans", "show", "1", "--code", "link-broken")
    assert server.url("/") in by_code.stdout and "1 broken URL" in by_code.stdout

    assert cli("scans", "delete", "1", "--yes").exit_code == 0
    assert cli("scans", "list", "--format", "json").json() == []
    assert cli("scans", "show", "1").exit_code == ExitCode.CONFIG


def test_scans_list_filters_by_site(cli, server):
    server.page("/")
    cli("sites", "add", server.url(), "--name", "one")
    cli("scan", "one", "--no-sitemaps")
    cli("scan", str(EXAMPLE_SITE), "--no-sitemaps")
    assert [
        s["site"] for s in cli("scans", "list", "--site", "one", "--format", "json").json()
    ] == ["one"]
    assert len(cli("scans", "list", "--format", "json").json()) == 2
    assert cli("scans", "list", "--site", "ghost").exit_code == ExitCode.CONFIG


def test_json_output_is_clean_on_stdout(cli, server):
    server.page("/")
    r = cli("scan", server.url(), "--format", "json", "--ignore-robots")
    doc = r.json()  # would fail if warnings or progress leaked into stdout
    assert doc["scan"]["pages_crawled"] == 1
    assert "warning" in r.stderr


def test_bad_target_and_flags(cli):
    r = cli("scan", "ghost")
    assert r.exit_code == ExitCode.CONFIG
    assert "'ghost' is not a URL, a folder or a registered site" in r.stderr
    r = cli("scan", "ftp://x.example/")
    assert r.exit_code == ExitCode.USAGE
    r = cli("scan", "./no/such/folder")
    assert r.exit_code == ExitCode.USAGE and "no such folder" in r.stderr
    r = cli("scan", "https://x.example", "--exclude", "(")
    assert r.exit_code == ExitCode.USAGE and "invalid --exclude pattern" in r.stderr
    r = cli("scan", "https://x.example", "--max-body-size", "lots")
    assert r.exit_code == ExitCode.USAGE
    r = cli("scan", "https://x.example", "--header", "no-colon")
    assert r.exit_code == ExitCode.USAGE
    r = cli("scan")
    assert r.exit_code == ExitCode.USAGE
    r = cli("scan", "https://x.example", "--base-url", "https://y.example")
    assert r.exit_code == ExitCode.USAGE and "--base-url only applies" in r.stderr


def test_scan_type_is_ci_under_ci(cli, server, monkeypatch):
    server.page("/")
    monkeypatch.setenv("CI", "true")
    r = cli("scan", server.url(), "--no-sitemaps", "--format", "json")
    assert r.json()["scan"]["type"] == "ci"


def test_quiet_prints_nothing_but_errors(cli, server):
    server.page("/")
    r = cli("--quiet", "scan", server.url(), "--no-sitemaps")
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == ""


def test_an_in_memory_store_gets_the_same_scan_as_a_file(cli, home):
    """A database only this process can see (sqlite://) is parsed and written inline, not by the
    page worker process; the result must not differ."""
    # The one timing-dependent check is kept out of reach of a busy machine.
    scan = ["scan", str(EXAMPLE_SITE), "--format", "json", "-t", "slow_response_ms=60000"]
    on_file = cli(*scan).json()
    in_memory = cli("--db", "sqlite://", *scan).json()
    assert in_memory["scan"]["status"] == "completed"
    assert in_memory["summary"]["pages"] == on_file["summary"]["pages"]
    assert in_memory["summary"]["pages"]["html"] == 12
    assert in_memory["summary"]["crawl"]["html_pages"] == 12
    # The audit ran inline too: the same findings and score.
    assert in_memory["summary"]["by_code"] == on_file["summary"]["by_code"]
    assert in_memory["scan"]["score"] == on_file["scan"]["score"] is not None
