"""The check catalog for people and scripts: `seolog checks list | explain`."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from seolog.checks.registry import CheckSpec, catalog, code_hint, get_check
from seolog.checks.thresholds import Thresholds
from seolog.errors import NotFoundError


def list_checks(family: str | None = None) -> list[CheckSpec]:
    specs = list(catalog())
    if family is not None:
        specs = [s for s in specs if s.family == family]
        if not specs:
            families = sorted({s.family for s in catalog()})
            raise NotFoundError(
                f"no check family {family!r}", hint=f"families: {', '.join(families)}"
            )
    return specs


def find_check(code: str) -> CheckSpec:
    spec = get_check(code.strip().lower())
    if spec is None:
        raise NotFoundError(f"no check has the code {code!r}", hint=code_hint(code))
    return spec


def check_doc(spec: CheckSpec) -> dict[str, Any]:
    """One check as JSON; field names are public API."""
    defaults = Thresholds()
    return {
        "code": spec.code,
        "family": spec.family,
        "severity": spec.severity.value,
        "scope": spec.scope,
        "title": spec.title,
        "why": spec.why,
        "fix": spec.fix,
        "lighthouse": spec.lighthouse,
        "thresholds": {name: getattr(defaults, name) for name in spec.thresholds},
        "since": spec.since,
        # False: only the live server can fix it; a folder scan leaves it out (not applicable).
        "folder_scans": not spec.server_only,
    }


def thresholds() -> list[tuple[str, int, str]]:
    """(name, default, meaning) of every threshold."""
    described = Thresholds.describe()
    defaults = Thresholds()
    return [(f.name, getattr(defaults, f.name), described[f.name]) for f in fields(Thresholds)]
