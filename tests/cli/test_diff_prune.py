"""Scan history: what changed between two scans, and pruning old ones."""

from __future__ import annotations

from seolog.errors import ExitCode
from tests.server import FixtureServer

GOOD = "Acme garden tools for keen gardeners everywhere"


def _site(server: FixtureServer, title: str, extra_link: str = "") -> None:
    server.page("/", title=title, body=f'<a href="/a">About the company</a>{extra_link}')
    server.page(
        "/a", title="About Acme, makers of forged garden tools", body='<a href="/">Home page</a>'
    )


def test_diff_names_new_and_fixed_issues_and_page_changes(cli, server: FixtureServer):
    _site(server, "Acme", '<a href="/gone">Old catalogue page</a>')
    assert cli("scan", server.url(), "--no-sitemaps").exit_code == 0
    _site(server, GOOD, '<a href="/new">New catalogue page</a>')
    server.page("/new", title="The new catalogue of forged garden tools")
    r = cli("scan", server.url(), "--no-sitemaps", "--against-previous")
    assert r.exit_code == 0, r.stderr
    assert "Scan #1 → #2" in r.stdout and "New issues" in r.stdout

    doc = cli("scans", "diff", "1", "2", "--format", "json").json()
    assert doc["schema"] == "seolog.diff/1"
    fixed = {(i["code"], i["url"]) for i in doc["issues"]["fixed"]}
    assert ("title-too-short", server.url("/")) in fixed
    assert ("link-broken", server.url("/")) in fixed
    # /gone is no longer linked, so the later scan did not fetch it: its 404 is not known fixed.
    assert ("http-4xx", server.url("/gone")) not in fixed
    not_rechecked = {(i["code"], i["url"]) for i in doc["issues"]["not_rechecked"]}
    assert ("http-4xx", server.url("/gone")) in not_rechecked
    assert doc["comparable"] is True and doc["not_comparable"] is None
    assert doc["pages"]["added"] == [server.url("/new")]
    assert doc["pages"]["removed"] == [server.url("/gone")]
    assert {"url": server.url("/"), "field": "title", "before": "Acme", "after": GOOD} in doc[
        "changes"
    ]
    assert doc["score_change"] == doc["after"]["score"] - doc["before"]["score"] > 0
    md = cli("scans", "diff", "1", "2", "--format", "markdown").stdout
    assert md.startswith("## seolog: score") and "### Fixed issues" in md

    r = cli("scans", "diff", "1", "9")
    assert r.exit_code == ExitCode.CONFIG and "no scan with id 9" in r.stderr


def test_prune_keeps_the_newest_scans_of_each_site(cli, server: FixtureServer):
    _site(server, GOOD)
    for _ in range(3):
        assert cli("--quiet", "scan", server.url(), "--no-sitemaps").exit_code == 0
    dry = cli("scans", "prune", "--keep", "1", "--dry-run")
    assert "Would delete 2 scan(s)" in dry.stdout
    assert len(cli("scans", "list", "--format", "json").json()) == 3
    assert cli("scans", "prune", "--keep", "1", "--yes").exit_code == 0
    assert [s["id"] for s in cli("scans", "list", "--format", "json").json()] == [3]
    assert "Nothing to prune" in cli("scans", "prune", "--keep", "1", "--yes").stderr


def test_page_text_cannot_inject_terminal_markup_or_escapes(cli, server: FixtureServer):
    _site(server, GOOD)
    assert cli("scan", server.url(), "--no-sitemaps").exit_code == 0
    evil = "[bold red]PWNED[/bold red]\x1b[2J\x1b]0;title\x07 Acme"
    _site(server, evil.replace("\x1b", "&#27;").replace("\x07", "&#7;"))
    assert cli("scan", server.url(), "--no-sitemaps").exit_code == 0
    r = cli("--no-color", "scans", "diff", "1", "2")
    assert r.exit_code == 0, r.stderr
    assert "[bold red]PWNED[/bold red]" in r.stdout  # shown as the text it is, not as markup
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout  # no escape reaches the terminal
