"""The robots.txt validator as a pure function: the lines Lighthouse 12.2.3's robots-txt audit
calls errors (tests/lighthouse runs Lighthouse's own validator on the same samples)."""

from __future__ import annotations

import pytest

from seolog.crawl.robots import validate_robots
from seolog.domain import RobotsProblem

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it

BAD_START = 'pattern should either be empty, start with "/" or "*"'

# (robots.txt, [(line, message)]): one rule of core/audits/seo/robots-txt.js each.
SAMPLES = [
    pytest.param("User-agent: *\nDisallow: /private/\nAllow: /\n", [], id="valid"),
    pytest.param("", [], id="empty"),
    pytest.param(
        "# comment only\n\n   \nUser-agent: * # all\nDisallow: # nothing\n", [], id="comments"
    ),
    pytest.param(
        "\ufeffUser-AGENT:\tGooglebot\u00a0\nCRAWL-DELAY: 2\nHost: e.com\nClean-param: ref\n"
        "Request-rate: 1/5\nVisit-time: 0600-0845\nNoindex: /x\n",
        [],
        id="every-known-directive-any-case-js-whitespace",
    ),
    pytest.param("User-agent: *\nDisalow: /private/\n", [(2, "unknown directive")], id="typo"),
    pytest.param("User-agent: *\nDisallow /x\n", [(2, "syntax not understood")], id="no-colon"),
    pytest.param(
        "Disallow: /x\nAllow: /y\nSitemap: https://e.com/s.xml\nUser-agent: *\nDisallow: /z\n",
        [(1, "no user-agent specified"), (2, "no user-agent specified")],
        id="rules-before-any-user-agent",
    ),
    pytest.param(
        "User-agent:\nDisallow: /x\n",
        [(1, "no user-agent specified"), (2, "no user-agent specified")],
        id="an-empty-user-agent-starts-no-group",
    ),
    pytest.param(
        "User-agent: *\nDisallow: private/\nAllow: *.css\nDisallow: $\n",
        [(2, BAD_START), (4, BAD_START)],
        id="pattern-start",
    ),
    pytest.param(
        "User-agent: *\nDisallow: /*.pdf$\nDisallow: /a$b\n",
        [(3, '"$" should only be used at the end of the pattern')],
        id="dollar-inside",
    ),
    pytest.param(
        "Sitemap: /sitemap.xml\nSitemap: https://e.com:99999/s.xml\nSitemap: http://999.1.1.1/s\n"
        "Sitemap: http://exa mple.com/s\nSitemap: https:\nSitemap: HTTPS://bücher.de/s.xml\n"
        "Sitemap: ftp://e.com/s.xml\nSitemap: http://[::1]:8080/s\nSitemap: http:e.com/s\n",
        [(i, "invalid sitemap URL") for i in range(1, 6)],
        id="sitemap-url",
    ),
    pytest.param(
        "Sitemap: file:///var/www/sitemap.xml\nSitemap: mailto:seo@e.com\n",
        [(1, "invalid sitemap URL protocol"), (2, "invalid sitemap URL protocol")],
        id="sitemap-protocol",
    ),
    pytest.param(
        "User-agent: *\r\nDisalow: /a\rDisallow: b\n",
        [(2, "unknown directive"), (3, BAD_START)],
        id="crlf-and-cr-line-breaks",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SAMPLES)
def test_the_lines_lighthouse_calls_errors(text: str, expected: list[tuple[int, str]]):
    assert [(p.line, p.message) for p in validate_robots(text)] == expected


def test_a_problem_keeps_the_line_as_written_cut_short():
    long = "Disalow: /" + "a" * 300
    assert validate_robots(f"User-agent: *\n  Disalow: /private/  \n{long}\n") == [
        RobotsProblem(2, "Disalow: /private/", "unknown directive"),
        RobotsProblem(3, long[:99] + "…", "unknown directive"),
    ]


def test_an_html_page_served_as_robots_txt_is_all_errors():
    html = (
        "<!doctype html>\n<html><head><title>Not found</title></head>\n<body>Oops</body></html>\n"
    )
    assert [p.message for p in validate_robots(html)] == ["syntax not understood"] * 3


def test_problems_round_trip_through_the_stored_crawl_stats():
    from seolog.crawl.stats import CrawlStats

    problems = validate_robots("Disalow: /x\nSitemap: /s.xml\n")
    stats = CrawlStats(robots_problems=problems, robots_problem_count=2)
    back = CrawlStats.from_dict(stats.to_dict())
    assert back.robots_problems == problems and back.robots_problem_count == 2
    assert CrawlStats.from_dict({}).robots_problems == []  # a scan stored before them
