"""The hosted platform's REST API, spoken over httpx: auth, paths, and errors turned into one line.

Every failure becomes one of three errors, because each calls for a different next step:
- `AuthRejected`: the key is wrong or revoked. Stop at once; only a new key helps.
- `Transient` (and `RateLimited`): the platform is busy, down or unreachable. Wait and try again;
  if it lasts, the drain tells a page the platform keeps failing on (set aside, like a refusal)
  from an outage (stop and leave the outbox queued): see `sync.engine`.
- `Refused`: the platform will never take this request as it is (a 400 on a field). Set this page
  aside and go on with the others.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from seolog import __version__
from seolog.errors import SyncError, UsageError
from seolog.retryafter import retry_after_seconds
from seolog.secrets import API_KEY_ENV, ApiKey, mask_tokens

DEFAULT_TIMEOUT = 30.0  # seconds for one request; a page's SEO data is a few KiB
_MAX_ERROR_CHARS = 300
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")


class AuthRejected(SyncError):
    """401/403: the key is wrong, revoked, or for another site."""


class Transient(SyncError):
    """Worth trying again later: a 5xx, a timeout, a dropped connection. `reason` is the short
    form kept on a page the platform keeps failing on (the answer's line, without the preamble)."""

    retry_after: float | None = None

    def __init__(self, message: str, hint: str | None = None, reason: str | None = None) -> None:
        super().__init__(message, hint)
        self.reason = reason or message


class RateLimited(Transient):
    """429 or 503, perhaps with Retry-After: the platform asks us to slow down."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Refused(SyncError):
    """A 4xx other than auth: this request will not succeed as it is."""

    def __init__(self, message: str, status: int, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.status = status


@dataclass(frozen=True)
class Verified:
    """What `POST /auth/verify/` said about a key."""

    site_id: int | None
    site_name: str | None
    site_url: str | None
    key_name: str | None


def normalize_api_url(value: str) -> str:
    """`https://platform.example/api/v1/` → `https://platform.example/api/v1` (paths are joined)."""
    url = value.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"{value!r} is not an API URL",
            hint="give the platform's API base, e.g. https://platform.example/api/v1",
        )
    return url


def rejected_hint(key: ApiKey) -> str:
    """Where to put a valid key: where this one came from (a key from the environment wins over
    the keyring, so logging in again would not help)."""
    if key.source == "environment":
        return (
            f"set {API_KEY_ENV} to a valid key for this site (it takes precedence over auth login)"
        )
    return "log in again with a valid key: seolog auth login SITE --api-url URL"


def describe(response: httpx.Response, key: ApiKey | None = None) -> str:
    """One readable line for any of the platform's error shapes (DRF JSON or an HTML page)."""
    prefix = f"HTTP {response.status_code}"
    text = response.text
    detail = ""
    try:
        body: Any = json.loads(text) if text.strip() else None
    except ValueError:
        body = None
        if "<html" in text[:1000].lower() or "<!doctype" in text[:1000].lower():
            m = _HTML_TITLE.search(text)
            title = " ".join(_TAGS.sub(" ", m.group(1)).split()) if m else ""
            detail = f"an HTML error page ({title})" if title else "an HTML error page"
        else:
            detail = " ".join(text.split())
    if body is not None:
        detail = _json_detail(body)
    line = f"{prefix}: {detail}" if detail else prefix
    if key is not None:  # a server that echoes the key back must not make us print it
        line = line.replace(key.reveal(), key.masked)
    line = mask_tokens(line)  # nor any other key it names, in whatever case
    return line if len(line) <= _MAX_ERROR_CHARS else line[: _MAX_ERROR_CHARS - 1] + "…"


def _json_detail(body: Any) -> str:
    if isinstance(body, dict):
        for field in ("detail", "error", "message"):
            if field in body and not isinstance(body[field], dict | list):
                return str(body[field])
        parts = []
        for field, value in body.items():
            messages = value if isinstance(value, list) else [value]
            text = " ".join(str(m) for m in messages)
            parts.append(text if field == "non_field_errors" else f"{field}: {text}")
        return "; ".join(parts)
    if isinstance(body, list):
        return "; ".join(str(m) for m in body)
    return str(body)


class PlatformClient:
    """One connection pool to one API, authenticated with one site key; safe to share between
    the sender threads (httpx's pool is)."""

    def __init__(
        self,
        api_url: str,
        key: ApiKey,
        timeout: float = DEFAULT_TIMEOUT,
        connections: int = 4,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api_url = normalize_api_url(api_url)
        self.key = key
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
            headers={
                "Authorization": f"Bearer {key.reveal()}",
                "User-Agent": f"seolog/{__version__}",
                "Accept": "application/json",
            },
            follow_redirects=False,  # a redirected POST would lose its body (or our key)
            transport=transport,
        )

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def verify(self) -> Verified:
        """Ask which site the key opens. Both answer shapes exist in the wild: the current
        `{"valid": true, "site": {...}}` and the older `{"authenticated": true, "site_id": N}`."""
        try:
            body = self._post("/auth/verify/", {})
        except Refused as e:
            # A 404 or 405 here is most often an --api-url that is not the API's root.
            raise Refused(
                f"{self.api_url}/auth/verify/ answered {e.message.rstrip('.')}; "
                "is this the platform's API?",
                e.status,
                hint="--api-url is the API's root, e.g. https://platform.example/api/v1",
            ) from None
        if body.get("valid") is True:
            site = body.get("site") or {}
            key = body.get("key") or {}
            return Verified(site.get("id"), site.get("name"), site.get("url"), key.get("name"))
        if body.get("authenticated") is True:
            return Verified(body.get("site_id"), None, None, None)
        raise AuthRejected(
            f"the platform did not accept the API key {self.key.masked}: "
            + str(body.get("error") or body.get("detail") or "no reason given")
        )

    def sync_page(self, page: dict[str, Any]) -> tuple[int, bool]:
        """Upsert a page by its WordPress post id: (the platform's page id, created)."""
        body = self._post("/pages/sync/", page)
        return _page_id(body), bool(body.get("created"))

    def sync_seo_data(self, page_id: int, seo_data: dict[str, Any]) -> None:
        self._post(f"/pages/{page_id}/seo-data/", seo_data)

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        # Every path ends in "/": that server answers a POST without it with an HTML 500.
        url = self.api_url + path
        try:
            response = self._http.post(url, json=payload)
        except httpx.TimeoutException:
            raise Transient(f"the platform did not answer in time ({path})") from None
        except httpx.TransportError as e:
            raise Transient(f"lost the connection to the platform ({type(e).__name__})") from None
        return self._answer(response)

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        status = response.status_code
        if status in (401, 403):
            raise AuthRejected(
                f"the platform rejected the API key {self.key.masked} ({describe(response, self.key)})",
                hint=rejected_hint(self.key),
            )
        if status in (429, 503):
            raise RateLimited(
                f"the platform asked us to slow down ({describe(response, self.key)})",
                retry_after_seconds(response.headers.get("retry-after")),
            )
        if status >= 500 or 300 <= status < 400:
            line = describe(response, self.key)
            raise Transient(f"the platform failed ({line})", reason=line)
        if status >= 400:
            raise Refused(describe(response, self.key), status)
        try:
            body = response.json()
        except ValueError:
            raise Transient(
                f"the platform's answer was not JSON (HTTP {status}, "
                f"{response.headers.get('content-type', 'no content type')})"
            ) from None
        return body if isinstance(body, dict) else {}


def _page_id(body: dict[str, Any]) -> int:
    value = body.get("page_id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise Transient("the platform's answer has no page_id")
    return value
