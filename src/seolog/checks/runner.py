"""Run the checks: page checks on each page as it is parsed, site checks once after the crawl.

A check that raises becomes a `check-error` finding naming it; one bad check never costs the
user a scan (Lighthouse's rule). A check runs only where it applies (`CheckSpec.applies`); the
runner says which checks judged each page and the site, so a scan can tell per check whether it
passed, failed or was not applicable (see `services.results.check_results`).
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
from seolog.wording import say

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
) -> tuple[bool, list[Finding]]:
    """(did the check judge `subject`, its findings there). A check that does not apply there
    judges nothing; one that raises judged nothing either, and leaves a check-error finding."""
    try:
        if not spec.applies_to(subject, rules.folder):
            return False, []
        hits: Iterable[Hit] = list(spec.func(subject, t))
    except Exception as e:
        error = f"{type(e).__name__}: {e}"
        return False, [
            Finding(
                CHECK_ERROR,
                Severity.NOTICE,
                default_url,
                say("check {code} failed: {error}", code=spec.code, error=error),
                {"check": spec.code, "error": error},
            )
        ]
    severity = rules.severity_of(spec.code, spec.severity)
    findings = []
    for hit in hits:
        url = hit.url or default_url
        if not rules.ignores(spec.code, url):
            findings.append(Finding(spec.code, severity, url, hit.message, hit.details))
    return True, findings


NO_RULES = AuditRules()


def judge_page(
    page: CrawledPage, t: Thresholds, rules: AuditRules = NO_RULES
) -> tuple[list[Finding], tuple[str, ...]]:
    """The page checks' findings on a page, and the codes of the checks that judged it."""
    findings: list[Finding] = []
    judged: list[str] = []
    for spec in _specs("page", rules):
        ran, found = _run(spec, page, t, rules, page.fetch.url)
        findings += found
        if ran:
            judged.append(spec.code)
    return findings, tuple(judged)


def run_page_checks(
    page: CrawledPage, t: Thresholds, rules: AuditRules = NO_RULES
) -> list[Finding]:
    return judge_page(page, t, rules)[0]


def judge_site(
    site: SiteData, t: Thresholds, rules: AuditRules = NO_RULES
) -> tuple[list[Finding], dict[str, bool]]:
    """The site checks' findings, and for each site check that ran: did it apply to the site."""
    findings: list[Finding] = []
    judged: dict[str, bool] = {}
    for code, applied, found in judge_site_checks(site, t, rules):
        judged[code] = applied
        findings += found
    return findings, judged


def judge_site_checks(
    site: SiteData, t: Thresholds, rules: AuditRules = NO_RULES
) -> Iterator[tuple[str, bool, list[Finding]]]:
    """Each site check in turn: (code, did it apply, its findings), so a caller can store one
    check's findings before the next runs (a big scan never holds every check's at once)."""
    for spec in _specs("site", rules):
        applied, found = _run(spec, site, t, rules, site.root_url)
        yield spec.code, applied, found


def run_site_checks(site: SiteData, t: Thresholds, rules: AuditRules = NO_RULES) -> list[Finding]:
    return judge_site(site, t, rules)[0]


def page_check_codes(rules: AuditRules = NO_RULES) -> list[str]:
    """The page checks a scan with these rules runs."""
    return [s.code for s in _specs("page", rules)]


def site_check_codes() -> set[str]:
    return {s.code for s in REGISTRY.values() if s.scope == "site"}


def audit_page(t: Thresholds, rules: AuditRules, page: CrawledPage) -> None:
    """The page half of the audit, run by the page worker as each page is parsed."""
    page.findings, page.judged = judge_page(page, t, rules)
    page.indexable = is_indexable(page)
