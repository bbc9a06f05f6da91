"""An OpenAI-compatible chat-completions endpoint, spoken over httpx: the OpenAI API, Azure
OpenAI, a local Ollama or llama.cpp server, vLLM. Streaming is off: one answer, with its token
usage, per request.

Failures become errors by what the user can do about them:
- `KeyRejected` (401/403): only another key helps; stop the run.
- `ModelMissing` (the endpoint does not know `--model`): stop the run, name the model.
- `EndpointDown`: no answer after the retries (refused connection, timeouts, 429 and 5xx, each
  retry waiting as Retry-After asks, else backing off): stop the run; what was stored stays.
- `EndpointRefused`: any other 4xx (a request the endpoint will never take): stop the run.
- `ContentRefused` and `Malformed` are about one page: its content was refused by the
  endpoint's policy, or the answer was not what was asked for. The run goes on with the others.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from seolog import __version__
from seolog.errors import ConfigError, SeologError, SyncError, TargetUnreachable, UsageError
from seolog.retryafter import retry_after_seconds
from seolog.secrets import ApiKey, mask_tokens

DEFAULT_API_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT = 60.0  # seconds for one answer: a local model on a CPU is slow
DEFAULT_RETRIES = 3  # after the first attempt, on 429, 5xx, timeouts and dropped connections
BACKOFF_S = 1.0  # the first pause without Retry-After; doubled after each retry
MAX_WAIT_S = 60.0  # a Retry-After longer than this is not waited for: the endpoint is down
_MAX_ERROR_CHARS = 300
_RETRIED = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
TEMPERATURE = 0.3  # close to what was asked, a little varied between pages


class KeyRejected(SyncError):
    """401/403: the key is wrong, revoked, or not for this endpoint."""


class ModelMissing(ConfigError):
    """The endpoint does not serve the model asked for."""


class EndpointRefused(SyncError):
    """A 4xx other than auth and the model: the endpoint will not take this request."""


class EndpointDown(TargetUnreachable):
    """No answer after the retries."""


class ContentRefused(SeologError):
    """The endpoint's content policy refused this page's prompt or answer."""


class Malformed(SeologError):
    """The answer was not the JSON asked for (or not a chat completion at all)."""


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False  # the endpoint sent no usage: counted from the text's length

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Answer:
    text: str
    usage: Usage
    model: str  # as the endpoint names it


def estimate_tokens(text: str) -> int:
    """About four characters a token (OpenAI's rule of thumb for English; Dutch is close)."""
    return max(1, (len(text) + 3) // 4)


def most_tokens(text: str) -> int:
    """A prompt's tokens at the most, for the budget: three characters a token, so a text
    that tokenizes worse than English (names, URLs, accents) is still reserved for in full."""
    return max(1, (len(text) + 2) // 3)


def normalize_api_url(value: str) -> str:
    """The API's base (`…/v1`), or a full chat-completions URL (Azure's, with its query)."""
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"{value!r} is not an API URL",
            hint="give the endpoint's base, e.g. https://api.openai.com/v1 or "
            "http://127.0.0.1:11434/v1 (Ollama)",
        )
    return url if parts.query else url.rstrip("/")


def completions_url(api_url: str) -> str:
    parts = urlsplit(api_url)
    if parts.path.rstrip("/").endswith("/chat/completions"):
        return api_url
    return f"{api_url}/chat/completions"


def is_azure(api_url: str) -> bool:
    return (urlsplit(api_url).hostname or "").endswith(".openai.azure.com")


def describe(response: httpx.Response, key: ApiKey | None = None) -> str:
    """One readable line for an error answer: OpenAI's `{"error": {"message": …}}`, Ollama's
    `{"error": "…"}`, or a proxy's page."""
    text = response.text
    detail = " ".join(text.split())[:_MAX_ERROR_CHARS]
    try:
        body: Any = json.loads(text) if text.strip() else None
    except ValueError:
        body = None
        if "<html" in text[:1000].lower():
            detail = "an HTML error page"
    if isinstance(body, dict):
        error = body.get("error", body.get("detail", body.get("message")))
        if isinstance(error, dict):
            error = error.get("message") or error.get("code")
        if error:
            detail = " ".join(str(error).split())
    line = f"HTTP {response.status_code}: {detail}" if detail else f"HTTP {response.status_code}"
    if key is not None:
        line = line.replace(key.reveal(), key.masked)
    line = mask_tokens(line)
    return line if len(line) <= _MAX_ERROR_CHARS else line[: _MAX_ERROR_CHARS - 1] + "…"


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return f"{error.get('code') or ''} {error.get('type') or ''}".strip()
    return ""


class ChatClient:
    """One connection pool to one endpoint and model; safe to share between threads (httpx's
    pool is). The key goes only to the endpoint it was given for: redirects are not followed."""

    def __init__(
        self,
        api_url: str,
        model: str,
        key: ApiKey | None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = BACKOFF_S,
        connections: int = 4,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_url = normalize_api_url(api_url)
        self.model = model
        self.key = key
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._limit_name = "max_tokens"  # max_completion_tokens for a reasoning model
        self._temperature = True  # False for a model that takes only its own
        headers = {"User-Agent": f"seolog/{__version__}", "Accept": "application/json"}
        if key is not None:
            if is_azure(self.api_url):
                headers["api-key"] = key.reveal()
            else:
                headers["Authorization"] = f"Bearer {key.reveal()}"
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
            headers=headers,
            follow_redirects=False,  # our key must not follow a redirect to another host
            transport=transport,
        )

    def __enter__(self) -> ChatClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def models(self) -> list[str] | None:
        """The models the endpoint lists (`GET …/models`), which checks the key; None when it
        has no such list (an Azure deployment URL, some local servers)."""
        base = self.api_url.split("?")[0].removesuffix("/chat/completions")
        try:
            response = self._http.get(f"{base}/models")
        except httpx.TimeoutException:
            raise EndpointDown(f"{self.api_url} did not answer in time") from None
        except httpx.TransportError as e:
            raise EndpointDown(
                f"cannot connect to {self.api_url} ({type(e).__name__})",
                hint="check --api-url and that the server is up",
            ) from None
        if response.status_code in (401, 403):
            raise KeyRejected(
                f"the language model endpoint refused the key: {describe(response, self.key)}",
                hint="check the key and log in again",
            )
        if response.status_code != 200:
            return None
        try:
            return [str(m["id"]) for m in response.json()["data"]]
        except (ValueError, KeyError, TypeError):
            return None

    def complete(self, messages: list[dict[str, str]], max_tokens: int) -> Answer:
        """One chat completion; retried on what may pass (see the module docstring)."""
        body: dict[str, Any] = {"model": self.model, "messages": messages, "stream": False}
        body[self._limit_name] = max_tokens
        if self._temperature:
            body["temperature"] = TEMPERATURE
        attempt = 0
        while True:
            try:
                response = self._http.post(completions_url(self.api_url), json=body)
            except httpx.TimeoutException:
                why, wait = "no answer in time", None
            except httpx.TransportError as e:
                why, wait = f"cannot connect ({type(e).__name__})", None
            else:
                if self._adapted(response, body):
                    continue  # asked again as this model wants (not a retry)
                if response.status_code not in _RETRIED:
                    return self._read(response, messages)
                why = describe(response, self.key)
                wait = retry_after_seconds(response.headers.get("Retry-After"))
            if attempt >= self.retries or (wait is not None and wait > MAX_WAIT_S):
                raise EndpointDown(
                    f"the language model endpoint {self.api_url} did not answer: {why}"
                    + (f" (after {attempt + 1} tries)" if attempt else ""),
                    hint="check --api-url and that the server is up; run again to go on "
                    "(what was stored is kept)",
                )
            pause = wait if wait is not None else self.backoff * 2**attempt
            self._sleep(pause * (1 + random.random() * 0.1) if wait is None else pause)
            attempt += 1

    def _adapted(self, response: httpx.Response, body: dict[str, Any]) -> bool:
        """OpenAI's reasoning models (o1, o3, gpt-5 …) refuse `max_tokens` (they take
        `max_completion_tokens`) and any temperature but their own, with a 400 naming the
        parameter: the request is changed once for each, and the client remembers it."""
        if response.status_code != 400:
            return False
        text = response.text
        if "max_tokens" in body and "max_completion_tokens" in text:
            self._limit_name = "max_completion_tokens"
            body["max_completion_tokens"] = body.pop("max_tokens")
            return True
        if "temperature" in body and "temperature" in text:
            self._temperature = False
            del body["temperature"]
            return True
        return False

    def _read(self, response: httpx.Response, messages: list[dict[str, str]]) -> Answer:
        status = response.status_code
        if status in (401, 403):
            hint = "log in again: seolog auth login --llm --api-url URL (or set SEOLOG_LLM_API_KEY)"
            if self.key is None:
                raise KeyRejected(
                    f"the language model endpoint {self.api_url} wants an API key, and none is "
                    "set for it",
                    hint=hint.replace("log in again", "log in"),
                )
            raise KeyRejected(
                f"the language model endpoint refused the key: {describe(response, self.key)}",
                hint=hint,
            )
        code = _error_code(response)
        line = describe(response, self.key)
        if status == 404 or "model_not_found" in code:
            if "model" in line.lower() or "model_not_found" in code:
                raise ModelMissing(
                    f"the endpoint has no model {self.model!r}: {line}",
                    hint="name one it serves with --model (or [suggest] model in the config)",
                )
            raise EndpointRefused(
                f"{completions_url(self.api_url)} answered {line}; is --api-url the API's base?",
                hint="e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1",
            )
        if "content_filter" in code or "content_policy" in code:
            raise ContentRefused(f"the endpoint's content policy refused it: {line}")
        if status >= 400:
            raise EndpointRefused(f"the language model endpoint refused the request: {line}")
        try:
            data = response.json()
            choice = data["choices"][0]
            message = choice.get("message") or {}
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            raise Malformed("the answer was not a chat completion") from None
        if message.get("refusal") or choice.get("finish_reason") == "content_filter":
            why = message.get("refusal") or "content filter"
            raise ContentRefused(f"the model refused: {' '.join(str(why).split())[:200]}")
        text = message.get("content")
        if not isinstance(text, str):
            raise Malformed("the answer had no text")
        usage = _usage(data.get("usage"), messages, text)
        return Answer(text, usage, str(data.get("model") or self.model))


def _usage(usage: Any, messages: list[dict[str, str]], text: str) -> Usage:
    """The endpoint's count; an estimate when it sent none (some local servers)."""
    try:
        return Usage(int(usage["prompt_tokens"]), int(usage["completion_tokens"]))
    except (TypeError, KeyError, ValueError):
        prompt = estimate_tokens("".join(m["content"] for m in messages))
        return Usage(prompt, estimate_tokens(text), estimated=True)
