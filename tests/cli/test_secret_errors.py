"""Secrets never end up in an error line: a credential with a line break is refused where it is
given (naming the header, never its value), and platform error bodies are masked."""

from __future__ import annotations

import httpx
import pytest

from seolog.secrets import ApiKey, mask_tokens
from seolog.sync.client import describe


@pytest.mark.blank_store  # a refused command leaves no store behind
@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (("--header", "X-Token: abc-s3cret\nEvil: 1"), "'X-Token'"),
        (("--header", "X-Token: abc\rs3cret"), "'X-Token'"),
        (("--cookie", "session=abc-s3cret\nEvil: 1"), "'session'"),
        (("--auth", "user:abc-s3cret\n"), "basic auth"),
        (("--user-agent", "AcmeBot abc-s3cret\nEvil: 1"), "--user-agent"),
    ],
)
def test_a_line_break_in_a_credential_is_a_usage_error_naming_it(cli, server, home, flags, named):
    server.page("/")
    r = cli("scan", server.url(), "--no-sitemaps", *flags)
    assert r.exit_code == 2, r.stderr
    assert named in r.stderr and "line break" in r.stderr
    assert "s3cret" not in r.stderr and "Evil" not in r.stderr and "cannot reach" not in r.stderr
    assert not server.requests  # refused before any request
    assert not (home / "seolog.db").exists()  # no scan was stored, no error message kept


def test_a_header_name_with_a_space_is_refused_without_repeating_it(cli, server):
    r = cli("scan", server.url(), "--header", "Bearer abc-s3cret: x")
    assert r.exit_code == 2 and "header name" in r.stderr and "s3cret" not in r.stderr


def test_a_tab_in_a_header_value_is_still_sent(cli, server):
    server.page("/")
    r = cli("scan", server.url(), "--no-sitemaps", "--header", "X-List: a\tb")
    assert r.exit_code == 0, r.stderr
    assert server.requests[-1].headers["x-list"] == "a\tb"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("bad key sk_live_AbCdEfGh1234567890xyzXYZ123456789 given", "sk_live_AbCdE…"),
        ("token AK_ABCDEFGHIJKLMNOP rejected", "AK_ABC…"),
        ("key Sk_short123 is wrong", "Sk_…"),
    ],
)
def test_any_key_shaped_token_is_masked(text: str, shown: str) -> None:
    masked = mask_tokens(text)
    token = text.split()[2] if text.startswith("bad") else text.split()[1]
    assert token not in masked and shown in masked


def test_a_platform_error_echoing_another_key_is_masked() -> None:
    """The body names a key that is not ours (a different case, or another site's): masked too."""
    ours = ApiKey("sk_siloq_" + "k" * 43, "keyring")
    body = '{"detail": "key SK_SILOQ_OTHERKEY1234567890abcdef is revoked; ak_9f8e7d6c5b4a3 too"}'
    line = describe(httpx.Response(401, text=body), ours)
    assert "OTHERKEY1234567890abcdef" not in line and "ak_9f8e7d6c5b4a3" not in line
    assert "SK_SILOQ_OT…" in line and line.startswith("HTTP 401: key ")
