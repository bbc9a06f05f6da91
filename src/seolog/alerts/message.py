"""What an alert says, and which alerts a user asked for: plain data, no network."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LISTED = 10  # new errors named in an alert; the rest are counted


@dataclass
class AlertSettings:
    score_drop: int = 5
    new_errors: bool = True
    unreachable: bool = True
    webhook: bool = False
    email: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_config(cls, alerts: dict[str, Any]) -> AlertSettings:
        return cls(**{k: v for k, v in alerts.items() if k in cls.__dataclass_fields__})

    @property
    def configured(self) -> bool:
        return self.webhook or bool(self.email)


@dataclass
class Regression:
    site: str
    url: str
    reasons: list[str]
    scan_id: int | None = None
    score: int | None = None
    previous_score: int | None = None
    new_errors: list[dict[str, Any]] = field(default_factory=list)

    def text(self) -> str:
        lines = [f"seolog: {self.site} ({self.url}) regressed: {'; '.join(self.reasons)}."]
        for issue in self.new_errors[:LISTED]:
            lines.append(f"- {issue['code']}: {issue['url']}: {issue['message']}")
        if len(self.new_errors) > LISTED:
            lines.append(f"- … and {len(self.new_errors) - LISTED} more new errors")
        if self.scan_id is not None:
            lines.append(f"Details: seolog scans show {self.scan_id}")
        return "\n".join(lines)

    def payload(self) -> dict[str, Any]:
        """Slack reads `text`; other receivers get the facts under `seolog`."""
        return {
            "text": self.text(),
            "seolog": {
                "site": self.site,
                "url": self.url,
                "scan_id": self.scan_id,
                "score": self.score,
                "previous_score": self.previous_score,
                "reasons": self.reasons,
                "new_errors": self.new_errors,
            },
        }
