"""A contract server for the hosted platform's API, on 127.0.0.1, written for the tests.

It implements what the issue records about the real (Django REST) server: site-scoped Bearer
keys, `/auth/verify` in both answer shapes, trailing slashes (a POST without one gets an HTML 500),
upserts of pages by (site, wp_post_id) and of SEO data by page, the column limits as the real
backend answers them (strings over their column → a DRF 400 naming the field: 500 characters, the
slug and `canonical_url` 200, `schema_type` 100; what only PostgreSQL checks → an HTML 500: a page
`url` over 200 characters, a post id over 2**31-1), and DRF-shaped errors. Faults can be queued:
500s, 429/503 with Retry-After, dropped connections (before or after the upsert), slow answers.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import socket
import string
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.server import _QuietServer

KEY_PREFIX = "sk_siloq_"
MAX_CHARS = 500  # a CharField's max_length unless _LIMITS says otherwise
MAX_POST_ID = 2**31 - 1
MAX_URL = 200  # Page.url: not validated by the view, so PostgreSQL refuses it (HTML 500)
# Columns with a max_length other than MAX_CHARS, checked by the serializers (a 400).
_LIMITS = {"slug": 200, "canonical_url": 200, "schema_type": 100}
HTML_500 = (
    "<!doctype html><html><head><title>Server Error (500)</title></head>"
    "<body><h1>Server Error (500)</h1></body></html>"
)
_STRING_FIELDS = ("title", "slug", "yoast_title", "status", "post_type")
_SEO_STRINGS = ("meta_title", "h1_text", "meta_keywords", "schema_type", "canonical_url")
_SEO_LISTS = ("h2_texts", "h3_texts", "internal_links", "external_links", "images", "issues")
_SEO_INTS = ("h1_count", "h2_count", "h3_count", "internal_links_count", "external_links_count")
_SEO_INTS += ("images_count", "images_without_alt", "word_count", "reading_time_minutes")
_SEO_DATA = re.compile(r"^/api/v1/pages/(\d+)/seo-data/$")


def _drop(h: BaseHTTPRequestHandler) -> None:
    """Close the connection without an answer, as a crashing proxy or a network cut would."""
    h.close_connection = True
    with contextlib.suppress(OSError):
        h.connection.shutdown(socket.SHUT_RDWR)


def _too_long(body: dict[str, Any], names: tuple[str, ...]) -> dict[str, list[str]]:
    """DRF's answer for strings over their column (or not strings at all), field by field."""
    errors = {}
    for name in names:
        value = body.get(name)
        limit = _LIMITS.get(name, MAX_CHARS)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            errors[name] = [f"Ensure this field has no more than {limit} characters."]
    return errors


def new_key() -> str:
    alphabet = string.ascii_letters + string.digits + "-_"
    return KEY_PREFIX + "".join(secrets.choice(alphabet) for _ in range(43))


@dataclass
class Fault:
    """What to do instead of (or besides) answering: matched on the path, after `skip` matches."""

    path: str  # a substring of the request path
    kind: str  # status | drop-before | drop-after | slow | hang
    status: int = 500
    body: str = HTML_500
    content_type: str = "text/html"
    retry_after: str | None = None
    delay: float = 0.0
    skip: int = 0  # let this many matching requests through first
    times: int = 1  # then apply to this many
    body_has: str | None = None  # only requests whose body contains this (a page's URL)


@dataclass
class Site:
    id: int
    name: str
    url: str
    active: bool = True


@dataclass
class Recorded:
    method: str
    path: str
    status: int
    body: dict[str, Any] | None
    authorization: str | None
    at: float = field(default_factory=time.monotonic)


@dataclass
class PlatformState:
    keys: dict[str, Site] = field(default_factory=dict)
    pages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # (site, wp) → page
    seo: dict[int, dict[str, Any]] = field(default_factory=dict)  # page id → data
    owners: dict[int, int] = field(default_factory=dict)  # page id → site id
    creations: int = 0  # pages ever created: duplicates would show here
    next_page_id: int = 100
    requests: list[Recorded] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    old_verify: bool = False  # answer /auth/verify in the older shape


class Platform:
    def __init__(self) -> None:
        self.state = PlatformState()
        self._lock = threading.Lock()
        self.hung = threading.Event()  # set while a "hang" fault holds a request
        self.release = threading.Event()
        platform = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are separate writes

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                platform._handle(self, "GET", b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                platform._handle(self, "POST", self.rfile.read(length))

        self._server = _QuietServer(("127.0.0.1", 0), _H)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # --- set-up ---------------------------------------------------------------------------------

    def start(self) -> Platform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/v1"

    def add_site(self, name: str = "Acme", url: str = "https://acme.test") -> tuple[str, Site]:
        with self._lock:
            site = Site(len(self.state.keys) + 1, name, url)
            key = new_key()
            self.state.keys[key] = site
            return key, site

    def fault(self, path: str, kind: str, **kw: Any) -> None:
        with self._lock:
            self.state.faults.append(Fault(path, kind, **kw))

    # --- reading back -------------------------------------------------------------------------

    def pages_of(self, site: Site) -> dict[int, dict[str, Any]]:
        """wp_post_id → page, for one platform site."""
        with self._lock:
            return {wp: dict(p) for (sid, wp), p in self.state.pages.items() if sid == site.id}

    def seo_of(self, page_id: int) -> dict[str, Any] | None:
        with self._lock:
            return self.state.seo.get(page_id)

    def json_fault(self, path: str, status: int, body: dict[str, Any], **kw: Any) -> None:
        """An error answer in the platform's JSON shape (DRF), e.g. a 400 naming a field."""
        self.fault(
            path, "status", status=status, body=json.dumps(body), content_type="application/json",
            **kw,
        )  # fmt: skip

    def delete_page(self, site: Site, wp_post_id: int) -> dict[str, Any]:
        """As someone deleting the page on the dashboard would."""
        with self._lock:
            page = self.state.pages.pop((site.id, wp_post_id))
            self.state.owners.pop(page["page_id"], None)
            self.state.seo.pop(page["page_id"], None)
            self.state.creations -= 1
            return page

    def calls(self, fragment: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.state.requests if fragment in r.path]

    def page_requests(self) -> list[Recorded]:
        """What pushes sent of the pages: every run also asks `/auth/verify/` for its site."""
        with self._lock:
            return [r for r in self.state.requests if not r.path.endswith("/auth/verify/")]

    # --- the server -----------------------------------------------------------------------------

    def _take_fault(self, path: str, raw: bytes) -> Fault | None:
        with self._lock:
            for f in self.state.faults:
                if f.body_has is not None and f.body_has.encode() not in raw:
                    continue
                if f.path in path and f.times > 0:
                    if f.skip > 0:
                        f.skip -= 1
                        continue
                    f.times -= 1
                    return f
        return None

    def _handle(self, h: BaseHTTPRequestHandler, method: str, raw: bytes) -> None:
        path = h.path
        auth = h.headers.get("Authorization")
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        fault = self._take_fault(path, raw)
        if fault is not None and fault.kind == "drop-before":
            self._record(method, path, 0, body, auth)
            _drop(h)
            return
        if fault is not None and fault.kind == "hang":
            self._record(method, path, 0, body, auth)
            self.hung.set()
            self.release.wait(60)
            h.close_connection = True
            return
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        if fault is not None and fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self._record(method, path, fault.status, body, auth)
            self._send(h, fault.status, fault.body, fault.content_type, headers)
            return
        status, answer = self._route(method, path, body, auth)
        self._record(method, path, status, body, auth)
        if fault is not None and fault.kind == "drop-after":
            _drop(h)  # the upsert happened; the answer is lost
            return
        if isinstance(answer, str):
            self._send(h, status, answer, "text/html", {})
        else:
            self._send(h, status, json.dumps(answer), "application/json", {})

    def _record(self, method: str, path: str, status: int, body: Any, auth: str | None) -> None:
        with self._lock:
            self.state.requests.append(Recorded(method, path, status, body, auth))

    @staticmethod
    def _send(
        h: BaseHTTPRequestHandler, status: int, text: str, ctype: str, headers: dict[str, str]
    ) -> None:
        data = text.encode()
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    def _route(self, method: str, path: str, body: Any, auth: str | None) -> tuple[int, Any]:
        if path in ("/api/v1/auth/verify", "/api/v1/auth/verify/") and method == "POST":
            return self._verify(auth)
        if method == "POST" and not path.endswith("/"):
            return 500, HTML_500  # that server's answer to a POST without the slash
        site = self._site(auth)
        if site is None:
            return 401, {"detail": "Invalid API key."}
        if not isinstance(body, dict) and method == "POST":
            return 400, {"non_field_errors": ["Invalid data. Expected a dictionary."]}
        if path == "/api/v1/pages/sync/" and method == "POST":
            return self._sync_page(site, body)
        m = _SEO_DATA.match(path)
        if m and method == "POST":
            return self._seo_data(site, int(m.group(1)), body)
        return 404, {"detail": "Not found."}

    def _site(self, auth: str | None) -> Site | None:
        if not auth or not auth.startswith("Bearer "):
            return None
        with self._lock:
            site = self.state.keys.get(auth.removeprefix("Bearer "))
        return site if site is not None and site.active else None

    def _verify(self, auth: str | None) -> tuple[int, Any]:
        site = self._site(auth)
        if site is None:
            return 401, {"valid": False, "error": "Invalid or revoked API key"}
        if self.state.old_verify:
            return 200, {"authenticated": True, "site_id": site.id}
        return 200, {
            "valid": True,
            "key_type": "site",
            "site": {"id": site.id, "name": site.name, "url": site.url, "is_active": True},
            "key": {"name": "seolog tests", "created_at": "2026-11-01T10:00:00Z"},
        }

    def _sync_page(self, site: Site, body: dict[str, Any]) -> tuple[int, Any]:
        errors: dict[str, list[str]] = {}
        for name in ("wp_post_id", "url", "title"):
            if name not in body:
                errors[name] = ["This field is required."]
        wp = body.get("wp_post_id")
        if "wp_post_id" in body and (not isinstance(wp, int) or isinstance(wp, bool)):
            errors["wp_post_id"] = ["A valid integer is required."]
        if "url" in body and not isinstance(body["url"], str):
            errors["url"] = ["Not a valid string."]
        errors.update(_too_long(body, _STRING_FIELDS))
        if errors:
            return 400, errors
        assert isinstance(wp, int)
        if wp > MAX_POST_ID or wp < -(2**31):
            return 500, HTML_500  # the integer column overflows
        if len(body["url"]) > MAX_URL:
            return 500, HTML_500  # "value too long for type character varying(200)"
        with self._lock:
            existing = self.state.pages.get((site.id, wp))
            created = existing is None
            if created:
                self.state.creations += 1
                self.state.next_page_id += 1
                existing = {"page_id": self.state.next_page_id}
                self.state.owners[self.state.next_page_id] = site.id
            page = {
                **existing,
                **{k: v for k, v in body.items() if k != "slug"},
                "slug": body.get("slug", ""),  # a re-sync without the slug blanks it
                "status": body.get("status", "publish"),
                "post_type": body.get("post_type", "page"),
            }
            self.state.pages[(site.id, wp)] = page
            page_id = page["page_id"]
        message = "Page created" if created else "Page updated"
        return (201 if created else 200), {
            "page_id": page_id,
            "message": message,
            "created": created,
        }

    def _seo_data(self, site: Site, page_id: int, body: dict[str, Any]) -> tuple[int, Any]:
        with self._lock:
            owned = any(
                p["page_id"] == page_id
                for (sid, _), p in self.state.pages.items()
                if sid == site.id
            )
        if not owned:
            return 404, {"detail": "Not found."}
        errors = _too_long(body, _SEO_STRINGS)
        for name in _SEO_LISTS:
            if name in body and not isinstance(body[name], list):
                errors[name] = ['Expected a list of items but got type "str".']
        for name in _SEO_INTS:
            if name in body and not isinstance(body[name], int):
                errors[name] = ["A valid integer is required."]
        score = body.get("seo_score")
        if score is not None and not (isinstance(score, int) and 0 <= score <= 100):
            errors["seo_score"] = ["Ensure this value is between 0 and 100."]
        for issue in body.get("issues") or []:
            if not isinstance(issue, dict) or not {"type", "severity", "message"} <= issue.keys():
                errors["issues"] = ["Each issue needs type, severity and message."]
        if errors:
            return 400, errors
        with self._lock:
            created = page_id not in self.state.seo
            self.state.seo[page_id] = {**self.state.seo.get(page_id, {}), **body}
        return (201 if created else 200), {
            "seo_data_id": page_id,
            "message": "SEO data saved",
            "created": created,
        }
