"""A folder scan (`seolog scan ./public`, served by seolog's own local server) leaves out the
checks only the live server can fix (a response header, the server's speed): they are not
applicable there, weigh nothing, and say so in the scan's `checks` list. A URL scan judges them."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from seolog.checks.registry import catalog, get_check
from seolog.crawl import tls
from tests.conftest import EXAMPLE_SITE
from tests.server import FixtureServer, Response, html

SERVER_ONLY = {
    "hsts-missing",
    "slow-response",
    "canonical-header-conflict",
    "origin-variant-not-redirected",
}
# The one timing-dependent check kept out of reach of a busy machine.
CALM = ("-t", "slow_response_ms=60000")


def _results(doc: dict) -> dict[str, str]:
    return {c["code"]: c["result"] for c in doc["checks"]}


def test_the_catalog_marks_exactly_the_checks_a_folder_cannot_fix():
    assert {s.code for s in catalog() if s.server_only} == SERVER_ONLY
    spec = get_check("hsts-missing")
    assert spec is not None and "Not judged when scanning a folder" in spec.explain()


def test_checks_list_and_explain_say_which_checks_folder_scans_leave_out(cli):
    listed = {c["code"]: c for c in cli("checks", "list", "--format", "json").json()}
    assert {code for code, c in listed.items() if not c["folder_scans"]} == SERVER_ONLY
    r = cli("checks", "explain", "hsts-missing")
    assert "Folder scans" in r.stdout and "Scan the deployed URL" in r.stdout


def test_a_folder_scan_for_an_https_site_reports_no_hsts_missing(cli):
    """Every page of examples/site, published at https://, arrives without HSTS from the local
    server: it is not the folder's to fix, so it is not applicable, not 14 findings."""
    r = cli(
        "scan", str(EXAMPLE_SITE), "--base-url", "https://www.example.com",
        "--format", "json", *CALM,
    )  # fmt: skip
    doc = r.json()
    assert r.exit_code == 0
    assert not [i for i in doc["issues"] if i["code"] in SERVER_ONLY]
    results = _results(doc)
    for code in SERVER_ONLY:
        assert results[code] == "not_applicable", code
    # The folder's own problems are still found.
    assert {"h1-multiple", "link-broken"} <= {i["code"] for i in doc["issues"]}


def _tls_server(tmp_path: Path) -> tuple[FixtureServer, Path]:
    """A local HTTPS server with a self-signed certificate for 127.0.0.1; returns the server and
    the certificate, which the test trusts."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = FixtureServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.origin = server.origin.replace("http://", "https://")
    return server.start(), cert


def test_a_url_scan_of_a_live_https_server_still_reports_them(cli, tmp_path, monkeypatch):
    server, cert = _tls_server(tmp_path)
    trusted = ssl.create_default_context(cafile=str(cert))

    # The crawl's clients trust the test's certificate as they trust the public CAs (and
    # whatever bundle this machine's environment names is not read).
    monkeypatch.setattr(tls, "_public_cas", lambda: trusted)
    for name in tls.CA_BUNDLE_ENV:
        monkeypatch.delenv(name, raising=False)
    try:
        page = html("Home", "<h1>Home</h1><p>words</p>", head='<link rel="canonical" href="/a">')
        server.routes["/"] = Response(body=page, headers={"Link": '</b>; rel="canonical"'})
        r = cli("scan", server.url(), "--no-sitemaps", "--format", "json", *CALM)
    finally:
        server.stop()
    doc = r.json()
    assert doc["scan"]["url"].startswith("https://127.0.0.1")
    codes = {i["code"] for i in doc["issues"]}
    assert {"hsts-missing", "canonical-header-conflict"} <= codes
    results = _results(doc)
    assert results["hsts-missing"] == results["canonical-header-conflict"] == "failed"
    assert results["slow-response"] == "passed"  # judged, and fast enough


def test_a_copy_whose_sitemap_names_the_original_host_says_so(cli, tmp_path: Path, monkeypatch):
    """examples/site's sitemap lists http://site.localhost/… URLs: copied as ./public, nothing of
    it applies to the folder's own host. Said, with the flag that fixes it, not left silent."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLE_SITE, tmp_path / "public")
    doc = cli("scan", "public", "--format", "json").json()
    (note,) = [n for n in doc["summary"]["crawl"]["notes"] if "sitemap URLs are on" in n]
    assert note.startswith("7 of 7 sitemap URLs are on http://site.localhost")
    assert "--base-url http://site.localhost/" in note
    doc = cli("scan", "public", "--base-url", "http://site.localhost/", "--format", "json").json()
    assert not any("sitemap URLs are on" in n for n in doc["summary"]["crawl"]["notes"])
    assert any(p["url"].endswith("/landing/spring-sale.html") for p in doc["pages"])  # seeded
