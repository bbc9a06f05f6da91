"""Secrets (SMTP password, webhook URL, API keys) come from the environment or the system keyring,
never from a file in the project: config files get committed."""

from __future__ import annotations

import os

SERVICE = "seolog"


def get_secret(name: str, env_var: str) -> str | None:
    """The environment variable first (CI, cron, containers), then the keyring entry `name`."""
    value = os.environ.get(env_var)
    if value:
        return value
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    try:
        return keyring.get_password(SERVICE, name)
    except KeyringError:
        return None  # no usable keyring here (a headless server): the environment is the way
