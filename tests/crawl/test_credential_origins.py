"""Credentials (--auth, --header, --cookie) go only to the origins they were given for.

Two real servers on 127.0.0.1: A is the site scanned, B another origin (another port). A's
robots.txt names a sitemap on B, a page of A links to B, and a URL of A redirects to B. Both
servers log every request's headers, so the tests see from B's side what it was sent.
"""

from __future__ import annotations

import pytest

from tests.server import FixtureServer, Response, html

pytestmark = pytest.mark.external  # B is another host, checked as one (another port)

SECRETS = (
    "--header",
    "X-Secret: s3cret-header",
    "--cookie",
    "session=t0ken-cookie",
    "--auth",
    "user:hunter2",
)
SENSITIVE = ("x-secret", "cookie", "authorization")


@pytest.fixture
def sites():
    a, b = FixtureServer().start(), FixtureServer().start()
    a.routes["/robots.txt"] = Response(
        body=(
            f"User-agent: *\nAllow: /\nSitemap: {b.url('/sitemap.xml')}\n"
            f"Sitemap: {a.url('/moved-sitemap.xml')}\n"
        ),
        content_type="text/plain",
    )
    a.page(
        "/",
        body=(
            '<a href="/about">about</a> <a href="/go">moved</a> '
            f'<a href="{b.url("/elsewhere")}">B</a> <img src="/moved.png" alt="moved">'
        ),
    )
    a.page("/about", body='<a href="/">home</a>')
    a.routes["/go"] = Response(302, headers={"Location": b.url("/landing")})
    a.routes["/moved-sitemap.xml"] = Response(301, headers={"Location": b.url("/sitemap2.xml")})
    a.routes["/moved.png"] = Response(302, headers={"Location": b.url("/img.png")})
    b.routes["/robots.txt"] = Response(body="User-agent: *\nAllow: /\n", content_type="text/plain")
    b.routes["/sitemap.xml"] = Response(
        body=(
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{a.url('/about')}</loc></url></urlset>"
        ),
        content_type="application/xml",
    )
    b.routes["/sitemap2.xml"] = b.routes["/sitemap.xml"]
    b.routes["/elsewhere"] = Response(body=html("Elsewhere"))
    b.routes["/landing"] = Response(body=html("Landing"))
    b.routes["/img.png"] = Response(body=b"\x89PNG\r\n\x1a\n", content_type="image/png")
    yield a, b
    a.stop()
    b.stop()


def _carries_all(headers: dict[str, str]) -> bool:
    return (
        headers.get("x-secret") == "s3cret-header"
        and "session=t0ken-cookie" in headers.get("cookie", "")
        and headers.get("authorization", "").startswith("Basic ")
    )


def test_credentials_never_reach_another_origin(sites, cli) -> None:
    a, b = sites
    r = cli("scan", a.url(), "--format", "json", *SECRETS)
    assert r.exit_code == 0, r.stderr
    assert "/sitemap.xml" in b.paths()  # the sitemap robots.txt names on B was read
    assert "/sitemap2.xml" in b.paths()  # A's own sitemap redirected to B, and was followed
    assert "/elsewhere" in b.paths()  # the external link was checked
    assert "/img.png" in b.paths()  # A's image redirected to B, and was followed
    for q in b.requests:
        leaked = set(SENSITIVE) & set(q.headers)
        assert not leaked, (q.method, q.path, leaked)
    assert {"/", "/about", "/robots.txt"} <= set(a.paths())
    for q in a.requests:
        assert _carries_all(q.headers), (q.method, q.path)


def test_auth_origin_lets_credentials_go_to_a_listed_origin(sites, cli) -> None:
    a, b = sites
    r = cli("scan", a.url(), "--format", "json", *SECRETS, "--auth-origin", b.origin)
    assert r.exit_code == 0, r.stderr
    sitemap = [q for q in b.requests if q.path == "/sitemap.xml"]
    assert sitemap and all(_carries_all(q.headers) for q in sitemap)
    for q in a.requests:
        assert _carries_all(q.headers), (q.method, q.path)


def test_the_sites_own_upgrade_to_https_carries_them(cli, tmp_path) -> None:
    """http://host redirecting to https://host (the crawl follows it): the https twin gets the
    credentials, as the start origin did."""
    from tests.tls_server import https_server

    plain = FixtureServer().start()
    try:
        with https_server(tmp_path) as (tls, ca_file):
            plain.routes["/"] = Response(301, headers={"Location": tls.url("/")})
            tls.page("/", body='<a href="/about">about</a>')
            tls.page("/about")
            r = cli("scan", plain.url(), "--no-sitemaps", "--ca-bundle", str(ca_file), *SECRETS)
            assert r.exit_code == 0, r.stderr
            assert {"/", "/about"} <= set(tls.paths())
            for q in tls.requests:
                assert _carries_all(q.headers), (q.method, q.path)
    finally:
        plain.stop()
    assert plain.requests and all(_carries_all(q.headers) for q in plain.requests)


def test_only_the_start_origins_own_redirect_to_https_widens_the_gate() -> None:
    """The decision itself: origins compare by scheme, host and port (default ports filled in);
    an upgrade counts only from the start origin to https on its host; a downgrade never."""
    from seolog.crawl.credentials import CredentialGate

    gate = CredentialGate("http://Staging.Example.com/", headers={"X-K": "v"})
    assert gate.allows("http://staging.example.com:80/a")
    assert not gate.allows("https://staging.example.com/")
    assert not gate.allows("http://staging.example.com:8080/")
    assert not gate.allows("http://www.staging.example.com/")
    gate.redirected("http://other.example.com/", "https://staging.example.com/")
    assert not gate.allows("https://staging.example.com/")  # not the start origin's redirect
    gate.redirected("http://staging.example.com/x", "https://cdn.example.com/x")
    assert not gate.allows("https://cdn.example.com/")  # another host, even over https
    gate.redirected("http://staging.example.com/x", "https://staging.example.com/x")
    assert gate.allows("https://staging.example.com/x")
    assert gate.headers_for("https://elsewhere.example/") == {}

    secure = CredentialGate("https://staging.example.com/", auth=("u", "p"))
    secure.redirected("https://staging.example.com/", "http://staging.example.com/")
    assert not secure.allows("http://staging.example.com/")  # a downgrade never carries them
    assert secure.headers_for("https://staging.example.com/")["Authorization"].startswith("Basic ")

    listed = CredentialGate(
        "https://a.example/", auth=("u", "p"), auth_origins=["https://bücher.de"]
    )
    assert listed.allows("https://xn--bcher-kva.de/login")


@pytest.mark.parametrize(
    "value",
    [
        "ftp://files.example.com",
        "https://example.com/path",
        "https://user:hunter2@example.com",
        "example.com",
        "https://example.com\nEvil: 1",
        "https://example.com:99999",
    ],
)
def test_a_bad_auth_origin_is_a_usage_error_that_names_it(cli, server, value) -> None:
    r = cli("scan", server.url(), "--auth-origin", value, *SECRETS)
    assert r.exit_code == 2
    assert "--auth-origin" in r.stderr and "is not an origin" in r.stderr
    assert "hunter2" not in r.stderr and "Evil" not in r.stderr
    assert not server.requests  # refused before anything was fetched


def test_auth_origins_in_seolog_toml(sites, cli, tmp_path, monkeypatch) -> None:
    a, b = sites
    (tmp_path / "seolog.toml").write_text(f'[scan]\nauth_origins = ["{b.origin}/"]\n')
    monkeypatch.chdir(tmp_path)
    r = cli("scan", a.url(), "--format", "json", *SECRETS)
    assert r.exit_code == 0, r.stderr
    sitemap = [q for q in b.requests if q.path == "/sitemap.xml"]
    assert sitemap and all(_carries_all(q.headers) for q in sitemap)
    bad = tmp_path / "seolog.toml"
    bad.write_text('[scan]\nauth_origins = ["https://x.example/admin"]\n')
    r = cli("scan", a.url(), *SECRETS)
    assert r.exit_code == 3 and "is not an origin" in r.stderr


def test_a_start_url_moving_to_another_origin_says_the_credentials_stay_behind(cli) -> None:
    a, b = FixtureServer().start(), FixtureServer().start()
    try:
        a.routes["/"] = Response(301, headers={"Location": b.url("/")})
        b.page("/")
        r = cli("scan", a.url(), "--no-sitemaps", "-f", "json", *SECRETS)
    finally:
        a.stop()
        b.stop()
    assert r.exit_code == 0, r.stderr
    assert b.requests and not any(set(SENSITIVE) & set(q.headers) for q in b.requests)
    notes = r.json()["summary"]["crawl"]["notes"]
    assert any(f"--auth-origin {b.origin}" in n for n in notes), notes
