"""The words a report shows for seolog's own names (check families, work types, score bands, file
names), in English: the English text is the message id the language catalogs translate."""

from __future__ import annotations

# Check families as a client reads them; a family missing here shows its name.
FAMILIES = {
    "content": "Content",
    "descriptions": "Meta descriptions",
    "headings": "Headings",
    "http": "Server responses",
    "images": "Images",
    "indexability": "Indexability",
    "international": "International",
    "links": "Links",
    "mobile": "Mobile",
    "other": "Other",
    "performance": "Performance",
    "resources": "Page resources",
    "security": "Security",
    "seolog": "Audit problems",
    "sitemaps": "Sitemaps",
    "social": "Social sharing",
    "structured-data": "Structured data",
    "titles": "Page titles",
    "urls": "URLs",
}

# The default work types (services.logs.DEFAULT_WORK_TYPES); an agency's own types
# (SEOLOG_WORK_TYPES) show as typed.
WORK_TYPES = {
    "technical": "Technical SEO",
    "on-page": "On-page SEO",
    "content": "Content work",
    "links": "Link building",
    "local": "Local SEO",
    "analytics": "Analytics",
    "reporting": "Reporting",
    "research": "Research",
    "meeting": "Meetings",
    "other": "Other work",
}

# Score bands, Lighthouse's: 90-100 good, 50-89 needs work, 0-49 poor
# (https://developer.chrome.com/docs/lighthouse/performance/performance-scoring#color-coding).
GOOD_FROM = 90
NEEDS_WORK_FROM = 50
BANDS = {"good": "Good", "needs-work": "Needs work", "poor": "Poor"}

# Default report file names (before the client or site and the month).
FILE_NAMES = {
    "audit": "seo-audit",
    "work": "work-report",
    "monthly": "monthly-report",
    "invoice": "invoice",
}
ISSUES_CSV = "issues"  # the CSV beside a cut PDF appendix: <report>-issues.csv


def score_band(score: int | None) -> str | None:
    """good, needs-work or poor; None without a score."""
    if score is None:
        return None
    if score >= GOOD_FROM:
        return "good"
    return "needs-work" if score >= NEEDS_WORK_FROM else "poor"


def messages() -> list[str]:
    """Every English text of this module, for the catalogs."""
    return [
        *FAMILIES.values(),
        *WORK_TYPES.values(),
        *BANDS.values(),
        *FILE_NAMES.values(),
        ISSUES_CSV,
    ]
