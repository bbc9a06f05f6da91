"""Run the checks: page checks on each page as it is parsed, site checks once after the crawl.

A check that raises becomes a `check-error` finding naming it; one bad check never costs the
user a scan (Lighthouse's rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from seolog.checks.facts import is_indexable
from seolog.checks.registry import REGISTRY, CheckSpec, Hit, site_check
from seolog.checks.rules import AuditRules
from seolog.checks.sitedata import SiteData
from seolog.checks.thresholds import Thresholds
from seolog.domain import CrawledPage, Finding, Severity

CHECK_ERROR = "check-error"


@site_check(
    code=CHECK_ERROR,
    family="seolog",
    severity=Severity.NOTICE,
    title="A check failed to run",
    why="A bug in seolog, not in your site: one check raised an error on this URL. The other "
    "checks ran, and this finding does not lower the score.",
    fix="Report it with the details (the check code and the error) and the URL if you can share it.",
)
def _check_error(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    return iter(())  # findings of this code come from the runner, never from a check


def _specs(scope: str, rules: AuditRules) -> list[CheckSpec]:
    import seolog.checks  # noqa: F401 - every family registered before the first run

    return [
        s
        for s in REGISTRY.values()
        if s.scope == scope and s.code != CHECK_ERROR and rules.runs(s.code)
    ]


def _run(
    spec: CheckSpec, subject: Any, t: Thresholds, rules: AuditRules, default_url: str
) -> Iterator[Finding]:
    try:
        hits: Iterable[Hit] = list(spec.func(subject, t))
    except Exception as e:
        yield Finding(
            CHECK_ERROR,
            Severity.NOTICE,
            default_url,
            f"check {spec.code} failed: {type(e).__name__}: {e}",
            {"check": spec.code, "error": f"{type(e).__name__}: {e}"},
        )
        return
    severity = rules.severity_of(spec.code, spec.severity)
    for hit in hits:
        url = hit.url or default_url
        if not rules.ignores(spec.code, url):
            yield Finding(spec.code, severity, url, hit.message, hit.details)


NO_RULES = AuditRules()


def run_page_checks(
    page: CrawledPage, t: Thresholds, rules: AuditRules = NO_RULES
) -> list[Finding]:
    return [f for s in _specs("page", rules) for f in _run(s, page, t, rules, page.fetch.url)]


def run_site_checks(site: SiteData, t: Thresholds, rules: AuditRules = NO_RULES) -> list[Finding]:
    return [f for s in _specs("site", rules) for f in _run(s, site, t, rules, site.root_url)]


def site_check_codes() -> set[str]:
    return {s.code for s in REGISTRY.values() if s.scope == "site"}


def audit_page(t: Thresholds, rules: AuditRules, page: CrawledPage) -> None:
    """The page half of the audit, run by the page worker as each page is parsed."""
    page.findings = run_page_checks(page, t, rules)
    page.indexable = is_indexable(page)
