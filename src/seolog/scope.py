"""What a scan looked at and how it judged it: the scope two scans must share to be compared.

Every comparison seolog makes (a scheduled run's regressions, `scans diff`, the score change, the
trend, "fixed" in a monthly report) used to take whatever scan came before. A 5-page test scan
then read as 18 new errors, and a rescan with a lower --max-pages as 500 fixes. A comparison is
only honest between scans of the same pages judged by the same rules, so each scan has a scope:
where it started, what it may crawl, the checks and thresholds that judged it, and whether it got
through the site or stopped at a limit. Scans compare only when their scopes match and neither
is partial; otherwise the comparison says why not, in one line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from seolog.urls import normalize_url

# Why a crawl ended, when it did not get through the site (its findings are a sample).
_PARTIAL = {
    "max_pages": "stopped at --max-pages {max_pages}",
    "time_budget": "stopped at --max-time",
    "interrupted": "interrupted",
    "failed": "failed",
}


# The parts of a scope that say how findings were judged, not which pages were crawled or how
# (a production baseline gates a folder build of the same site, with or without external checks).
JUDGED = ("thresholds", "disabled", "severity", "ignored")


def catalog_version(codes: Iterable[str]) -> str:
    """A short fingerprint of the check catalog a scan ran with: a release that adds or removes
    checks changes it, so its first scan does not read the new checks' findings as new problems."""
    return hashlib.sha256("\n".join(sorted(codes)).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class ScanScope:
    """The comparable parts of a scan (see the module's docstring)."""

    start: str  # the start URL, normalised
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    subdomains: bool = False
    max_depth: int | None = None
    robots: str = "obey"  # or "ignore"
    sitemaps: bool = True  # seeded from the sitemaps (finds pages no link reaches)
    external: bool = True  # links and resources checked (the resource checks applied)
    folder: bool = False  # a folder served locally (server-only checks do not apply)
    thresholds: tuple[tuple[str, int], ...] = ()
    disabled: tuple[str, ...] = ()  # checks switched off by the project's rules
    severity: tuple[tuple[str, str], ...] = ()  # severities the project's rules changed
    ignored: tuple[tuple[str, str], ...] = ()  # (code, URL pattern) findings left out
    catalog: str | None = None  # `catalog_version`; None for a scan stored before it was kept
    max_pages: int = 0  # not part of the key: it matters only when the crawl stopped at it
    stop_reason: str | None = None

    @classmethod
    def of(
        cls,
        start_url: str,
        settings: Mapping[str, Any] | None,
        stop_reason: str | None = None,
        catalog: str | None = None,
        defaults: Mapping[str, int] | None = None,
    ) -> ScanScope:
        """The scope of a stored scan: its start URL, its stored settings (`CrawlSettings.
        to_stored`), how it ended and its catalog. `defaults`: the thresholds' defaults, so an
        override that repeats one (`title_min_chars = 30` in a config) is no other scope."""
        s = settings or {}
        rules = s.get("audit_rules") or {}
        said = s.get("thresholds") or {}
        thresholds = {k: v for k, v in said.items() if defaults is None or defaults.get(k) != v}
        return cls(
            start=normalize_url(start_url) or start_url,
            include=tuple(s.get("include") or ()),
            exclude=tuple(s.get("exclude") or ()),
            subdomains=bool(s.get("subdomains")),
            max_depth=s.get("max_depth"),
            robots="ignore" if s.get("ignore_robots") else "obey",
            sitemaps=bool(s.get("sitemaps", s.get("use_sitemaps", True))),
            external=bool(s.get("external", True)),
            folder=bool(s.get("folder")),
            thresholds=tuple(sorted(thresholds.items())),
            disabled=tuple(sorted(rules.get("disable") or ())),
            severity=tuple(sorted((rules.get("severity") or {}).items())),
            ignored=tuple(
                sorted((r.get("code", ""), r.get("url") or "") for r in rules.get("ignore") or ())
            ),
            catalog=catalog,
            max_pages=int(s.get("max_pages") or 0),
            stop_reason=stop_reason,
        )

    @property
    def partial(self) -> bool:
        """The crawl stopped before it got through the site: its findings are a sample."""
        return self.stop_reason in _PARTIAL

    @property
    def partial_reason(self) -> str | None:
        if not self.partial:
            return None
        return _PARTIAL[self.stop_reason or ""].format(max_pages=self.max_pages)

    def _keyed(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "include": list(self.include),
            "exclude": list(self.exclude),
            "subdomains": self.subdomains,
            "max_depth": self.max_depth,
            "robots": self.robots,
            "sitemaps": self.sitemaps,
            "external": self.external,
            "folder": self.folder,
            "thresholds": [list(t) for t in self.thresholds],
            "disabled": list(self.disabled),
            "severity": [list(t) for t in self.severity],
            "ignored": [list(t) for t in self.ignored],
        }

    @property
    def key(self) -> str:
        """The fingerprint of what must match (the catalog is compared apart: an older scan
        has none)."""
        text = json.dumps(self._keyed(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def document(self) -> dict[str, Any]:
        """The scope as the JSON documents show it."""
        return {
            **self._keyed(),
            "catalog": self.catalog,
            "max_pages": self.max_pages,
            "partial": self.partial,
            "key": self.key,
        }

    def differences(self, other: ScanScope, fields: Iterable[str] | None = None) -> list[str]:
        """What differs from `other`, in a user's words ("max depth 2 vs none"); [] when the
        two are comparable. `fields`: only those (see `JUDGED`)."""
        out = []
        names = {
            "start": "start URL",
            "include": "--include",
            "exclude": "--exclude",
            "subdomains": "--subdomains",
            "max_depth": "max depth",
            "robots": "robots.txt",
            "sitemaps": "sitemaps",
            "external": "external checks",
            "folder": "folder scan",
            "thresholds": "thresholds",
            "disabled": "checks switched off",
            "severity": "severities",
            "ignored": "ignored findings",
        }
        wanted = set(names if fields is None else fields)
        mine, theirs = self._keyed(), other._keyed()
        for field_, label in names.items():
            if field_ in wanted and mine[field_] != theirs[field_]:
                out.append(f"{label} {_shown(mine[field_])} vs {_shown(theirs[field_])}")
        if self.catalog and other.catalog and self.catalog != other.catalog:
            out.append("the check catalog changed (another seolog release)")
        return out

    def judged_differently(self, other: ScanScope) -> list[str]:
        """How the two scans' findings were judged differently (thresholds, rules, catalog),
        whatever each crawled: what matters to a baseline, which may come from another origin
        (production gating staging) or another part of the site."""
        return self.differences(other, JUDGED)

    def not_comparable(self, other: ScanScope, this: str = "", that: str = "") -> str | None:
        """Why this scan and `other` cannot be compared, in one line; None when they can.
        `this` and `that` name them ("scan 3")."""
        for scope, name in ((self, this), (other, that)):
            if scope.partial:
                prefix = f"{name} " if name else ""
                return f"not comparable: {prefix}{scope.partial_reason} (partial)".replace(
                    "  ", " "
                )
        diffs = self.differences(other)
        if diffs:
            return "not comparable: " + "; ".join(diffs)
        return None


def _shown(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        if value and isinstance(value[0], list):
            return ", ".join(f"{a}={b}" for a, b in value)
        return ", ".join(str(v) for v in value)
    return str(value)
