"""The language model endpoint's API key: kept in the system keyring per endpoint origin (the
key is sent to that origin only), or given by SEOLOG_LLM_API_KEY (CI, cron), which wins, as
SEOLOG_API_KEY does for the platform."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from seolog.context import AppContext
from seolog.errors import ConfigError, UsageError
from seolog.llm.client import ChatClient, is_azure, normalize_api_url
from seolog.secrets import ApiKey, keyring_delete, keyring_get, keyring_set, require_keyring
from seolog.urls import origin_of

LLM_KEY_ENV = "SEOLOG_LLM_API_KEY"
# Hosted endpoints that always want a key: asked without one, they would only answer 401.
_KEYED_HOSTS = ("api.openai.com",)


def keyring_name(api_url: str) -> str:
    return f"llm:{origin_of(api_url)}"


def key_for(ctx: AppContext, api_url: str) -> ApiKey | None:
    value = ctx.env.get(LLM_KEY_ENV)
    if value:
        return ApiKey(value, "environment")
    stored = keyring_get(keyring_name(api_url))
    return ApiKey(stored, "keyring") if stored else None


def require_key(ctx: AppContext, api_url: str) -> ApiKey | None:
    """The key for the endpoint; an error up front for a hosted one that needs a key and has
    none (a local server without one is asked as it is, and says itself if it wants one)."""
    key = key_for(ctx, api_url)
    host = urlsplit(api_url).hostname or ""
    if key is None and (host in _KEYED_HOSTS or is_azure(api_url)):
        raise ConfigError(
            f"no API key for the language model endpoint {origin_of(api_url)}",
            hint=f"seolog auth login --llm --api-url {api_url} (or set {LLM_KEY_ENV})",
        )
    return key


@dataclass(frozen=True)
class LlmLogin:
    api_url: str
    key: str  # masked
    models: list[str] | None  # what the endpoint lists; None: it has no list


def login(ctx: AppContext, api_url: str, read_key: Callable[[], str], timeout: float) -> LlmLogin:
    """Check the key with the endpoint (its model list), then keep it in the keyring."""
    url = normalize_api_url(api_url)
    require_keyring()
    value = read_key().strip()
    if not value:
        raise UsageError("no API key was given", hint="type it at the prompt, or pipe it in")
    key = ApiKey(value, "keyring")
    with ChatClient(url, "", key, timeout=timeout, retries=0) as client:
        models = client.models()
    keyring_set(keyring_name(url), value)
    return LlmLogin(url, key.masked, models)


def logout(api_url: str) -> bool:
    return keyring_delete(keyring_name(normalize_api_url(api_url)))
