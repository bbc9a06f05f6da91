"""Misbehaving servers and pages: each ends in a recorded error or finding, never a crash, a
hang or unbounded memory."""

from __future__ import annotations

import time
import zlib

from seolog.errors import ExitCode
from tests.server import FixtureServer, Response, html


def _scan(cli, server: FixtureServer, *args: str):
    r = cli("scan", server.url(), "--no-sitemaps", "--format", "json", *args)
    assert r.exit_code == 0, r.stderr
    return r.json()


def _page(doc, server: FixtureServer, path: str) -> dict:
    return next(p for p in doc["pages"] if p["url"] == server.url(path))


def test_a_slow_drip_server_is_cut_off_by_a_total_time_cap(server, cli):
    server.page("/", body='<a href="/drip">Slow page</a> <a href="/ok">Fine page</a>')
    server.page("/ok")
    # ~70 s in all: far from the 3 s cap, so a busy machine cannot blur the two.
    server.routes["/drip"] = Response(body=html("Drip", "x" * 200), drip=0.25)
    t0 = time.monotonic()
    doc = _scan(cli, server, "--timeout", "1")  # one byte per 250 ms never trips a read timeout
    assert time.monotonic() - t0 < 40
    drip = _page(doc, server, "/drip")
    assert drip["error_kind"] == "timeout" and "took longer than 3s" in drip["error"]
    assert _page(doc, server, "/ok")["status"] == 200  # the crawl went on


def test_deeply_nested_and_malformed_html(server, cli):
    nested = "<div>" * 1_000 + "deep text" + "</div>" * 1_000  # deep, within the parse budget
    too_deep = "<div>" * 20_000 + "deep text" + "</div>" * 20_000  # seconds of parsing: over it
    broken = "<html><head><title>Broken <b>markup</title></head><body><p><table><tr><td>cell" * 50
    server.page(
        "/",
        body='<a href="/nested">Nested</a> <a href="/too-deep">Deeper</a> '
        '<a href="/broken">Broken</a>',
    )
    server.routes["/nested"] = Response(body=html("Nested", nested))
    server.routes["/too-deep"] = Response(body=html("Too deep", too_deep))
    server.routes["/broken"] = Response(body=broken)
    doc = _scan(cli, server)
    assert _page(doc, server, "/nested")["word_count"] == 2
    assert _page(doc, server, "/broken")["title"].startswith("Broken")
    deeper = _page(doc, server, "/too-deep")
    assert deeper["status"] == 200 and deeper["word_count"] is None  # stored, not parsed
    assert [i["url"] for i in doc["issues"] if i["code"] == "page-too-complex"] == [
        server.url("/too-deep")
    ]


def test_ten_thousand_links_on_one_page_are_capped_by_max_pages(server, cli, db):
    links = "".join(f'<a href="/p{i}">Product page number {i}</a>' for i in range(10_000))
    server.page("/", body=links)
    doc = _scan(cli, server, "--max-pages", "50")
    assert doc["scan"]["stop_reason"] == "max_pages" and doc["scan"]["pages_crawled"] == 50
    assert db("SELECT count(*) AS n FROM links")[0].n == 10_000  # every link is still recorded
    assert "links-too-many" in doc["summary"]["by_code"]


def test_binary_served_as_html_and_enormous_headers(server, cli):
    server.page("/", body='<a href="/binary">Binary</a> <a href="/headers">Headers</a>')
    server.routes["/binary"] = Response(body=bytes(range(256)) * 400)  # claims text/html
    server.routes["/headers"] = Response(body=html("Headers"), headers={"X-Junk": "a" * 60_000})
    doc = _scan(cli, server)
    assert _page(doc, server, "/binary")["status"] == 200  # parsed as the junk it is, no crash
    headers = _page(doc, server, "/headers")
    assert headers["status"] == 200 or headers["error_kind"] is not None


def test_deflate_bomb_and_unrequested_brotli(server, cli):
    bomb = zlib.compress(b"\0" * 50_000_000, 9)  # 50 MB of zeros in ~50 KB
    server.page("/", body='<a href="/bomb">Bomb</a> <a href="/br">Brotli</a>')
    server.routes["/bomb"] = Response(body=bomb, headers={"Content-Encoding": "deflate"})
    server.routes["/br"] = Response(
        body=b"\x8b\x03\x80hello\x03", headers={"Content-Encoding": "br"}
    )
    doc = _scan(cli, server, "--max-body-size", "1M")
    assert _page(doc, server, "/bomb")["error_kind"] == "too_large"
    assert _page(doc, server, "/br")["status"] == 200  # kept as the bytes it sent, no crash


def test_links_that_are_not_web_pages_and_idn_hosts(server, cli, db):
    server.page(
        "/",
        body='<a href="javascript:void(0)">JS</a> <a href="mailto:a@b.example">Mail</a> '
        '<a href="tel:+31201234567">Call</a> <a href="data:text/html,hi">Data</a> '
        '<a href="http://bücher.example/katalog">IDN shop</a> <a href="#top">Top</a>',
    )
    _scan(cli, server)
    targets = {r.target_url for r in db("SELECT target_url FROM links")}
    assert targets == {"http://xn--bcher-kva.example/katalog"}  # punycode; the rest is no link


def test_robots_txt_edge_cases(server, cli, db):
    # A BOM, CRLF line ends and a group for us: still parsed.
    server.routes["/robots.txt"] = Response(
        body="\ufeffUser-agent: seolog\r\nDisallow: /private/\r\n".encode("utf-8"),
        content_type="text/plain",
    )
    server.page("/", body='<a href="/private/x">Private</a> <a href="/public">Public</a>')
    server.page("/public")
    doc = _scan(cli, server)
    assert _page(doc, server, "/private/x")["error_kind"] == "blocked_robots"
    assert "/private/x" not in server.paths()


def test_robots_txt_redirecting_to_another_host_and_oversize(server, cli):
    server.routes["/robots.txt"] = Response(
        301, headers={"Location": "http://127.0.0.2:9/robots.txt"}
    )
    server.page("/")
    r = cli("scan", server.url(), "--no-sitemaps")
    assert r.exit_code in (0, ExitCode.UNREACHABLE)  # a decision either way, never a crash
    assert "Traceback" not in r.stderr
    # 2.6 MB of rules: the first 500 KiB are read (RFC 9309), so the final "Disallow: /" is not.
    server.routes["/robots.txt"] = Response(
        body="User-agent: *\n" + "Disallow: /x\n" * 200_000 + "Disallow: /\n",
        content_type="text/plain",
    )
    r = cli("scan", server.url(), "--no-sitemaps", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["summary"]["crawl"]["robots"].startswith("parsed")
