"""The sync layer's pure parts: error lines, Retry-After, payload limits, WordPress ids."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from seolog.errors import UsageError
from seolog.parse.extract import extract_page
from seolog.secrets import ApiKey
from seolog.sync import payloads
from seolog.sync.client import RateLimited, Transient, describe, normalize_api_url
from seolog.sync.engine import Policy, call

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it


def _response(status: int, body: str, ctype: str = "application/json") -> httpx.Response:
    return httpx.Response(status, text=body, headers={"content-type": ctype})


@pytest.mark.parametrize(
    ("status", "body", "ctype", "line"),
    [
        (404, '{"detail": "Not found."}', "application/json", "HTTP 404: Not found."),
        (
            401,
            '{"valid": false, "error": "Invalid key"}',
            "application/json",
            "HTTP 401: Invalid key",
        ),
        (
            400,
            '{"title": ["Too long."], "wp_post_id": ["Required.", "Integer."]}',
            "application/json",
            "HTTP 400: title: Too long.; wp_post_id: Required. Integer.",
        ),
        (
            400,
            '{"non_field_errors": ["Duplicate page."]}',
            "application/json",
            "HTTP 400: Duplicate page.",
        ),
        (
            500,
            "<!DOCTYPE html><html><head><title>\n Server Error (500)\n</title></head></html>",
            "text/html",
            "HTTP 500: an HTML error page (Server Error (500))",
        ),
        (502, "Bad gateway\nfrom nginx", "text/plain", "HTTP 502: Bad gateway from nginx"),
        (503, "", "text/plain", "HTTP 503"),
    ],
)
def test_every_error_shape_reads_as_one_line(status: int, body: str, ctype: str, line: str) -> None:
    assert describe(_response(status, body, ctype)) == line


def test_an_echoed_key_is_masked_in_error_lines() -> None:
    key = ApiKey("sk_siloq_" + "k" * 43, "keyring")
    line = describe(_response(401, f'{{"detail": "bad key {key.reveal()}"}}'), key)
    assert key.reveal() not in line and "sk_siloq_kkkk…" in line
    assert key.reveal() not in repr(key) and key.reveal() not in f"{key}"


def test_api_urls_are_normalised_and_checked() -> None:
    assert normalize_api_url(" https://p.example/api/v1/ ") == "https://p.example/api/v1"
    with pytest.raises(UsageError):
        normalize_api_url("p.example/api")


def test_call_waits_out_rate_limits_and_gives_up_on_lasting_trouble() -> None:
    slept: list[float] = []
    policy = Policy(retries=2, backoff=0.5, sleep=slept.append)
    answers: list[Exception | str] = [RateLimited("slow down", 3.0), Transient("500"), "ok"]

    def flaky() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert call(flaky, policy) == "ok"
    assert slept == [3.0, 0.5]
    always = Transient("down")
    with pytest.raises(Transient):
        call(lambda: (_ for _ in ()).throw(always), policy)
    assert slept[2:] == [0.5, 1.0]  # doubling, then the error
    with pytest.raises(RateLimited):  # asks for longer than max_wait: no hanging
        call(lambda: (_ for _ in ()).throw(RateLimited("x", 3600)), policy)


def stored_page(**kw: object) -> Any:
    """A stored page as the payloads see it (`kw` over a plain page); typed Any, as a stand-in
    for the ORM row."""
    base = dict(
        url="https://s.test/a/b%C3%A9/",
        title="T",
        meta_description=None,
        h1=[],
        h2=[],
        canonical=None,
        meta_robots=None,
        x_robots_tag=None,
        word_count=0,
        images=[],
        json_ld=[],
        score=None,
        headers={},
        indexable=True,
        error_message=None,
    )
    return SimpleNamespace(**{**base, **kw})


def test_payloads_fit_the_platform_columns() -> None:
    long = "word " * 200
    body = payloads.page_body(stored_page(title=long), 5, False)
    assert len(body["title"]) == payloads.MAX_CHARS and body["slug"] == "bé"
    assert (
        payloads.page_body(stored_page(title=None), 5, True)["title"] == "https://s.test/a/b%C3%A9/"
    )
    with pytest.raises(ValueError):
        payloads.page_body(stored_page(), 2**31, False)
    seo = payloads.seo_body(
        stored_page(
            h1=[long],
            word_count=401,
            json_ld=['{"@graph": [{"@type": ["Product", "Thing"]}]}'],
            images=[{"src": "/x.png", "alt": " "}],
        ),
        payloads.PageExtras(
            [f"https://s.test/{i}" for i in range(300)] * 2,  # each linked twice: counted once
            [],
            [("c", "error", "m"), ("c", "error", "n")],
        ),
        lambda code: f"fix {code}",
    )
    assert len(seo["h1_text"]) == payloads.MAX_CHARS
    assert seo["internal_links_count"] == 300 and len(seo["internal_links"]) == payloads.MAX_LIST
    assert seo["reading_time_minutes"] == 3 and seo["schema_type"] == "Product"
    assert seo["images_without_alt"] == 1 and seo["seo_score"] == 0
    assert seo["recommendations"] == ["fix c"] and len(seo["issues"]) == 2


@pytest.mark.parametrize(
    ("markup", "post_id"),
    [
        ('<link rel="shortlink" href="https://s.test/?p=42">', 42),
        ('<link rel="shortlink" href="https://s.test/?page_id=3&p=9#x">', 9),
        ('<body class="single postid-15 logged-in">', 15),
        ('<body class="page page-id-8">', 8),
        ('<body class="page-id-99999999999">', None),  # beyond the platform's column
        ('<body class="mypage-id-3">', None),
        ('<link rel="shortlink" href="https://s.test/?pp=4">', None),
    ],
)
def test_wordpress_post_ids_are_read_from_the_page(markup: str, post_id: int | None) -> None:
    head, body = (markup, "<body>") if markup.startswith("<link") else ("", markup)
    page = f"<html><head>{head}</head>{body}<p>x</p></body></html>"
    assert extract_page(page, "https://s.test/", lambda u: True).wp_post_id == post_id


def test_a_bug_in_a_sender_thread_surfaces_instead_of_hanging() -> None:
    from seolog.sync.engine import Item, drain

    class Store:
        def __init__(self) -> None:
            self.items = [Item(i, f"u{i}", "pending", {}, {}) for i in (1, 2, 3)]
            self.sent_rows: list[int] = []

        def next_items(self, after_id: int, limit: int, troubled: bool = False) -> list[Item]:
            return [] if troubled else [i for i in self.items if i.id > after_id][:limit]

        def sent(self, done: list[tuple[Item, int]]) -> None:
            self.sent_rows += [item.id for item, _ in done]

        def page_sent(self, item: Item, page_id: int) -> None: ...
        def failed(self, item: Item, error: str, page_id: int | None) -> None: ...
        def trouble(self, item: Item, error: str) -> None: ...

    class Client:
        def sync_page(self, page: dict[str, object]) -> tuple[int, bool]:
            raise KeyError("a bug")

    with pytest.raises(KeyError):
        drain(Store(), Client(), Policy(), workers=2)
