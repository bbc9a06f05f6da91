"""`seolog db vacuum` reports the store's true sizes: the SQLite file with its -wal and -shm, as
the file system sees them. In WAL mode VACUUM writes the rebuilt database into the WAL, so a
vacuum that did not checkpoint afterwards reported the store growing (0.2 MiB → 0.4 MiB)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from seolog.context import AppContext
from seolog.services.db import db_vacuum
from tests.conftest import EXAMPLE_SITE

pytestmark = pytest.mark.sqlite_only  # file sizes; PostgreSQL reports pg_database_size


def _on_disk(db: Path) -> int:
    """What `ls -l` says the store takes: the file, its write-ahead log and its shared memory."""
    parts = (str(db), f"{db}-wal", f"{db}-shm")
    return sum(os.path.getsize(p) for p in parts if os.path.exists(p))


def _three_scans_two_pruned(cli) -> None:
    for _ in range(3):
        assert cli("--quiet", "scan", str(EXAMPLE_SITE)).exit_code == 0
    assert cli("scans", "prune", "--keep", "1", "--yes").exit_code == 0


def test_vacuum_sizes_are_the_files_on_disk_and_shrink_after_deleting_scans(cli, home: Path):
    _three_scans_two_pruned(cli)
    db = home / "seolog.db"
    ctx = AppContext(db_url=f"sqlite:///{db}")
    try:
        ctx.engine  # noqa: B018 - open the store as the command does
        measured_before = _on_disk(db)
        before, after = db_vacuum(ctx)
        measured_after = _on_disk(db)  # the store is still open: its -shm is still there
    finally:
        ctx.close()
    assert before == measured_before
    assert after == measured_after
    assert after is not None and before is not None and after < before
    assert not os.path.exists(f"{db}-wal") or os.path.getsize(f"{db}-wal") == 0
    # Closed, SQLite removes the -wal and -shm: the file alone is what is left, never more.
    assert os.path.getsize(db) <= after


def test_vacuum_command_says_what_it_gave_back(cli, home: Path):
    _three_scans_two_pruned(cli)
    db = home / "seolog.db"
    r = cli("db", "vacuum", "--format", "json")
    assert r.exit_code == 0, r.stderr
    sizes = r.json()
    assert sizes["bytes_after"] < sizes["bytes_before"]
    assert sizes["bytes_freed"] == sizes["bytes_before"] - sizes["bytes_after"]
    assert os.path.getsize(db) <= sizes["bytes_after"]
    r = cli("db", "vacuum")
    assert r.exit_code == 0 and "Vacuumed:" in r.stderr and "KiB" in r.stderr
    # `db info` reads the same sizes.
    info = cli("db", "info", "--format", "json").json()
    assert info["bytes"] >= os.path.getsize(db)
