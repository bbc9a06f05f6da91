"""Like for like (issue 16): scans compare only when they crawled the same scope with the same
rules and both got through the site; "fixed" means the URL was fetched again and the issue gone.
"""

from __future__ import annotations

from seolog.errors import ExitCode
from tests.server import FixtureServer, Response

PAGES = 6


def _site(server: FixtureServer, broken: bool = True) -> None:
    """A home page linking five pages; each has a short title (title-too-short) and, while
    `broken`, a link to a missing page."""
    server.page("/", "Acme garden tools for keen gardeners", "".join(
        f'<a href="/p{i}">Page number {i}</a>' for i in range(1, PAGES)
    ))  # fmt: skip
    for i in range(1, PAGES):
        gone = f'<a href="/gone{i}">Old page {i}</a>' if broken else ""
        server.page(f"/p{i}", f"P{i}", f'<a href="/">Home page</a>{gone}')


def _scan(cli, server: FixtureServer, *flags: str):
    r = cli("scan", server.url(), "--no-sitemaps", *flags)
    assert r.exit_code == 0, r.stderr
    return r


def test_a_partial_scan_is_never_compared(cli, server: FixtureServer) -> None:
    _site(server)
    _scan(cli, server)
    r = _scan(cli, server, "--max-pages", "2", "--against-previous")
    assert "Not compared: this scan stopped at --max-pages 2 (partial)" in r.stderr
    assert "Scan #1" not in r.stdout and "fixed" not in r.stdout

    r = cli("scans", "diff", "1", "2")
    assert r.exit_code == ExitCode.USAGE
    assert "not comparable: scan 2 stopped at --max-pages 2 (partial)" in r.stderr
    assert "--force" in r.stderr

    doc = cli("scans", "diff", "1", "2", "--force", "--format", "json").json()
    assert doc["comparable"] is False and "partial" in doc["not_comparable"]
    assert doc["score_change"] is None  # no change claimed across scopes
    # The pages the partial scan did not reach: their issues are not rechecked, not fixed.
    assert doc["issues"]["fixed"] == []
    assert doc["issues"]["not_rechecked"]


def test_a_complete_scan_after_a_partial_one_compares_with_the_last_complete_one(
    cli, server: FixtureServer
) -> None:
    """The first scheduled run after a 5-page test scan: the test scan is no baseline."""
    _site(server)
    _scan(cli, server)  # 1: complete
    _scan(cli, server, "--max-pages", "2")  # 2: a quick test, partial
    r = _scan(cli, server, "--against-previous")  # 3
    assert "Scan #1 → #3" in r.stdout
    assert "0 new" in r.stdout and "0 fixed" in r.stdout


def test_a_threshold_change_never_produces_fixed(cli, server: FixtureServer) -> None:
    _site(server)
    _scan(cli, server)
    r = _scan(cli, server, "--threshold", "title_min_chars=1", "--against-previous")
    assert "No earlier scan of the same scope" in r.stderr and "thresholds" in r.stderr
    assert "fixed" not in r.stdout
    r = cli("scans", "diff", "1", "2")
    assert r.exit_code == ExitCode.USAGE and "thresholds" in r.stderr


def test_a_scan_of_a_subtree_is_not_compared_with_the_whole_site(cli, server: FixtureServer):
    _site(server)
    server.page("/docs/", "Documentation of the Acme garden tools", '<a href="/docs/a">A</a>')
    server.page("/docs/a", "Acme documentation, part A", '<a href="/docs/">Docs</a>')
    _scan(cli, server)
    assert cli("scan", server.url("/docs/"), "--no-sitemaps").exit_code == 0
    r = cli("scans", "diff", "1", "2")
    assert r.exit_code == ExitCode.USAGE
    assert "start URL" in r.stderr and server.url("/docs/") in r.stderr


def test_fixed_means_the_url_was_fetched_again_and_the_issue_is_gone(cli, server: FixtureServer):
    _site(server)
    _scan(cli, server)
    _site(server, broken=False)  # the links to the missing pages are removed
    _scan(cli, server)
    doc = cli("scans", "diff", "1", "2", "--format", "json").json()
    fixed = {(i["code"], i["url"]) for i in doc["issues"]["fixed"]}
    for i in range(1, PAGES):  # the pages that linked them were fetched again: fixed
        assert ("link-broken", server.url(f"/p{i}")) in fixed
    # The missing pages themselves were not fetched again (nothing links them): not rechecked.
    not_rechecked = {(i["code"], i["url"]) for i in doc["issues"]["not_rechecked"]}
    assert ("http-4xx", server.url("/gone1")) in not_rechecked
    assert not {u for _c, u in fixed if "/gone" in u}
    # And the scope is in the scan document, for scripts.
    scope = cli("scans", "show", "2", "--format", "json").json()["scan"]["scope"]
    assert scope["partial"] is False and scope["start"] == server.url("/")
    assert len(scope["catalog"]) == 12


def test_a_baseline_must_be_complete_and_judged_alike(cli, server: FixtureServer, tmp_path):
    """--fail-on-new against a partial baseline would call every issue on a page it never
    reached new; against other thresholds, every finding they move. Both are refused before
    the crawl, naming the difference; a complete baseline judged alike gates as before."""
    _site(server)
    partial = tmp_path / "partial.json"
    cli("scan", server.url(), "--no-sitemaps", "--max-pages", "2", "-o", f"json:{partial}")
    r = cli("scan", server.url(), "--no-sitemaps", "--fail-on-new", "--baseline", str(partial))
    assert r.exit_code == ExitCode.USAGE
    assert "is partial (stopped at --max-pages 2)" in r.stderr
    assert len(cli("scans", "list", "--format", "json").json()) == 1  # refused before crawling

    full = tmp_path / "full.json"
    cli("scan", server.url(), "--no-sitemaps", "-o", f"json:{full}")
    r = cli(
        "scan", server.url(), "--no-sitemaps", "--fail-on-new", "--baseline", str(full),
        "--threshold", "title_min_chars=1",
    )  # fmt: skip
    assert r.exit_code == ExitCode.USAGE
    assert "judged differently: thresholds" in r.stderr and "title_min_chars=1" in r.stderr
    r = cli("scan", server.url(), "--no-sitemaps", "--fail-on-new", "--baseline", str(full))
    assert r.exit_code == 0, r.stderr


def test_a_site_finding_off_the_pages_is_fixed_when_its_check_ran_again(cli, server):
    """robots.txt is no page of the crawl: its finding is fixed when the check ran again and
    found it well, with no page to refetch."""
    _site(server)
    _scan(cli, server)
    server.routes["/robots.txt"] = Response(
        body="User-agent: *\nAllow: /\n", content_type="text/plain"
    )
    _scan(cli, server)
    doc = cli("scans", "diff", "1", "2", "--format", "json").json()
    fixed = {i["code"] for i in doc["issues"]["fixed"]}
    assert "robots-txt-missing" in fixed
    assert "robots-txt-missing" not in {i["code"] for i in doc["issues"]["not_rechecked"]}


def test_scans_list_marks_partial_scans_and_their_scope(cli, server: FixtureServer) -> None:
    _site(server)
    _scan(cli, server)
    _scan(cli, server, "--max-pages", "2")
    _scan(cli, server)
    rows = {r["id"]: r for r in cli("scans", "list", "--format", "json").json()}
    assert [rows[i]["partial"] for i in (1, 2, 3)] == [False, True, False]
    assert rows[1]["scope_key"] == rows[3]["scope_key"]  # the same scope: these compare
    table = cli("scans", "list").stdout
    assert "completed (partial)" in table


def test_a_threshold_given_at_its_default_is_the_same_scope(cli, server: FixtureServer) -> None:
    """`title_min_chars = 30` written out (the default) judges as no override does."""
    _site(server)
    _scan(cli, server)
    r = _scan(cli, server, "--threshold", "title_min_chars=30", "--against-previous")
    assert "Scan #1 → #2" in r.stdout
