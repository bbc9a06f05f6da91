"""`seolog db backup/restore` on a team database: pg_dump and pg_restore, checked like SQLite's."""

from __future__ import annotations

from pathlib import Path

import pytest

from seolog.errors import ExitCode
from tests.conftest import EXAMPLE_SITE

pytestmark = pytest.mark.postgresql_only


def test_backup_and_restore_through_pg_dump(cli, tmp_path: Path) -> None:
    assert cli("scan", str(EXAMPLE_SITE)).exit_code == 0
    info = cli("db", "info", "--format", "json").json()
    assert info["backend"] == "postgresql" and info["rows"]["pages"] == 14
    backup = tmp_path / "team.dump"
    r = cli("db", "backup", str(backup))
    assert r.exit_code == 0, r.stderr
    assert "verified" in r.stderr and backup.stat().st_mode & 0o077 == 0
    assert backup.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    assert cli("sites", "add", "https://later.example", "--name", "later").exit_code == 0
    r = cli("db", "restore", str(backup))  # no terminal to confirm on: refused
    assert r.exit_code == ExitCode.USAGE and "--yes" in r.stderr
    r = cli("db", "restore", str(backup), "--yes")
    assert r.exit_code == 0, r.stderr
    names = [s["name"] for s in cli("sites", "list", "--format", "json").json()]
    assert "later" not in names and "site.localhost" in names
    assert cli("db", "info", "--format", "json").json()["rows"]["pages"] == 14
    # The restored store takes new rows: its id sequences came back too.
    assert cli("scan", str(EXAMPLE_SITE)).exit_code == 0
    assert cli("db", "info", "--format", "json").json()["rows"]["scans"] == 2

    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"not a dump" * 100)
    r = cli("db", "restore", str(junk), "--yes")
    assert r.exit_code == ExitCode.STORAGE and "pg_restore failed" in r.stderr
    assert cli("db", "info", "--format", "json").json()["rows"]["scans"] == 2  # untouched
