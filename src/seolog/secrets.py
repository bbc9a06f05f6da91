"""Secrets (SMTP password, webhook URL, API keys) come from the environment or the system keyring,
never from a file in the project: config files get committed, and the store is shared."""

from __future__ import annotations

import os
import re

from seolog.errors import SyncError

SERVICE = "seolog"
API_KEY_ENV = "SEOLOG_API_KEY"
API_URL_ENV = "SEOLOG_API_URL"
# How much of an API key may be shown: the `sk_siloq_` kind plus four characters, enough to tell
# two keys apart, far too little to use one.
_SHOWN = 13

NO_KEYRING_HINT = (
    f"set {API_KEY_ENV} (and {API_URL_ENV}) in the environment instead, or install a keyring "
    "backend (on a headless server: pip install keyrings.alt)"
)


def get_secret(name: str, env_var: str) -> str | None:
    """The environment variable first (CI, cron, containers), then the keyring entry `name`."""
    value = os.environ.get(env_var)
    if value:
        return value
    return keyring_get(name)


def keyring_get(name: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    try:
        return keyring.get_password(SERVICE, name)
    except KeyringError:
        return None  # no usable keyring here (a headless server): the environment is the way


def require_keyring() -> None:
    """Refuse up front, before anyone types a key, where no keyring can keep it."""
    import keyring
    from keyring.backends import fail

    if isinstance(keyring.get_keyring(), fail.Keyring):
        raise SyncError(
            "no system keyring is available here to keep the API key", hint=NO_KEYRING_HINT
        )


def keyring_file() -> str | None:
    """Where the keyring backend keeps secrets when it keeps them in a plain file (keyrings.alt's
    file backends, chosen on headless servers): there the key is only base64-encoded, or
    encrypted with a password kept beside it. None for a system keyring."""
    import keyring

    backend = keyring.get_keyring()
    # keyring's ChainerBackend (what it picks when several backends are installed) stores in the
    # first of its backends that takes the secret: in practice the first of them.
    while (chain := getattr(backend, "backends", None)) is not None:
        if not chain:
            return None
        backend = chain[0]
    module = type(backend).__module__
    if not module.startswith("keyrings.alt"):
        return None
    path = getattr(backend, "file_path", None)
    return str(path) if path else f"a file ({type(backend).__name__})"


def keyring_set(name: str, value: str) -> None:
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        keyring.set_password(SERVICE, name, value)
    except NoKeyringError:
        raise SyncError(
            "no system keyring is available here to keep the API key", hint=NO_KEYRING_HINT
        ) from None
    except KeyringError as e:
        # The backend's message, never the value: some backends echo what they were given.
        raise SyncError(
            f"the system keyring refused to store the API key ({type(e).__name__})",
            hint=NO_KEYRING_HINT,
        ) from None


def keyring_delete(name: str) -> bool:
    """Remove an entry; False when there was none (or no keyring at all)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.delete_password(SERVICE, name)
    except KeyringError:  # PasswordDeleteError (no such entry), or no keyring at all
        return False
    return True


# Anything shaped like an API key (a secret `sk_` or an access `ak_` key), in any case: a platform
# error body may echo a key that is not ours (another site's, or ours re-cased).
# A token already cut ("sk_siloq_AbCd…") is left as it is.
_KEY_SHAPED = re.compile(r"\b(?:sk|ak)_[A-Za-z0-9_\-]{8,}(?![A-Za-z0-9_\-…])", re.IGNORECASE)


def mask_tokens(text: str) -> str:
    """`text` with every key-shaped token cut to a short prefix and "…": at most the `_SHOWN`
    characters `mask` keeps, and never more than a third of the token."""

    def cut(m: re.Match[str]) -> str:
        token = m.group(0)
        return token[: min(_SHOWN, len(token) // 3)] + "…"

    return _KEY_SHAPED.sub(cut, text)


def mask(key: str) -> str:
    """The part of a key that may be shown: `sk_siloq_AbCd…`."""
    return key[:_SHOWN] + "…" if len(key) > _SHOWN else "…"


class ApiKey:
    """An API key that cannot leak by accident: repr, str and f-strings show only its prefix."""

    __slots__ = ("_value", "source")

    def __init__(self, value: str, source: str) -> None:
        self._value = value
        self.source = source  # "environment" or "keyring"

    def reveal(self) -> str:
        """The key itself: for the Authorization header and the keyring, nothing else."""
        return self._value

    @property
    def masked(self) -> str:
        return mask(self._value)

    def __repr__(self) -> str:
        return f"ApiKey({self.masked}, from the {self.source})"

    __str__ = __repr__
