"""Scores from findings: 100 is a page (or site) with nothing to fix.

The model, also written down in the README for consultants to explain to clients:

- A page starts at 100. Each *distinct* check code found on it multiplies the score by a factor
  for its severity: error x0.50, warning x0.85, notice x0.97. Ten broken links on a page count
  once (the page has one problem to fix); an error and two warnings give 100 x 0.5 x 0.85^2 = 36.
- Pages scored: HTML pages, and any URL with a finding of its own (a 404, a redirect chain).
  Images, PDFs and robots-blocked URLs are not pages of the site and are not scored.
- The site score is the mean of its page scores, multiplied by the same factors for each
  site-wide finding (no robots.txt, no sitemap).

Why multiply: one error should hurt a page badly (it may not be indexed at all), and problems
compound. Why a mean: a site where a third of the pages have an error scores ~83, well below a
healthy site's 90+, while one bad page among hundreds barely moves it.
"""

from __future__ import annotations

from collections.abc import Iterable

from seolog.domain import Severity

FACTORS = {Severity.ERROR: 0.50, Severity.WARNING: 0.85, Severity.NOTICE: 0.97}
UNSCORED_CODES = frozenset({"check-error"})  # seolog's own failures never cost the site points


def page_score(findings: Iterable[tuple[str, Severity]]) -> int:
    """Score from (code, severity) pairs; a code counts once however often it was found."""
    score = 100.0
    for code, severity in dict(findings).items():
        if code not in UNSCORED_CODES:
            score *= FACTORS[Severity(severity)]
    return round(score)


def site_score(page_scores: list[int], site_findings: Iterable[tuple[str, Severity]]) -> int | None:
    """None when nothing could be scored (no HTML page at all)."""
    if not page_scores:
        return None
    mean = sum(page_scores) / len(page_scores)
    return round(mean * page_score(site_findings) / 100)
