"""Telling someone a site regressed: a webhook (JSON POST, Slack-compatible) and e-mail over SMTP.

With `sync/`, the only package that talks to the network after the crawl. Configured in the
`[alerts]` section of the config file; the webhook URL and the SMTP password come from the
environment or the keyring, never from the file.

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

from seolog.alerts.message import AlertSettings, Regression

__all__ = ["AlertSettings", "Regression", "send"]


def send(regression: Regression, settings: AlertSettings, env: dict[str, str]) -> list[str]:
    """Deliver the alert everywhere configured; returns what failed (reported, never fatal: the
    scan itself is stored either way)."""
    problems = []
    if settings.webhook:
        from seolog.alerts.webhook import post_webhook

        problems += post_webhook(regression, env)
    if settings.email:
        from seolog.alerts.mail import send_email

        problems += send_email(regression, settings.email, env)
    return problems
