"""An alert as a JSON POST (Slack's incoming webhooks read its `text`)."""

from __future__ import annotations

from seolog.alerts.message import Regression
from seolog.secrets import get_secret

TIMEOUT = 15.0  # seconds for a webhook receiver to answer


def post_webhook(regression: Regression, env: dict[str, str]) -> list[str]:
    import httpx

    url = env.get("SEOLOG_WEBHOOK_URL") or get_secret("webhook", "SEOLOG_WEBHOOK_URL")
    if not url:
        return ["webhook: no URL (set SEOLOG_WEBHOOK_URL or the keyring entry 'webhook')"]
    try:
        response = httpx.post(url.strip(), json=regression.payload(), timeout=TIMEOUT)
    except (httpx.HTTPError, httpx.InvalidURL) as e:
        # The URL is a secret (Slack's holds the token): never repeat it.
        reason = str(e).replace(url.strip(), "<webhook URL>").replace(url, "<webhook URL>")
        return [f"webhook: {type(e).__name__}: {reason}"]
    if response.status_code >= 300:
        return [f"webhook: the receiver answered HTTP {response.status_code}"]
    return []
