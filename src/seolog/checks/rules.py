"""A project's own rules over the catalog: checks switched off, severities changed, findings
ignored on some URLs (from the config file; stored with the scan so a resume audits the same)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from seolog.domain import Severity


@dataclass(frozen=True)
class AuditRules:
    disable: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    ignore: tuple[tuple[str, re.Pattern[str]], ...] = ()
    # A folder scan (served by seolog's local server): checks only the live server can fix
    # (`CheckSpec.server_only`) are not applicable.
    folder: bool = False

    @classmethod
    def from_stored(cls, data: dict[str, Any] | None, folder: bool = False) -> AuditRules:
        data = data or {}
        return cls(
            folder=folder,
            disable=frozenset(data.get("disable") or ()),
            severity={code: Severity(s) for code, s in (data.get("severity") or {}).items()},
            ignore=tuple(
                (rule["code"], re.compile(rule.get("url") or ""))
                for rule in data.get("ignore") or ()
            ),
        )

    def runs(self, code: str) -> bool:
        return code not in self.disable

    def severity_of(self, code: str, default: Severity) -> Severity:
        return self.severity.get(code, default)

    def ignores(self, code: str, url: str) -> bool:
        return any(code == c and pattern.search(url) for c, pattern in self.ignore)
