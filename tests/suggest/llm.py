"""A contract server for an OpenAI-compatible chat-completions API, on 127.0.0.1, written for
the tests (as tests/sync/platform.py is for the hosted platform).

It answers as the OpenAI API does: Bearer keys (401 with `{"error": {...}}` for a wrong or
missing one), `GET /v1/models`, `POST /v1/chat/completions` with `choices[0].message.content`,
`finish_reason` and `usage` (prompt and completion tokens), 404 `model_not_found` for a model
it does not serve, 400 for `stream: true` (the tests check seolog never streams). Faults can be
queued: 429 with Retry-After, 500s, a hang (a client timeout), a 200 with a body that is not
JSON, an answer that is not the JSON object asked for, and a content refusal (a 400
`content_filter`, as Azure answers, or `message.refusal`, as OpenAI does).

What the "model" writes is decided by `writer`: by default a fitting answer built from the
prompt (the page's URL, the fields asked for, the language), so the tests read what seolog sent.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.server import _QuietServer

KEY = "sk-test-llm-0123456789abcdefghij"
MODEL = "tiny-writer"
REASONING = "tiny-reasoner"  # refuses max_tokens and temperature, as OpenAI's o1/o3/gpt-5 do

Writer = Callable[[list[dict[str, str]], "Call"], dict[str, Any] | str]


@dataclass
class Fault:
    kind: str  # status | hang | not-json | not-object | refusal | content-filter | answer
    status: int = 500
    retry_after: str | None = None
    body: str | None = None  # for "answer": the model's text
    times: int = 1
    url_has: str | None = None  # only prompts naming this page


@dataclass
class Call:
    """One chat completion the server was asked for."""

    body: dict[str, Any]
    authorization: str | None
    status: int = 0
    at: float = field(default_factory=time.monotonic)

    @property
    def prompt(self) -> str:
        return "\n".join(m["content"] for m in self.body.get("messages", []))

    @property
    def page(self) -> str | None:
        m = re.search(r"- URL: (\S+)", self.prompt)
        return m.group(1) if m else None

    @property
    def fields(self) -> list[str]:
        return re.findall(r'^- "(\w+)":', self.prompt, re.M)

    @property
    def dutch(self) -> bool:
        return "Schrijf in het Nederlands" in self.prompt


def fitting_answer(messages: list[dict[str, str]], call: Call) -> dict[str, Any]:
    """Suggestions that pass the checks: distinct per page, in the prompt's language."""
    slug = (call.page or "page").rstrip("/").rsplit("/", 1)[-1] or "home"
    words = slug.replace("-", " ").replace(".html", "").title()
    answer: dict[str, Any] = {}
    if call.dutch:
        title = f"{words}: alles over {words.lower()} voor u uitgelegd"
        description = (
            f"Lees alles over {words.lower()}: wat het is, hoe het werkt en waarom het voor u "
            "belangrijk is. Heldere uitleg met voorbeelden."
        )
        alt, question = f"Foto bij {words.lower()}", f"Wat is {words.lower()}?"
    else:
        title = f"{words}: everything about {words.lower()} explained"
        description = (
            f"Read all about {words.lower()}: what it is, how it works and why it matters to "
            "you. A clear guide with examples."
        )
        alt, question = f"Diagram showing {words.lower()}", f"What is {words.lower()}?"
    for name in call.fields:
        if name == "title":
            answer["title"] = title
        elif name == "description":
            answer["description"] = description
        elif name == "h1":
            answer["h1"] = words
        elif name == "alt":
            count = len(re.findall(r"^\d+\. ", call.prompt, re.M))
            answer["alt"] = [{"image": n, "alt": f"{alt} ({n})"} for n in range(1, count + 1)]
        elif name == "faq":
            answer["faq"] = [{"question": question, "answer": description}]
    return answer


class LlmServer:
    def __init__(self, keys: tuple[str, ...] = (KEY,), models: tuple[str, ...] = (MODEL,)) -> None:
        self.keys = set(keys)
        self.models = set(models) | {REASONING}
        self.reasoning = {REASONING}
        self.calls: list[Call] = []
        self.model_lists = 0
        self.faults: list[Fault] = []
        self.writer: Writer = fitting_answer
        self.delay = 0.0  # seconds before each answer: a model's time to write (bench/)
        self.hung = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._httpd: _QuietServer | None = None

    # --- control -------------------------------------------------------------------------
    def fault(self, kind: str, **kw: Any) -> None:
        with self._lock:
            self.faults.append(Fault(kind, **kw))

    def release(self) -> None:
        """Let hung requests go (they answer 500)."""
        self._release.set()

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def answered(self) -> list[Call]:
        return [c for c in self.calls if c.status == 200]

    def start(self) -> LlmServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(data)

            def _authorized(self) -> bool:
                auth = self.headers.get("Authorization") or ""
                if auth.removeprefix("Bearer ") in server.keys:
                    return True
                message = (
                    "You didn't provide an API key."
                    if not auth
                    else f"Incorrect API key provided: {auth.removeprefix('Bearer ')}."
                )
                self._send(401, {"error": {"message": message, "type": "invalid_request_error",
                                           "code": "invalid_api_key"}})  # fmt: skip
                return False

            def do_GET(self) -> None:
                if self.path != "/v1/models":
                    self._send(404, {"error": {"message": "Not found"}})
                    return
                if self._authorized():
                    server.model_lists += 1
                    data = [{"id": m, "object": "model"} for m in sorted(server.models)]
                    self._send(200, {"object": "list", "data": data})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path != "/v1/chat/completions":
                    self._send(404, {"error": {"message": f"Unknown path {self.path}"}})
                    return
                try:
                    body = json.loads(raw)
                except ValueError:
                    self._send(400, {"error": {"message": "We could not parse the JSON body"}})
                    return
                call = Call(body, self.headers.get("Authorization"))
                with server._lock:
                    server.calls.append(call)
                call.status = self._complete(call)

            def _complete(self, call: Call) -> int:
                if not self._authorized():
                    return 401
                model = call.body.get("model")
                if model not in server.models:
                    self._send(404, {"error": {
                        "message": f"The model `{model}` does not exist or you do not have "
                        "access to it.", "type": "invalid_request_error",
                        "code": "model_not_found"}})  # fmt: skip
                    return 404
                if model in server.reasoning:  # as OpenAI answers for o1, o3, gpt-5 …
                    for name, message in (
                        ("max_tokens", "Unsupported parameter: 'max_tokens' is not supported "
                         "with this model. Use 'max_completion_tokens' instead."),
                        ("temperature", "Unsupported value: 'temperature' does not support 0.3 "
                         "with this model. Only the default (1) value is supported."),
                    ):  # fmt: skip
                        if name in call.body:
                            self._send(400, {"error": {"message": message, "param": name,
                                       "type": "invalid_request_error",
                                       "code": "unsupported_parameter"}})  # fmt: skip
                            return 400
                if call.body.get("stream"):
                    self._send(400, {"error": {"message": "this server was told never to stream"}})
                    return 400
                fault = server._take(call)
                text: str | None = None
                if fault is not None:
                    done = self._fault(fault)
                    if done is not None:
                        return done
                    text = fault.body
                if server.delay:
                    time.sleep(server.delay)
                if text is None:
                    written = server.writer(call.body["messages"], call)
                    text = written if isinstance(written, str) else json.dumps(written)
                prompt_tokens = max(1, len(call.prompt) // 4)
                completion_tokens = max(1, len(text) // 4)
                self._send(200, {
                    "id": f"chatcmpl-{len(server.calls)}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": text,
                                             "refusal": None}}],
                    "usage": {"prompt_tokens": prompt_tokens,
                              "completion_tokens": completion_tokens,
                              "total_tokens": prompt_tokens + completion_tokens},
                })  # fmt: skip
                return 200

            def _fault(self, fault: Fault) -> int | None:
                """Answer with the fault; None to answer normally (with fault.body)."""
                if fault.kind == "status":
                    headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
                    self._send(fault.status, {"error": {"message": "Rate limit reached"
                               if fault.status == 429 else "The server had an error"}},
                               headers)  # fmt: skip
                    return fault.status
                if fault.kind == "hang":
                    server.hung.set()
                    server._release.wait(60)
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return 0
                if fault.kind == "not-json":
                    self._send(200, b"<html>upstream proxy says hello</html>")
                    return 200
                if fault.kind == "not-object":
                    return self._text("Sure! Here is a great title for your page.")
                if fault.kind == "content-filter":
                    self._send(400, {"error": {"message": "The response was filtered due to the "
                               "prompt triggering content management policy.",
                               "code": "content_filter"}})  # fmt: skip
                    return 400
                if fault.kind == "refusal":
                    self._send(200, {"choices": [{"index": 0, "finish_reason": "stop",
                               "message": {"role": "assistant", "content": None,
                                           "refusal": "I can't help with that."}}],
                               "usage": {"prompt_tokens": 50, "completion_tokens": 8}})  # fmt: skip
                    return 200
                return None  # "answer": fault.body is the text

            def _text(self, text: str) -> int:
                self._send(200, {"choices": [{"index": 0, "finish_reason": "stop",
                           "message": {"role": "assistant", "content": text}}],
                           "usage": {"prompt_tokens": 40, "completion_tokens": 10}})  # fmt: skip
                return 200

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def _take(self, call: Call) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.url_has is not None and fault.url_has not in (call.page or ""):
                    continue
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def stop(self) -> None:
        self._release.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
