"""The catalog: every check registers here with a stable code and the text users read.

A code is public API (JSON, SARIF, baselines, config files refer to it): it is never renamed or
reused. Modules register their checks on import; `seolog.checks` imports them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from seolog.domain import Severity
from seolog.suggest import did_you_mean as did_you_mean  # its first home: old imports work

_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Hit(NamedTuple):
    """What a check yields; the runner adds the code, the severity and (by default) the URL."""

    message: str
    details: dict[str, Any] = {}  # noqa: RUF012 - never mutated; NamedTuple defaults are shared
    url: str | None = None  # site checks say which page the finding belongs to


FIRST_VERSION = "0.1.0"  # every code of the first release; later codes name their version


@dataclass(frozen=True)
class CheckSpec:
    code: str
    family: str
    severity: Severity
    title: str  # one line, names the problem: "Title too long"
    why: str  # why it matters for search or users
    fix: str  # what to change
    scope: Literal["page", "site"]
    func: Callable[..., Iterable[Hit]]
    lighthouse: str | None = None  # the Lighthouse SEO audit it matches, if any
    thresholds: tuple[str, ...] = field(default=())  # names in Thresholds it reads
    since: str = FIRST_VERSION  # the seolog version the code first appeared in (never changes)
    # Where the check can judge at all: `applies(page)` for a page check, `applies(site)` for a
    # site check. Where it returns False the check does not run, and the page (or the site)
    # counts as not applicable, neither a pass nor a fail (Lighthouse's notApplicable). None:
    # every page (every site). It must hold wherever the check could find something, and be
    # cheap: it runs on every page.
    applies: Callable[[Any], bool] | None = None
    # Only the live server can fix what it finds (a response header, the server's speed): a
    # folder scan, served by seolog's own local server, cannot judge it, so there it does not
    # run and counts as not applicable, like `applies` returning False.
    server_only: bool = False

    def applies_to(self, subject: Any, folder: bool = False) -> bool:
        """Can the check judge `subject` (a page, or the site) in this scan?"""
        if folder and self.server_only:
            return False
        return self.applies is None or bool(self.applies(subject))

    def explain(self) -> str:
        """The explanation as plain text, the same for `checks explain` and the docs."""
        parts = [
            f"{self.code} ({self.severity.value}, {self.family}, since {self.since}): {self.title}",
            "",
        ]
        parts += ["Why it matters", "  " + self.why, "", "How to fix", "  " + self.fix]
        if self.lighthouse:
            parts += ["", "Lighthouse", "  " + self.lighthouse]
        if self.server_only:
            parts += ["", "Folder scans", "  " + FOLDER_NOTE]
        return "\n".join(parts)


FOLDER_NOTE = (
    "Not judged when scanning a folder (`seolog scan ./public`): only the live server's "
    "configuration can fix it. Scan the deployed URL to check it."
)

REGISTRY: dict[str, CheckSpec] = {}


def _register(scope: Literal["page", "site"], **spec: Any) -> Callable[[Callable[..., Any]], Any]:
    def wrap(func: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        code = spec["code"]
        if not _CODE.match(code):
            raise ValueError(f"check code {code!r} is not lowercase words joined by hyphens")
        if code in REGISTRY:
            raise ValueError(f"check code {code!r} is registered twice")
        REGISTRY[code] = CheckSpec(scope=scope, func=func, **spec)
        return func

    return wrap


def page_check(**spec: Any) -> Callable[[Callable[..., Any]], Any]:
    """Register `func(page: CrawledPage, t: Thresholds) -> Iterable[Hit]`, run on every page."""
    return _register("page", **spec)


def site_check(**spec: Any) -> Callable[[Callable[..., Any]], Any]:
    """Register `func(site: SiteData, t: Thresholds) -> Iterable[Hit]`, run once per scan."""
    return _register("site", **spec)


def catalog() -> Iterator[CheckSpec]:
    """Every check, by family then code."""
    import seolog.checks  # noqa: F401 - importing the families registers them

    yield from sorted(REGISTRY.values(), key=lambda c: (c.family, c.code))


def code_hint(code: str) -> str:
    """The hint for an unknown check code ("titel-missing": did you mean 'title-missing'?)."""
    return did_you_mean(code, (spec.code for spec in catalog()), "`seolog checks list`")


def get_check(code: str) -> CheckSpec | None:
    import seolog.checks  # noqa: F401

    return REGISTRY.get(code)
