"""A staging site on HTTPS behind a private CA: untrusted by default, crawled with --ca-bundle,
SSL_CERT_FILE or REQUESTS_CA_BUNDLE, or with --insecure (and a warning). The server is real
HTTPS on 127.0.0.1 with a certificate signed by a CA made in the test."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from seolog.config import CrawlSettings
from seolog.crawl.tls import verify_for
from seolog.errors import ExitCode, UsageError
from tests.server import FixtureServer
from tests.tls_server import https_server

pytestmark = pytest.mark.store_agnostic  # no store involved: the PostgreSQL run skips it


@pytest.fixture(autouse=True)
def _no_ca_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's own CA variables must not decide these tests."""
    for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def staging(tmp_path: Path) -> Iterator[tuple[FixtureServer, Path]]:
    with https_server(tmp_path) as (server, ca_file):
        server.page("/", "Staging home page", '<h1>Home</h1><a href="/about">About us</a>')
        server.page("/about", "About the staging team", '<h1>About</h1><a href="/">Home</a>')
        yield server, ca_file


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_an_untrusted_certificate_is_one_clear_tls_line(cli, staging):
    server, _ca = staging
    r = cli("scan", server.url("/"))
    assert r.exit_code == ExitCode.UNREACHABLE
    errors = _error_lines(r.stderr)
    assert len(errors) == 1
    assert "certificate is not trusted" in errors[0]
    assert "SSL:" not in r.stderr and "Traceback" not in r.stderr
    assert server.paths() == []  # the handshake failed: no request was ever made


def test_an_untrusted_certificate_hints_at_the_options(cli, staging):
    server, _ca = staging
    r = cli("scan", server.url("/"))
    assert r.exit_code == ExitCode.UNREACHABLE
    assert "--ca-bundle" in r.stderr and "--insecure" in r.stderr


def test_ca_bundle_crawls_the_site_and_is_stored_absolute(cli, staging, monkeypatch, tmp_path):
    server, ca_file = staging
    monkeypatch.chdir(tmp_path)
    r = cli("scan", server.url("/"), "--ca-bundle", ca_file.name, "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert doc["scan"]["status"] == "completed"
    assert {"/", "/about"} <= set(server.paths())
    # Absolute, so a resume from another folder finds it.
    assert doc["scan"]["settings"]["ca_bundle"] == str(ca_file)
    assert doc["scan"]["settings"]["insecure"] is False
    assert "warning" not in r.stderr


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"])
def test_the_environment_names_the_ca_bundle(cli, staging, monkeypatch, variable):
    server, ca_file = staging
    monkeypatch.setenv(variable, str(ca_file))
    r = cli("scan", server.url("/"), "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["scan"]["status"] == "completed"
    assert {"/", "/about"} <= set(server.paths())


def test_a_ca_bundle_in_seolog_toml_is_read_beside_the_file(cli, staging, monkeypatch, tmp_path):
    server, ca_file = staging
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "seolog.toml").write_text(f'[scan]\nca_bundle = "../{ca_file.name}"\n')
    monkeypatch.chdir(project / "sub")  # not the file's folder: the path is the file's
    r = cli("scan", server.url("/"), "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["scan"]["settings"]["ca_bundle"] == str(ca_file)


def test_insecure_crawls_and_warns_once(cli, staging):
    server, _ca = staging
    r = cli("scan", server.url("/"), "--insecure")
    assert r.exit_code == 0, r.stderr
    assert {"/", "/about"} <= set(server.paths())
    warnings = [line for line in r.stderr.splitlines() if "--insecure" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: --insecure") and "not be verified" in warnings[0]


def test_insecure_warning_is_json_with_format_json(cli, staging):
    server, _ca = staging
    r = cli("scan", server.url("/"), "--insecure", "--format", "json")
    assert r.exit_code == 0, r.stderr
    lines = [json.loads(line) for line in r.stderr.splitlines() if line.strip()]
    assert any("--insecure" in line.get("warning", "") for line in lines)
    assert r.json()["scan"]["settings"]["insecure"] is True


def test_insecure_from_the_environment_warns_too(cli, staging, monkeypatch):
    server, _ca = staging
    monkeypatch.setenv("SEOLOG_SCAN_INSECURE", "true")
    r = cli("scan", server.url("/"))
    assert r.exit_code == 0, r.stderr
    assert "warning: --insecure" in r.stderr


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "does not exist"),
        (b"just some text, no certificate\n", "holds no PEM certificate"),
        (b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n", "cannot"),
    ],
    ids=["missing", "not-pem", "broken-pem"],
)
def test_a_bad_ca_bundle_is_one_line_naming_the_file(cli, staging, tmp_path, content, problem):
    server, _ca = staging
    bundle = tmp_path / "ca-bundle.pem"
    if content is not None:
        bundle.write_bytes(content)
    r = cli("scan", server.url("/"), "--ca-bundle", str(bundle))
    assert r.exit_code == ExitCode.USAGE
    errors = _error_lines(r.stderr)
    assert len(errors) == 1, r.stderr
    assert str(bundle) in errors[0] and problem in errors[0]
    assert "hint:" in r.stderr and "Traceback" not in r.stderr
    assert server.paths() == []  # failed before any request …
    assert cli("scans", "list", "--format", "json").json() == []  # … and before any scan row


def test_a_bad_bundle_named_by_the_environment_names_the_variable(cli, staging, monkeypatch):
    server, _ca = staging
    monkeypatch.setenv("SSL_CERT_FILE", "/nowhere/ca.pem")
    r = cli("scan", server.url("/"))
    assert r.exit_code == ExitCode.USAGE
    errors = _error_lines(r.stderr)
    assert len(errors) == 1 and "/nowhere/ca.pem" in errors[0] and "SSL_CERT_FILE" in errors[0]
    assert "unset SSL_CERT_FILE" in r.stderr


def test_the_bundle_adds_to_the_public_cas(staging):
    """External links to public HTTPS sites must still verify: the private CA is added to
    certifi's, not put in their place."""
    _server, ca_file = staging
    context = verify_for(CrawlSettings(ca_bundle=str(ca_file)))
    assert not isinstance(context, bool)
    subjects = [dict(item[0] for item in ca["subject"]) for ca in context.get_ca_certs()]
    names = {s.get("organizationName") for s in subjects}
    assert "Staging Private CA" in names
    assert len(subjects) > 50  # the public roots are there too
    default = verify_for(CrawlSettings())  # nothing given: httpx's own default, built once
    assert isinstance(default, ssl.SSLContext) and verify_for(CrawlSettings()) is default
    assert verify_for(CrawlSettings(ca_bundle=str(ca_file), insecure=True)) is False


def test_verify_for_refuses_a_missing_bundle_with_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        verify_for(CrawlSettings(ca_bundle=str(tmp_path / "gone.pem")))
