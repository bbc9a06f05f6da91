"""CI examples pass optional secrets whether or not they are set (`--auth "$STAGING_AUTH"`):
an empty --auth, SEOLOG_AUTH, --header or --cookie means none, not a usage error."""

from __future__ import annotations

import base64

from seolog.errors import ExitCode


def _authorizations(server) -> list[str | None]:
    return [r.headers.get("authorization") for r in server.requests if r.path == "/"]


def test_an_empty_auth_means_no_auth(cli, server, monkeypatch):
    server.page("/")
    for args in (["--auth", ""], ["--auth", "  "], ["--header", ""], ["--cookie", ""]):
        r = cli("scan", server.url(), "--no-sitemaps", "-q", *args)
        assert r.exit_code == 0, (args, r.stderr)
    monkeypatch.setenv("SEOLOG_AUTH", "")
    assert cli("scan", server.url(), "--no-sitemaps", "-q").exit_code == 0
    assert _authorizations(server) == [None] * 5
    assert not any("cookie" in r.headers for r in server.requests)


def test_a_set_auth_is_still_sent_and_a_malformed_one_still_refused(cli, server, monkeypatch):
    server.page("/")
    monkeypatch.setenv("SEOLOG_AUTH", "ci:s3cret")
    assert cli("scan", server.url(), "--no-sitemaps", "-q").exit_code == 0
    expected = "Basic " + base64.b64encode(b"ci:s3cret").decode()
    assert _authorizations(server) == [expected]
    r = cli("scan", server.url(), "--no-sitemaps", "--auth", "no-colon")
    assert r.exit_code == ExitCode.USAGE and "user:password" in r.stderr
