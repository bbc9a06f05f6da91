"""robots.txt groups are matched on the crawler's product token, whole and case-insensitively
(RFC 9309 section 2.2.1): a --user-agent written as Googlebot's is Googlebot to robots.txt."""

from __future__ import annotations

import pytest

from seolog.config import robots_token
from seolog.crawl.robots import parse_robots
from seolog.errors import ExitCode
from tests.server import FixtureServer, Response

pytestmark = pytest.mark.store_agnostic  # no store involved: the PostgreSQL run skips it

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
ONLY_GOOGLEBOT = "User-agent: Googlebot\nAllow: /\n\nUser-agent: *\nDisallow: /\n"


def _site(server: FixtureServer, robots: str = ONLY_GOOGLEBOT) -> None:
    server.routes["/robots.txt"] = Response(body=robots, content_type="text/plain")
    server.page("/", "Home", '<a href="/about">About</a>')
    server.page("/about", "About")


def test_googlebots_user_agent_crawls_a_site_that_allows_only_googlebot(server: FixtureServer, cli):
    _site(server)
    r = cli("scan", server.url(), "--no-sitemaps", "--user-agent", GOOGLEBOT, "--format", "json")
    assert r.exit_code in (0, 1), r.stderr
    assert r.json()["summary"]["crawl"]["pages"] == 2
    assert "/about" in server.paths()
    assert [req.headers["user-agent"] for req in server.requests if req.path == "/"] == [GOOGLEBOT]


def test_the_default_user_agent_is_still_forbidden_there(server: FixtureServer, cli):
    _site(server)
    r = cli("scan", server.url(), "--no-sitemaps")
    assert r.exit_code == ExitCode.UNREACHABLE
    assert "robots.txt" in r.stderr and "forbids" in r.stderr
    assert server.paths() == ["/robots.txt"]  # nothing else was asked for


@pytest.mark.parametrize(
    ("group", "addressed"),
    [
        ("Googlebot", True),
        ("googlebot", True),
        ("GOOGLEBOT", True),
        ("Googlebot/2.1", True),  # the version is not part of the token
        ("  Googlebot  # ours", True),
        ("Google", False),  # a prefix of the token is another crawler
        ("Googlebot-Image", False),
        ("Googlebot-News", False),
        ("bot", False),
    ],
)
def test_a_group_addresses_the_crawler_by_its_whole_token(group: str, addressed: bool):
    rules = parse_robots(
        "https://shop.example",
        f"User-agent: {group}\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n",
        robots_token(GOOGLEBOT),
    )
    assert rules.allowed("https://shop.example/page") is addressed


def test_seologs_own_token_is_not_taken_by_a_shorter_name():
    robots = "User-agent: seo\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    assert parse_robots("https://e.example", robots, "seolog").allowed("https://e.example/a")


def test_groups_for_the_token_combine_and_other_spellings_of_the_line_count():
    """RFC 9309: several groups for one crawler are combined; Protego also reads `useragent`."""
    robots = (
        "User-agent: Bingbot\nUser-agent: Googlebot\nDisallow: /a/\n\n"
        "useragent: googlebot\nDisallow: /b/\nCrawl-delay: 2\n\n"
        "User-agent: *\nDisallow: /\n"
    )
    rules = parse_robots("https://e.example", robots, "googlebot")
    assert not rules.allowed("https://e.example/a/x")
    assert not rules.allowed("https://e.example/b/x")
    assert rules.allowed("https://e.example/c")
    assert rules.crawl_delay == 2.0
