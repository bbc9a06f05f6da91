"""End-to-end crawls of fixture sites served on 127.0.0.1, checked against what the store holds."""

from __future__ import annotations

import gzip
import itertools
import json
import re
import socket
import struct
import time

from seolog.errors import ExitCode
from tests.conftest import EXAMPLE_SITE
from tests.server import FixtureServer, Response, html


def _json(value):
    """A JSON column as read by raw SQL: text on SQLite, already parsed on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def _pages(db, scan_id: int = 1) -> dict[str, dict]:
    rows = db("SELECT * FROM pages WHERE scan_id = :s", s=scan_id)
    return {r.url: r._asdict() for r in rows}


def test_folder_scan_of_the_bundled_example(cli, db):
    r = cli("scan", str(EXAMPLE_SITE), "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert doc["scan"]["status"] == "completed"
    assert doc["scan"]["url"] == "http://site.localhost/"
    pages = _pages(db)
    home = pages["http://site.localhost/"]
    assert home["title"] == "Acme Garden Tools – Durable tools for serious gardeners"
    assert _json(home["h1"]) == ["Garden tools that outlast you"]
    assert home["canonical"] == "http://site.localhost/"
    assert home["depth"] == 0 and home["found_via"] == "start"
    # Blocked by robots.txt: recorded, never fetched.
    assert pages["http://site.localhost/private/drafts.html"]["error_kind"] == "blocked_robots"
    # Reached only through the sitemap: no link depth.
    orphan = pages["http://site.localhost/landing/spring-sale.html"]
    assert orphan["found_via"] == "sitemap" and orphan["depth"] is None and orphan["in_sitemap"]
    # Non-HTML is recorded without parsing.
    pdf = pages["http://site.localhost/products/catalogue.pdf"]
    assert pdf["content_type"] == "application/pdf" and pdf["title"] is None
    assert pages["http://site.localhost/products/old-hoe.html"]["status_code"] == 404
    assert doc["summary"]["pages"]["blocked"] == 1
    assert doc["summary"]["pages"]["client_errors"] == 3


def test_folder_scan_with_base_url_stores_public_urls(cli, db):
    r = cli("scan", str(EXAMPLE_SITE), "--base-url", "https://www.acme.example", "--no-sitemaps")
    assert r.exit_code == 0, r.stderr
    urls = set(_pages(db))
    assert "https://www.acme.example/products/spade.html" in urls
    assert all(u.startswith("https://www.acme.example/") for u in urls)
    links = db("SELECT target_url FROM links WHERE internal")
    assert all("127.0.0.1" not in row.target_url for row in links)


def test_folder_server_stays_quiet_when_a_client_resets_its_connection(capsys):
    from seolog.crawl.localserver import serve_folder

    with serve_folder(EXAMPLE_SITE) as origin:
        host, port = origin.removeprefix("http://").split(":")
        sock = socket.create_connection((host, int(port)))
        # Linger 0: close() sends a reset, as a crawler dropping a keep-alive connection may.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.send(b"GET / HTT")
        time.sleep(0.1)
        sock.close()
        time.sleep(0.2)
    assert "Traceback" not in capsys.readouterr().err


def test_robots_rules_wildcards_and_agent_group(server: FixtureServer, cli, db):
    server.routes["/robots.txt"] = Response(
        body="User-agent: *\nDisallow: /\n\nUser-agent: seolog\nDisallow: /*.php$\nDisallow: /tmp/\nAllow: /tmp/ok\n",
        content_type="text/plain",
    )
    links = "".join(
        f'<a href="{p}">{p}</a>' for p in ["/a.php", "/a.php?x=1", "/tmp/x", "/tmp/ok", "/b"]
    )
    server.page("/", body=links)
    for p in ["/a.php?x=1", "/tmp/ok", "/b"]:
        server.page(p)
    r = cli("scan", server.url(), "--no-sitemaps")
    assert r.exit_code == 0, r.stderr
    fetched = server.paths()
    assert "/a.php" not in fetched and "/tmp/x" not in fetched
    assert {"/a.php?x=1", "/tmp/ok", "/b"} <= set(fetched)
    pages = _pages(db)
    assert pages[server.url("/a.php")]["error_kind"] == "blocked_robots"
    assert pages[server.url("/tmp/x")]["error_kind"] == "blocked_robots"


def test_robots_404_allows_everything(server, cli, db):
    server.page("/", body='<a href="/x">x</a>')
    server.page("/x")
    r = cli("scan", server.url(), "--no-sitemaps")
    assert r.exit_code == 0
    assert server.url("/x") in _pages(db)


def test_robots_5xx_means_crawl_nothing(server, cli, db):
    server.routes["/robots.txt"] = Response(503, "down", content_type="text/plain")
    server.page("/")
    r = cli("scan", server.url(), "--retries", "0")
    assert r.exit_code == ExitCode.UNREACHABLE
    assert "robots.txt answered HTTP 503" in r.stderr
    assert "--ignore-robots" in r.stderr
    assert "/" not in server.paths()
    assert db("SELECT status FROM scans")[0].status == "failed"


def test_ignore_robots_warns_and_crawls(server, cli, db):
    server.routes["/robots.txt"] = Response(
        body="User-agent: *\nDisallow: /\n", content_type="text/plain"
    )
    server.page("/")
    r = cli("scan", server.url(), "--ignore-robots", "--no-sitemaps")
    assert r.exit_code == 0
    assert "warning: --ignore-robots" in r.stderr
    assert "/" in server.paths()


def test_start_url_forbidden_by_robots_exits_4(server, cli):
    server.routes["/robots.txt"] = Response(
        body="User-agent: *\nDisallow: /\n", content_type="text/plain"
    )
    r = cli("scan", server.url())
    assert r.exit_code == ExitCode.UNREACHABLE
    assert "forbids crawling" in r.stderr


def test_unreachable_start_url_exits_4_with_one_line(cli, db):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens on this port now
    r = cli("scan", f"http://127.0.0.1:{port}/", "--retries", "0")
    assert r.exit_code == ExitCode.UNREACHABLE
    assert r.stderr.startswith("error: cannot reach http://127.0.0.1:")
    assert "Traceback" not in r.stderr
    assert db("SELECT status, error_message FROM scans")[0].status == "failed"


def test_crawl_delay_is_honoured(server, cli):
    server.routes["/robots.txt"] = Response(
        body="User-agent: *\nCrawl-delay: 0.3\n", content_type="text/plain"
    )
    server.page("/", body='<a href="/a">a</a><a href="/b">b</a>')
    server.page("/a")
    server.page("/b")
    # No slow page timed again after the crawl: on a busy machine the first page can take
    # over the slow-response threshold, and its second request is not what this counts.
    r = cli("scan", server.url(), "--no-sitemaps", "--reprobe", "0")
    assert r.exit_code == 0
    times = sorted(req.at for req in server.requests if req.path in ("/", "/a", "/b"))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 2 and min(gaps) >= 0.25


def test_sitemaps_from_robots_index_and_gzip(server, cli, db):
    origin = server.origin
    server.routes["/robots.txt"] = Response(
        body=f"User-agent: *\nAllow: /\nSitemap: {origin}/sitemap_index.xml\n",
        content_type="text/plain",
    )
    server.routes["/sitemap_index.xml"] = Response(
        body=f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{origin}/posts.xml.gz</loc></sitemap></sitemapindex>",
        content_type="application/xml",
    )
    urlset = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{origin}/post-1</loc></url><url><loc>{origin}/post-2</loc></url>"
        "<url><loc>https://elsewhere.example/x</loc></url></urlset>"
    )
    server.routes["/posts.xml.gz"] = Response(
        body=gzip.compress(urlset.encode()), content_type="application/x-gzip"
    )
    server.page("/")
    server.page("/post-1")
    server.page("/post-2")
    r = cli("scan", server.url(), "--format", "json")
    assert r.exit_code == 0, r.stderr
    pages = _pages(db)
    assert pages[server.url("/post-1")]["found_via"] == "sitemap"
    assert pages[server.url("/post-2")]["in_sitemap"]
    assert not any("elsewhere" in u for u in pages)
    assert r.json()["summary"]["crawl"]["sitemap_urls"] == 3


def test_sitemap_fallback_location(server, cli, db):
    server.routes["/sitemap.xml"] = Response(
        body=f"<urlset><url><loc>{server.origin}/only-in-sitemap</loc></url></urlset>",
        content_type="text/xml",
    )
    server.page("/")
    server.page("/only-in-sitemap")
    assert cli("scan", server.url()).exit_code == 0
    assert server.url("/only-in-sitemap") in _pages(db)


def test_redirect_chain_is_recorded_hop_by_hop(server, cli, db):
    server.page("/", body='<a href="/old">old</a>')
    server.routes["/old"] = Response(301, headers={"Location": "/older"})
    server.routes["/older"] = Response(302, headers={"Location": "new/"})  # relative Location
    server.page("/new/", title="New home")
    assert cli("scan", server.url(), "--no-sitemaps").exit_code == 0
    pages = _pages(db)
    old = pages[server.url("/old")]
    assert old["status_code"] == 301 and old["final_status_code"] == 200
    assert old["redirect_hops"] == 2 and old["final_url"] == server.url("/new/")
    chain = _json(old["redirect_chain"])
    assert [h["status"] for h in chain] == [301, 302]
    assert chain[1]["location"] == server.url("/new/")
    assert old["title"] is None  # the content belongs to the target's own row
    assert pages[server.url("/new/")]["title"] == "New home"
    assert pages[server.url("/new/")]["found_via"] == "redirect"
    assert server.paths().count("/new/") == 1


def test_redirect_loop_is_detected(server, cli, db):
    server.page("/", body='<a href="/loop-a">loop</a>')
    server.routes["/loop-a"] = Response(301, headers={"Location": "/loop-b"})
    server.routes["/loop-b"] = Response(301, headers={"Location": "/loop-a"})
    assert cli("scan", server.url(), "--no-sitemaps").exit_code == 0
    page = _pages(db)[server.url("/loop-a")]
    assert page["error_kind"] == "redirect_loop"
    assert server.paths().count("/loop-a") == 1


def test_base_href_resolves_links(server, cli, db):
    server.page("/deep/page", body='<a href="target">t</a>', head='<base href="/other/">')
    server.page("/", body='<a href="/deep/page">d</a>')
    server.page("/other/target")
    assert cli("scan", server.url(), "--no-sitemaps").exit_code == 0
    assert _pages(db)[server.url("/other/target")]["status_code"] == 200


def test_spider_traps_end(server, cli, db):
    # A relative link that nests forever, and a calendar with an endless "next month".
    def nest(req):
        return Response(body=html("n", '<a href="x/">deeper</a>'))

    def calendar(req):
        m = re.search(r"m=(\d+)", req.path)
        n = int(m.group(1)) if m else 0
        return Response(
            body=html(
                f"cal {n}", f'<a href="/cal?m={n + 1}">next</a><a href="/cal?m={n}&amp;v=1">v</a>'
            )
        )

    server.page("/", body='<a href="/x/">x</a><a href="/cal">cal</a>')
    for i in range(40):
        server.routes["/x/" + "x/" * i] = nest
    server.routes["/cal"] = calendar
    for n in range(600):
        server.routes[f"/cal?m={n}"] = calendar
        server.routes[f"/cal?m={n}&v=1"] = calendar
    r = cli("scan", server.url(), "--no-sitemaps", "--format", "json")
    assert r.exit_code == 0
    doc = r.json()
    assert doc["scan"]["stop_reason"] == "finished"
    assert doc["summary"]["crawl"]["skipped"]["trap"] >= 2
    assert doc["scan"]["pages_crawled"] < 300


def test_huge_bodies_and_compression_bombs_are_capped(server, cli, db):
    big = "<html><body>" + "x" * 3_000_000 + "</body></html>"
    bomb = gzip.compress(b"<html><body>" + b"0" * 50_000_000 + b"</body></html>")
    server.page("/", body='<a href="/big">b</a><a href="/bomb">z</a><a href="/video.mp4">v</a>')
    server.routes["/big"] = Response(
        body=big, headers={"Content-Length": str(len(big)), "Connection": "close"}
    )
    server.routes["/bomb"] = Response(body=bomb, headers={"Content-Encoding": "gzip"})
    server.routes["/video.mp4"] = Response(body=b"\0" * 2_000_000, content_type="video/mp4")
    r = cli("scan", server.url(), "--no-sitemaps", "--max-body-size", "1M")
    assert r.exit_code == 0, r.stderr
    pages = _pages(db)
    assert pages[server.url("/big")]["error_kind"] == "too_large"
    assert pages[server.url("/bomb")]["error_kind"] == "too_large"
    video = pages[server.url("/video.mp4")]
    assert video["content_type"] == "video/mp4" and video["error_kind"] is None
    assert video["size_bytes"] == 2_000_000  # from Content-Length; the body was never downloaded


def test_bad_encodings_decode_leniently(server, cli, db):
    server.page("/", body='<a href="/latin">l</a><a href="/bogus">b</a><a href="/garbage">g</a>')
    server.routes["/latin"] = Response(
        body='<html><head><meta charset="iso-8859-1"><title>Café crème</title></head></html>'.encode(
            "latin-1"
        ),
        content_type="text/html",
    )
    server.routes["/bogus"] = Response(
        body="<title>Naïve</title>".encode(), content_type="text/html; charset=no-such-charset"
    )
    server.routes["/garbage"] = Response(
        body=b"<title>ok \xff\xfe\xfa</title>", content_type="text/html; charset=utf-8"
    )
    assert cli("scan", server.url(), "--no-sitemaps").exit_code == 0
    pages = _pages(db)
    assert pages[server.url("/latin")]["title"] == "Café crème"
    assert pages[server.url("/bogus")]["title"] == "Naïve"
    assert pages[server.url("/garbage")]["title"].startswith("ok ")


def test_429_with_retry_after_is_retried(server, cli, db):
    calls = {"n": 0}

    def limited(req):
        calls["n"] += 1
        if calls["n"] == 1:
            return Response(429, "slow down", headers={"Retry-After": "1"})
        return Response(body=html("Finally"))

    server.page("/", body='<a href="/busy">busy</a>')
    server.routes["/busy"] = limited
    r = cli("scan", server.url(), "--no-sitemaps", "--format", "json")
    assert r.exit_code == 0
    assert _pages(db)[server.url("/busy")]["title"] == "Finally"
    busy = [q.at for q in server.requests if q.path == "/busy"]
    assert len(busy) == 2 and busy[1] - busy[0] >= 0.9  # Retry-After: 1 was waited for
    assert r.json()["summary"]["crawl"]["retries"] == 1


def test_headers_cookies_and_auth_are_sent_but_never_stored(server, cli, db):
    server.page("/")
    r = cli(
        "scan",
        server.url(),
        "--no-sitemaps",
        "-H",
        "X-Token: s3cret-header",
        "--cookie",
        "session=s3cret-cookie",
        "--auth",
        "user:s3cret-pass",
        "--user-agent",
        "AcmeBot/1.0",
    )
    assert r.exit_code == 0
    req = next(q for q in server.requests if q.path == "/")
    assert req.headers["x-token"] == "s3cret-header"
    assert "session=s3cret-cookie" in req.headers["cookie"]
    assert req.headers["authorization"].startswith("Basic ")
    assert req.headers["user-agent"] == "AcmeBot/1.0"
    settings = json.dumps(_json(db("SELECT settings FROM scans")[0].settings))
    assert "s3cret" not in settings
    assert "X-Token" in settings  # the header name is kept so a resume knows to ask for it


def test_default_user_agent_names_seolog(server, cli):
    server.page("/")
    cli("scan", server.url(), "--no-sitemaps")
    assert "seolog/" in server.requests[0].headers["user-agent"]


def test_limits_max_pages_depth_include_exclude(server, cli, db):
    chain = "".join(f'<a href="/p{i}">p{i}</a>' for i in range(10))
    server.page("/", body=chain + '<a href="/deep/1">deep</a><a href="/skip/me">s</a>')
    for i in range(10):
        server.page(f"/p{i}")
    server.page("/deep/1", body='<a href="/deep/2">d2</a>')
    server.page("/deep/2")
    r = cli("scan", server.url(), "--no-sitemaps", "--max-pages", "5", "--format", "json")
    assert r.json()["scan"]["stop_reason"] == "max_pages"
    assert r.json()["scan"]["pages_crawled"] == 5

    r = cli(
        "scan",
        server.url(),
        "--no-sitemaps",
        "--max-depth",
        "1",
        "--exclude",
        "/skip/",
        "--format",
        "json",
    )
    urls = set(_pages(db, r.json()["scan"]["id"]))
    assert server.url("/deep/1") in urls and server.url("/deep/2") not in urls
    assert server.url("/skip/me") not in urls

    r = cli("scan", server.url(), "--no-sitemaps", "--include", "/deep/", "--format", "json")
    urls = set(_pages(db, r.json()["scan"]["id"]))
    assert urls == {server.url("/"), server.url("/deep/1"), server.url("/deep/2")}


def test_rate_limit_spaces_requests(server, cli):
    server.page("/", body="".join(f'<a href="/r{i}">r</a>' for i in range(4)))
    for i in range(4):
        server.page(f"/r{i}")
    assert cli("scan", server.url(), "--no-sitemaps", "--rate", "5").exit_code == 0
    times = sorted(q.at for q in server.requests if q.path.startswith("/r") or q.path == "/")
    assert times[-1] - times[0] >= 0.7  # 5 requests at 5/s span at least 0.8 s


def test_store_html_keeps_the_page_source(server, cli, db):
    server.page("/", title="Kept")
    cli("scan", server.url(), "--no-sitemaps")
    assert db("SELECT html FROM pages")[0].html is None
    cli("scan", server.url(), "--no-sitemaps", "--store-html")
    assert "<title>Kept</title>" in db("SELECT html FROM pages WHERE scan_id = 2")[0].html


def test_links_are_stored_with_anchor_rel_and_scope(server, cli, db):
    server.page(
        "/",
        body='<a href="/a" rel="nofollow">Alpha</a><a href="https://other.example/">Out</a>'
        '<a href="mailto:x@y.z">mail</a><a href="/a#frag">Alpha</a>',
    )
    server.page("/a")
    cli("scan", server.url(), "--no-sitemaps")
    links = {
        (r.target_url, r.anchor_text, r.rel, bool(r.internal)) for r in db("SELECT * FROM links")
    }
    assert (server.url("/a"), "Alpha", "nofollow", True) in links
    assert ("https://other.example/", "Out", None, False) in links
    assert not any(t.startswith("mailto") for t, *_ in links)
    assert "other.example" not in "".join(server.paths())


def test_start_url_redirecting_to_another_host_moves_the_crawl(server, cli, db):
    # 127.0.0.1 → localhost: the same server under another host name, like example.com → www.
    other = f"http://localhost:{server.port}"
    server.routes["/"] = lambda req: (
        Response(body=html("Home", '<a href="/about">about</a>'))
        if req.headers.get("host", "").startswith("localhost")
        else Response(301, headers={"Location": other + "/"})
    )
    server.page("/about", title="About")
    r = cli("scan", server.url(), "--no-sitemaps", "--format", "json")
    assert r.exit_code == 0, r.stderr
    pages = _pages(db)
    assert pages[server.url("/")]["status_code"] == 301
    assert pages[other + "/about"]["title"] == "About"
    assert any("crawled that site instead" in n for n in r.json()["summary"]["crawl"]["notes"])


def test_the_user_agents_robots_token_is_obeyed_in_robots_txt_and_meta_tags(server, cli):
    """A crawler is addressed by its product token, as Googlebot is by "googlebot" in
    "Mozilla/5.0 (compatible; Googlebot/2.1; …)": robots.txt groups and robots meta tags for
    that token apply together with the generic ones."""
    server.routes["/robots.txt"] = Response(
        body="User-agent: acmeaudit\nDisallow: /drafts/\n\nUser-agent: *\nAllow: /\n",
        content_type="text/plain",
    )
    server.page(
        "/",
        "Home",
        '<a href="/drafts/x">Drafts</a> <a href="/hidden">Hidden</a>',
    )
    server.page("/drafts/x", "Draft")
    server.page("/hidden", "Hidden", head='<meta name="acmeaudit" content="noindex">')
    agent = "Mozilla/5.0 (compatible; AcmeAudit/2.0; +https://acme.example/bot)"
    r = cli("scan", server.url(), "--no-sitemaps", "--user-agent", agent, "--format", "json")
    assert r.exit_code == 0, r.stderr
    issues = {(i["url"].removeprefix(server.origin), i["code"]) for i in r.json()["issues"]}
    assert ("/hidden", "noindex") in issues  # its own meta tag
    assert "/drafts/x" not in server.paths()  # its own robots.txt group
    # The default crawler is not addressed by either.
    r = cli("scan", server.url(), "--no-sitemaps", "--format", "json")
    issues = {(i["url"].removeprefix(server.origin), i["code"]) for i in r.json()["issues"]}
    assert ("/hidden", "noindex") not in issues
    assert "/drafts/x" in server.paths()


def test_hreflang_stated_only_in_the_sitemap_counts_for_the_start_page_too(server, cli):
    """The start page is fetched before the sitemaps are read; the alternates they state for it
    still count, so the pair below confirms itself and no return link is missing."""
    o = server.origin
    server.page("/", "Acme garden tools", '<a href="/de/">Deutsch</a>')
    server.page("/de/", "Acme Gartenwerkzeuge", '<a href="/">English</a>', lang="de")
    pair = (
        f'<xhtml:link rel="alternate" hreflang="en" href="{o}/"/>'
        f'<xhtml:link rel="alternate" hreflang="de" href="{o}/de/"/>'
        f'<xhtml:link rel="alternate" hreflang="x-default" href="{o}/"/>'
    )
    server.routes["/sitemap.xml"] = Response(
        body='<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:xhtml="http://www.w3.org/1999/xhtml"><url><loc>{o}/</loc>{pair}</url>'
        f"<url><loc>{o}/de/</loc>{pair}</url></urlset>",
        content_type="application/xml",
    )
    r = cli("scan", server.url(), "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    codes = {(i["url"].removeprefix(o), i["code"]) for i in doc["issues"]}
    assert not {c for c in codes if c[1].startswith("hreflang")}, codes
    results = {c["code"]: c["result"] for c in doc["checks"]}
    assert results["hreflang-return-missing"] == "passed"
    # Broken pair: /de/ states only itself, so / is not confirmed from /de/.
    server.routes["/sitemap.xml"].body = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:xhtml="http://www.w3.org/1999/xhtml"><url><loc>{o}/</loc>{pair}</url>'
        f"<url><loc>{o}/de/</loc></url></urlset>"
    )
    r = cli("scan", server.url(), "--format", "json")
    codes = {(i["url"].removeprefix(o), i["code"]) for i in r.json()["issues"]}
    assert ("/", "hreflang-return-missing") in codes
