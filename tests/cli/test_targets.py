"""A target typed without a scheme tries https, then http, against real servers on 127.0.0.1 (one
plain HTTP, one HTTPS with a certificate made here), and never shows OpenSSL's text."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from seolog.errors import ExitCode
from seolog.services.target import schemeless_address
from tests.server import FixtureServer

RAW_SSL = ("SSL:", "_ssl.c", "WRONG_VERSION_NUMBER", "CERTIFICATE_VERIFY_FAILED")


def _no_raw_ssl(text: str) -> None:
    for raw in RAW_SSL:
        assert raw not in text, text


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA and a certificate for 127.0.0.1 it signed: (ca.pem, cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "seolog test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[FixtureServer, Path]]:
    """A real HTTPS server on 127.0.0.1, and the CA file that trusts its certificate."""
    ca, cert, key = _certificates(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    s = FixtureServer()
    # The handshake happens in the request's thread; a client that gives up on it is no error.
    s.httpd.socket = context.wrap_socket(
        s.httpd.socket, server_side=True, do_handshake_on_connect=False
    )
    s.httpd.handle_error = lambda *_a: None  # type: ignore[method-assign]
    s.origin = f"https://127.0.0.1:{s.port}"
    s.page("/", "Secure home page", "<h1>Secure</h1>")
    s.start()
    yield s, ca
    s.stop()


@pytest.fixture
def trust(monkeypatch: pytest.MonkeyPatch):
    """Make the crawler trust a CA file, as a real CA is trusted through certifi's bundle."""

    def trust_ca(ca: Path) -> None:
        from seolog.crawl import tls

        trusted = ssl.create_default_context(cafile=str(ca))
        # As the public CAs (certifi's bundle, which the crawl's clients verify against),
        # whatever bundle this machine's environment names.
        monkeypatch.setattr(tls, "_public_cas", lambda: trusted)
        for name in tls.CA_BUNDLE_ENV:
            monkeypatch.delenv(name, raising=False)

    return trust_ca


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_plain_http_server_is_scanned_over_http_with_a_note(cli, server: FixtureServer):
    server.page("/", "Plain home page", "<h1>Plain</h1>")
    address = f"127.0.0.1:{server.port}"
    r = cli("scan", address, "--max-pages", "2", "--format", "json")
    assert r.exit_code == ExitCode.OK, r.stderr
    assert f"no HTTPS on {address}; using http://{address}/" in r.stderr
    _no_raw_ssl(r.stderr)
    assert r.json()["scan"]["url"] == f"http://{address}/"


def test_https_is_preferred_when_it_answers(cli, tls_server, trust):
    server, ca = tls_server
    trust(ca)
    address = f"127.0.0.1:{server.port}"
    r = cli("scan", address, "--max-pages", "2", "--format", "json")
    assert r.exit_code == ExitCode.OK, r.stderr
    assert "no HTTPS" not in r.stderr
    assert r.json()["scan"]["url"] == f"https://{address}/"
    assert "/" in server.paths()  # the home page was fetched over TLS


def test_nothing_listening_is_one_clear_line_and_exit_4(cli):
    address = f"127.0.0.1:{_free_port()}"
    r = cli("scan", address)
    assert r.exit_code == ExitCode.UNREACHABLE, r.stderr
    assert r.stderr.startswith(f"error: cannot reach {address} over https or http")
    assert "connection refused" in r.stderr and "Traceback" not in r.stderr
    _no_raw_ssl(r.stderr)
    assert cli("sites", "list", "--format", "json").json() == []  # nothing registered


def test_an_untrusted_certificate_is_said_in_words(cli, tls_server):
    server, _ca = tls_server
    r = cli("scan", f"127.0.0.1:{server.port}")
    assert r.exit_code == ExitCode.UNREACHABLE, r.stderr
    assert "certificate is not trusted" in r.stderr
    _no_raw_ssl(r.stderr)


def test_sites_add_without_a_scheme_tries_https_then_http(cli, server, tls_server, trust):
    tls, ca = tls_server
    trust(ca)
    r = cli("sites", "add", f"127.0.0.1:{server.port}", "--name", "plain", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["url"] == f"http://127.0.0.1:{server.port}/"
    assert "no HTTPS on" in r.stderr
    r = cli("sites", "add", f"127.0.0.1:{tls.port}", "--name", "secure", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["url"] == f"https://127.0.0.1:{tls.port}/"
    r = cli("sites", "add", f"127.0.0.1:{_free_port()}", "--name", "gone")
    assert r.exit_code == ExitCode.UNREACHABLE and "over https or http" in r.stderr
    # With a scheme the address is taken as given, without asking the server.
    r = cli("sites", "add", f"http://127.0.0.1:{_free_port()}/", "--name", "later")
    assert r.exit_code == 0, r.stderr


def test_a_folder_that_exists_wins_over_a_host_name(cli, tmp_path: Path, monkeypatch):
    folder = tmp_path / "example.com"
    folder.mkdir()
    (folder / "index.html").write_text("<!doctype html><title>Local copy</title><h1>Hi</h1>")
    monkeypatch.chdir(tmp_path)
    r = cli("scan", "example.com", "--format", "json")
    assert r.exit_code == ExitCode.OK, r.stderr
    assert r.json()["scan"]["url"] == "http://example-com.localhost/"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("example.com", True),
        ("127.0.0.1:8081", True),
        ("localhost:3000", True),
        ("www.example.com/blog", True),
        ("[::1]:8080", True),
        ("https://example.com", False),
        ("acme", False),  # a site name
        ("build.v2/public", False),  # a path: "no such folder" says it better
        ("./public", False),
    ],
)
def test_what_counts_as_an_address_without_a_scheme(target, expected):
    assert schemeless_address(target) is expected


def test_https_to_a_plain_http_server_says_so_in_words(cli, server: FixtureServer):
    server.page("/", "Plain home page")
    r = cli("scan", f"https://127.0.0.1:{server.port}/", "--retries", "0")
    assert r.exit_code == ExitCode.UNREACHABLE, r.stderr
    assert "does not speak HTTPS" in r.stderr
    _no_raw_ssl(r.stderr)


def test_a_site_name_with_a_dot_is_scanned_by_name_not_as_an_address(cli, server: FixtureServer):
    """`sites add http://127.0.0.1:PORT/` names the site 127.0.0.1; that name, printed as the way
    to scan it, scans it (and the crontab's `scan NAME --scheduled` too), without asking
    https://127.0.0.1/ or http://127.0.0.1/ on port 443 or 80."""
    server.page("/", "Plain home page", "<h1>Plain</h1>")
    r = cli("sites", "add", f"{server.origin}/")
    assert r.exit_code == ExitCode.OK, r.stderr
    assert "Scan it with: seolog scan 127.0.0.1" in r.stdout + r.stderr
    r = cli("scan", "127.0.0.1", "--max-pages", "2", "--format", "json")
    assert r.exit_code == ExitCode.OK, r.stderr
    assert r.json()["scan"]["url"] == f"{server.origin}/"
    assert "HTTPS" not in r.stderr  # a registered site is not probed for its scheme
    r = cli("scan", "127.0.0.1", "--scheduled", "--max-pages", "2")
    assert r.exit_code == ExitCode.OK, r.stderr
    scans = cli("scans", "list", "--format", "json").json()
    assert sorted(s["type"] for s in scans) == ["manual", "scheduled"]
    assert {s["site"] for s in scans} == {"127.0.0.1"}


def _authorizations(server: FixtureServer) -> list[str]:
    return [
        f"{r.path}: {name}"
        for r in server.requests
        for name in ("authorization", "cookie", "x-key")
        if name in r.headers
    ]


@pytest.mark.parametrize(
    "credentials",
    [("--auth", "user:secret"), ("--header", "X-Key: secret"), ("--cookie", "session=secret")],
)
def test_credentials_never_fall_back_to_plain_http(cli, server: FixtureServer, credentials):
    server.page("/", "Staging home page")
    address = f"127.0.0.1:{server.port}"
    r = cli("scan", address, *credentials)
    assert r.exit_code == ExitCode.UNREACHABLE, r.stderr
    assert r.stderr.startswith(f"error: cannot use https on {address}")
    assert "not sent over plain http" in r.stderr
    assert f"write http://{address}/ to send them over http anyway" in r.stderr
    assert "secret" not in r.stderr
    _no_raw_ssl(r.stderr)
    assert server.paths() == ["/robots.txt"]  # the anonymous probe, and nothing more
    assert _authorizations(server) == []
    assert cli("sites", "list", "--format", "json").json() == []  # nothing registered


def test_seolog_auth_from_the_environment_is_refused_over_http_too(
    cli, server: FixtureServer, monkeypatch: pytest.MonkeyPatch
):
    server.page("/", "Staging home page")
    monkeypatch.setenv("SEOLOG_AUTH", "user:secret")
    r = cli("scan", f"127.0.0.1:{server.port}")
    assert r.exit_code == ExitCode.UNREACHABLE, r.stderr
    assert _authorizations(server) == []
    # Written out as http://, the same credentials go where they were sent.
    r = cli("scan", f"{server.origin}/", "--max-pages", "1")
    assert r.exit_code == ExitCode.OK, r.stderr
    assert "/: authorization" in _authorizations(server)


def test_credentials_go_over_https_when_it_answers_and_the_probe_is_anonymous(
    cli, tls_server, trust
):
    server, ca = tls_server
    trust(ca)
    address = f"127.0.0.1:{server.port}"
    r = cli("scan", address, "--auth", "user:secret", "--max-pages", "1", "--format", "json")
    assert r.exit_code == ExitCode.OK, r.stderr
    assert r.json()["scan"]["url"] == f"https://{address}/"
    probe, *crawl = server.requests
    assert probe.path == "/robots.txt" and "authorization" not in probe.headers
    assert any(q.path == "/" and "authorization" in q.headers for q in crawl)
