"""`seolog db`: info, vacuum, and backups that are checked and restored on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from seolog.errors import ExitCode
from seolog.storage.migrations import HEAD
from tests.conftest import EXAMPLE_SITE

pytestmark = pytest.mark.sqlite_only  # file sizes and SQLite backups; PostgreSQL uses pg_dump


def test_info_counts_what_the_store_holds(cli):
    assert cli("scan", str(EXAMPLE_SITE)).exit_code == 0
    info = cli("db", "info", "--format", "json").json()
    assert info["backend"] == "sqlite" and info["revision"] == HEAD
    assert info["rows"]["scans"] == 1 and info["rows"]["pages"] == 14
    assert info["rows"]["issues"] > 0 and info["bytes"] > 0
    assert "Pages" in cli("db", "info").stdout


def test_vacuum_gives_back_the_space_of_pruned_scans(cli):
    for _ in range(3):
        assert cli("--quiet", "scan", str(EXAMPLE_SITE)).exit_code == 0
    before = cli("db", "info", "--format", "json").json()["bytes"]
    assert cli("scans", "prune", "--keep", "1", "--yes").exit_code == 0
    r = cli("db", "vacuum")
    assert r.exit_code == 0 and "Vacuumed" in r.stderr
    assert cli("db", "info", "--format", "json").json()["bytes"] < before


def test_backup_and_restore(cli, tmp_path: Path):
    assert cli("scan", str(EXAMPLE_SITE)).exit_code == 0
    backup = tmp_path / "seolog-backup.db"
    r = cli("db", "backup", str(backup))
    assert r.exit_code == 0, r.stderr
    assert "verified" in r.stderr and backup.stat().st_mode & 0o077 == 0
    r = cli("db", "backup", str(backup))
    assert r.exit_code == ExitCode.USAGE and "already exists" in r.stderr

    assert cli("sites", "add", "https://later.example", "--name", "later").exit_code == 0
    r = cli("db", "restore", str(backup))  # no terminal to confirm on: refused
    assert r.exit_code == ExitCode.USAGE and "--yes" in r.stderr
    assert cli("db", "restore", str(backup), "--yes").exit_code == 0
    names = [s["name"] for s in cli("sites", "list", "--format", "json").json()]
    assert "later" not in names and "site.localhost" in names
    assert cli("db", "info", "--format", "json").json()["rows"]["pages"] == 14

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    r = cli("db", "restore", str(junk), "--yes")
    assert r.exit_code == ExitCode.STORAGE and "is not a seolog database" in r.stderr
    assert cli("db", "info", "--format", "json").json()["rows"]["pages"] == 14  # untouched
