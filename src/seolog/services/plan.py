"""A scan planned before the first request: its settings resolved through every layer, its gates
checked and its baseline read, so a mistake in any of them fails in a second, not after a crawl.

`seolog scan` and `seolog.scan()` both plan here; then they run the plan (`services.scans`) and
gate the result (`services.gates`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from seolog.alerts import AlertSettings
from seolog.config import Credentials
from seolog.context import AppContext
from seolog.crawl.tls import INSECURE, verify_for
from seolog.errors import UsageError
from seolog.services.gates import Baseline, Gates, check_baseline, prepare
from seolog.services.resolve import ConfigSource, Resolved, resolve
from seolog.services.results import scope_from
from seolog.services.scans import ScanRequest, current_catalog
from seolog.services.target import settle_scheme


@dataclass(frozen=True)
class ScanPlan:
    resolved: Resolved
    gates: Gates
    baseline: Baseline | None
    credentials: Credentials
    request: ScanRequest | None = None  # a new scan …
    resume: int | None = None  # … or the ID of an interrupted one to finish
    notes: tuple[str, ...] = ()  # what the plan decided that the caller should hear
    # A resumed scan's TLS trust given again (like credentials): the CA file may have moved.
    trust: dict[str, Any] | None = None

    @property
    def sync(self) -> bool:
        return bool(self.resolved.get("scan.sync"))

    @property
    def max_pages(self) -> int:
        return int(self.resolved.get("scan.max_pages"))

    @property
    def alerts(self) -> AlertSettings:
        return AlertSettings.from_config(self.resolved.config.alerts)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Deprecated names, unknown variables, a crawl that will not obey robots.txt, and a
        baseline no gate reads."""
        extra: tuple[str, ...] = ()
        if self.request is not None and self.request.settings.ignore_robots:
            extra = ("--ignore-robots: robots.txt will not be obeyed",)
        if self.request is not None and self.request.settings.insecure:
            extra += (INSECURE,)
        if self.gates.baseline is not None and not self.gates.fail_on_new:
            extra += (
                f"--baseline {self.gates.baseline} is read but unused: only --fail-on-new "
                "compares with it",
            )
        return self.resolved.warnings + self.notes + extra


def plan_scan(
    ctx: AppContext,
    source: ConfigSource,
    target: str | None = None,
    *,
    resume: int | None = None,
    flags: Mapping[str, Any] | None = None,
    thresholds: list[str] | None = None,
    credentials: Credentials | None = None,
    base_url: str | None = None,
    flag_label: str = "command line",
    gated: bool = True,
) -> ScanPlan:
    """Everything a scan needs, checked. `flags` are settings by name (the highest layer);
    `thresholds` are `NAME=N` overrides of the config's thresholds. With `gated` False the
    caller gates nothing, so the gate settings are neither checked nor read."""
    if resume is not None and target is not None:
        raise UsageError("give either TARGET or --resume ID, not both", hint="drop one of them")
    if resume is None and target is None:
        raise UsageError(
            "say what to scan: a URL, a site name or a folder",
            hint="e.g. seolog scan https://www.example.com",
        )
    resolved = resolve(source, flags, ctx.env, flag_label)
    gates = Gates.from_resolved(resolved) if gated else Gates()
    baseline = prepare(ctx, gates)
    credentials = credentials or Credentials()
    request: ScanRequest | None = None
    notes: tuple[str, ...] = ()
    if target is not None:
        settings = resolved.crawl_settings(credentials, thresholds)
        verify_for(settings)  # a CA bundle that cannot be used fails now, not after the scan row
        if baseline is not None:  # judged as this scan will be, or --fail-on-new invents issues
            scope = scope_from(target, settings.to_stored(), None, current_catalog())
            check_baseline(baseline, scope)
        # A registered site name as it is; a scheme-less address with https, else http.
        request, notes = settle_scheme(ctx, ScanRequest(target, settings, base_url))
    trust: dict[str, Any] | None = None
    if target is None:
        notes = _ignored_on_resume(resolved, bool(thresholds or base_url))
        trust = {n: resolved.get(f"scan.{n}") for n in RESUME_TRUST if n in resolved.flags}
    return ScanPlan(resolved, gates, baseline, credentials, request, resume, notes, trust or None)


# Settings a resume takes again, as it takes credentials: where the CA file is, whether to verify.
RESUME_TRUST = ("ca_bundle", "insecure")


def _ignored_on_resume(resolved: Resolved, more: bool) -> tuple[str, ...]:
    """A resumed scan crawls and audits as it started (its settings are stored with it): say so
    when crawl settings were given anyway, rather than ignore them silently."""
    from seolog.settings import SETTINGS

    given = [
        s.name
        for s in SETTINGS
        if s.crawl_field and s.name in resolved.flags and s.name not in RESUME_TRUST
    ]
    if not given and not more:
        return ()
    named = ", ".join(given + (["thresholds/base URL"] if more else []))
    return (f"a resumed scan keeps the settings it started with; ignored: {named}",)
