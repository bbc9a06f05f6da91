"""`seolog auth`: keys verified with the platform, kept in the keyring, never shown or stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from sqlmodel import SQLModel

from tests.conftest import Cli
from tests.sync.conftest import Shop


def test_login_verifies_the_key_and_keeps_it_in_the_keyring(shop: Shop, cli: Cli) -> None:
    api = shop.platform.api_url
    r = cli("auth", "login", "shop", "--api-url", api + "/", input=shop.key + "\n")
    assert r.exit_code == 0, r.stderr
    assert "platform site Shop" in r.stderr and shop.key[:13] + "…" in r.stderr
    assert shop.key not in r.stdout + r.stderr
    stored = keyring.get_password("seolog", f"api-key {api} {shop.url()}")
    assert stored == shop.key
    verify = shop.platform.calls("/auth/verify")
    assert verify[-1].authorization == f"Bearer {shop.key}"

    status = cli("auth", "status", "--format", "json")
    assert status.exit_code == 0, status.stderr
    [account] = status.json()
    assert account["site"] == "shop" and account["api_url"] == api
    assert account["valid"] is True and account["key_source"] == "keyring"
    assert account["platform_site"] == {"id": shop.remote.id, "name": "Shop", "url": shop.url()}
    assert account["key"] == shop.key[:13] + "…"
    assert shop.key not in status.stdout


def test_a_refused_key_is_not_stored(shop: Shop, cli: Cli, db: Any) -> None:
    wrong = "sk_siloq_" + "x" * 43
    r = cli("auth", "login", "shop", "--api-url", shop.platform.api_url, input=wrong + "\n")
    assert r.exit_code == 6
    assert "rejected the API key sk_siloq_xxxx…" in r.stderr
    assert "Invalid or revoked API key" in r.stderr and wrong not in r.stderr
    assert "was not stored" in r.stderr
    assert keyring.get_password("seolog", f"api-key {shop.platform.api_url} {shop.url()}") is None
    assert db("SELECT count(*) FROM sync_accounts")[0][0] == 0


def test_the_older_verify_answer_is_accepted(shop: Shop, cli: Cli) -> None:
    shop.platform.state.old_verify = True
    r = cli("auth", "login", "shop", "--api-url", shop.platform.api_url, input=shop.key + "\n")
    assert r.exit_code == 0, r.stderr
    assert f"platform site #{shop.remote.id}" in r.stderr


def test_status_says_when_a_key_stopped_working(logged_in: Shop, cli: Cli) -> None:
    logged_in.remote.active = False  # revoked on the platform
    r = cli("auth", "status", "shop")
    assert r.exit_code == 6
    assert "rejected the API key" in r.stderr
    offline = cli("auth", "status", "shop", "--offline", "--format", "json")
    assert offline.exit_code == 0 and offline.json()[0]["valid"] is None


def test_logout_removes_the_key_and_the_login(logged_in: Shop, cli: Cli, db: Any) -> None:
    r = cli("auth", "logout", "shop")
    assert r.exit_code == 0, r.stderr
    assert "key removed from the keyring" in r.stderr
    api = logged_in.platform.api_url
    assert keyring.get_password("seolog", f"api-key {api} {logged_in.url()}") is None
    assert db("SELECT count(*) FROM sync_accounts")[0][0] == 0
    again = cli("auth", "logout", "shop", "--api-url", api)
    assert again.exit_code == 3 and "not logged in" in again.stderr
    assert cli("auth", "status").exit_code == 6


def test_no_keyring_backend_points_to_the_environment(
    shop: Shop, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
    r = cli("auth", "login", "shop", "--api-url", shop.platform.api_url, input=shop.key + "\n")
    assert r.exit_code == 6
    assert "no system keyring is available" in r.stderr
    assert "SEOLOG_API_KEY" in r.stderr and "keyrings.alt" in r.stderr
    assert "Traceback" not in r.stderr and shop.key not in r.stderr


def test_the_environment_works_without_a_login(
    shop: Shop, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEOLOG_API_KEY", shop.key)
    monkeypatch.setenv("SEOLOG_API_URL", shop.platform.api_url)
    r = cli("sync", "push", "shop", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["created"] == 5
    status = cli("auth", "status", "shop", "--format", "json")
    assert status.json()[0]["key_source"] == "environment"
    assert "SEOLOG_API_KEY, SEOLOG_API_URL set in the environment" in status.stderr
    # Without a site (a CI job checking its secrets first): the environment's key, verified.
    [env] = cli("auth", "status", "--format", "json").json()
    assert env["site"] == "(environment)" and env["valid"] is True
    assert env["platform_site"]["name"] == "Shop"
    monkeypatch.setenv("SEOLOG_API_KEY", "sk_siloq_" + "n" * 43)
    refused = cli("auth", "status")
    assert refused.exit_code == 6 and "rejected the API key" in refused.stderr
    # the fix is where the key came from: logging in again would not win over the environment
    push = cli("sync", "push", "shop", "--force")
    assert push.exit_code == 6 and "set SEOLOG_API_KEY to a valid key" in push.stderr
    assert "log in again" not in push.stderr


def test_a_keyring_that_keeps_keys_in_a_file_is_named_at_login(
    shop: Shop, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """keyrings.alt, the usual backend of a headless server, keeps the key base64-encoded in a
    file: login works, and says so."""
    from keyrings.alt.file import PlaintextKeyring

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    backend = PlaintextKeyring()
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
    r = cli("auth", "login", "shop", "--api-url", shop.platform.api_url, input=shop.key + "\n")
    assert r.exit_code == 0, r.stderr
    warning = f"warning: the keyring here keeps keys in {backend.file_path}"
    # Said before the key is read, so there is time to stop; then the login.
    assert r.stderr.index(warning) < r.stderr.index("Logged in:")
    assert "SEOLOG_API_KEY" in r.stderr and shop.key not in r.stderr
    assert Path(backend.file_path).is_file()  # where the warning says
    assert cli("sync", "push", "shop").exit_code == 0  # and the key works from there


def test_a_file_keyring_first_in_a_chain_is_named_too(
    shop: Shop, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With several backends installed keyring chains them, and the first keeps the key."""
    from keyring.backends.chainer import ChainerBackend
    from keyrings.alt.file import PlaintextKeyring

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    backend = PlaintextKeyring()
    monkeypatch.setattr(ChainerBackend, "backends", [backend])
    monkeypatch.setattr(keyring.core, "_keyring_backend", ChainerBackend())
    r = cli("auth", "login", "shop", "--api-url", shop.platform.api_url, input=shop.key + "\n")
    assert r.exit_code == 0, r.stderr
    assert f"keeps keys in {backend.file_path}" in r.stderr
    assert Path(backend.file_path).is_file()


def test_an_api_url_that_is_not_the_api_says_so(shop: Shop, cli: Cli, db: Any) -> None:
    site_root = shop.platform.api_url.removesuffix("/api/v1")
    r = cli("auth", "login", "shop", "--api-url", site_root, input=shop.key + "\n")
    assert r.exit_code == 6
    assert f"{site_root}/auth/verify/ answered HTTP 404" in r.stderr
    assert "is this the platform's API?" in r.stderr and "the API's root" in r.stderr
    assert "Traceback" not in r.stderr and shop.key not in r.stderr
    assert db("SELECT count(*) FROM sync_accounts")[0][0] == 0


def test_the_key_is_in_no_output_file_or_database(
    logged_in: Shop, cli: Cli, home: Path, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = [
        cli("sync", "push", "shop"),
        cli("sync", "status", "--format", "json"),
        cli("sync", "status"),
        cli("auth", "status"),
        cli("auth", "status", "--format", "json"),
    ]
    # A dead platform with --debug: the traceback of the failed push shows no key either.
    monkeypatch.setenv("SEOLOG_API_KEY", logged_in.key)
    monkeypatch.setenv("SEOLOG_SYNC_BACKOFF", "0")
    dead = cli("--debug", "sync", "push", "shop", "--force", "--api-url", "http://127.0.0.1:9/v1")
    assert dead.exit_code == 6 and "Traceback" in dead.stderr
    assert "lost the connection to the platform (ConnectError)" in dead.stderr
    for r in [*outputs, dead]:
        assert logged_in.key not in r.stdout + r.stderr
    for table in SQLModel.metadata.tables:
        for row in db(f"SELECT * FROM {table}"):
            assert logged_in.key not in json.dumps([str(v) for v in row]), table
    for path in home.rglob("*"):
        if path.is_file():
            assert logged_in.key.encode() not in path.read_bytes(), path
