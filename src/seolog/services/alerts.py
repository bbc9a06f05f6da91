"""Regressions of a scheduled scan, and telling someone: a webhook (JSON POST, Slack-compatible)
and e-mail over SMTP. Configured in the `[alerts]` section of the config file; the webhook URL
and the SMTP password come from the environment or the keyring, never from the file.

```toml
[alerts]
score_drop = 5          # alert when the score falls by this many points or more
new_errors = true       # alert on error-level issues the previous scan did not have
unreachable = true      # alert when the site cannot be reached
webhook = true          # POST to $SEOLOG_WEBHOOK_URL (or the keyring entry "webhook")

[alerts.email]          # password: $SEOLOG_SMTP_PASSWORD or the keyring entry "smtp"
to = ["seo@acme.example"]
from = "seolog@agency.example"
host = "smtp.agency.example"
port = 587
security = "starttls"   # or "ssl" (port 465), or "none"
username = "seolog@agency.example"
```
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from seolog.context import AppContext
from seolog.secrets import get_secret
from seolog.services.diff import compare, previous_scan_id
from seolog.services.results import scan_document

TIMEOUT = 15.0  # seconds for a webhook or SMTP server to answer
LISTED = 10


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


def detect(ctx: AppContext, scan_id: int, settings: AlertSettings) -> Regression | None:
    """Compare with the site's previous completed scan. The first scan of a site has nothing to
    regress from."""
    previous = previous_scan_id(ctx, scan_id)
    if previous is None:
        return None
    before, after = scan_document(ctx, previous), scan_document(ctx, scan_id)
    diff = compare(before, after)
    reasons = []
    drop = diff.score_change
    if drop is not None and -drop >= settings.score_drop:
        reasons.append(f"score fell from {before['scan']['score']} to {after['scan']['score']}")
    new_errors = [i for i in diff.new if i["severity"] == "error"]
    if settings.new_errors and new_errors:
        reasons.append(f"{len(new_errors)} new error(s)")
    if not reasons:
        return None
    scan = after["scan"]
    return Regression(
        scan["site"],
        scan["url"],
        reasons,
        scan["id"],
        scan["score"],
        before["scan"]["score"],
        new_errors,
    )


def send(regression: Regression, settings: AlertSettings, env: dict[str, str]) -> list[str]:
    """Deliver the alert everywhere configured; returns what failed (reported, never fatal: the
    scan itself is stored either way)."""
    problems = []
    if settings.webhook:
        problems += _post_webhook(regression, env)
    if settings.email:
        problems += _send_email(regression, settings.email, env)
    return problems


def _post_webhook(regression: Regression, env: dict[str, str]) -> list[str]:
    import httpx

    url = env.get("SEOLOG_WEBHOOK_URL") or get_secret("webhook", "SEOLOG_WEBHOOK_URL")
    if not url:
        return ["webhook: no URL (set SEOLOG_WEBHOOK_URL or the keyring entry 'webhook')"]
    try:
        response = httpx.post(url, json=regression.payload(), timeout=TIMEOUT)
    except httpx.HTTPError as e:
        return [f"webhook: {type(e).__name__}: {e}"]
    if response.status_code >= 300:
        return [f"webhook: the receiver answered HTTP {response.status_code}"]
    return []


def _send_email(regression: Regression, email: dict[str, Any], env: dict[str, str]) -> list[str]:
    message = EmailMessage()
    message["Subject"] = f"seolog: {regression.site} regressed"  # the reasons are in the body
    message["From"] = email.get("from") or f"seolog@{email['host']}"
    message["To"] = ", ".join(email["to"])
    message.set_content(regression.text())
    security = email.get("security", "starttls")
    port = int(
        email.get("port") or (465 if security == "ssl" else 587 if security == "starttls" else 25)
    )
    password = env.get("SEOLOG_SMTP_PASSWORD") or get_secret("smtp", "SEOLOG_SMTP_PASSWORD")
    try:
        if security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                email["host"], port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(email["host"], port, timeout=TIMEOUT)
        with client:
            if security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if email.get("username"):
                if not password:
                    return [
                        "e-mail: no password (set SEOLOG_SMTP_PASSWORD or the keyring entry 'smtp')"
                    ]
                client.login(email["username"], password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as e:
        return [f"e-mail: {type(e).__name__}: {e}"]
    return []
