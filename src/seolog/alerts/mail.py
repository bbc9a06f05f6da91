"""An alert as an e-mail over SMTP (STARTTLS, SSL or plain), the password never in a file."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

from seolog.alerts.message import Regression
from seolog.secrets import get_secret

TIMEOUT = 15.0  # seconds for an SMTP server to answer


def send_email(regression: Regression, email: dict[str, Any], env: dict[str, str]) -> list[str]:
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
