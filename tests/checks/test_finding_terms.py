"""Words a finding message takes from outside the checks have templates of their own."""

from seolog.checks.site import ROBOTS_LINES
from seolog.crawl import robots


def test_every_robots_txt_problem_has_its_sentence() -> None:
    said = {
        robots.SYNTAX_NOT_UNDERSTOOD,
        robots.UNKNOWN_DIRECTIVE,
        robots.INVALID_SITEMAP_URL,
        robots.INVALID_SITEMAP_PROTOCOL,
        robots.NO_USER_AGENT,
        robots.BAD_PATTERN_START,
        robots.BAD_DOLLAR,
    }
    assert set(ROBOTS_LINES) == said
    for problem, words in ROBOTS_LINES.items():
        assert words(4, "'Disalow: /x'") == f"line 4 'Disalow: /x': {problem}"
