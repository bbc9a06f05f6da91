"""`seolog db backup` writes only where a backup belongs, owner-only, in one step, and leaves
nothing behind; faults of the disk and of the store are storage errors (exit 5), not bugs."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
from pathlib import Path

import pytest

from seolog.errors import ExitCode
from tests.conftest import EXAMPLE_SITE, run_seolog

pytestmark = pytest.mark.sqlite_only  # SQLite files; PostgreSQL backups go through pg_dump


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_force_never_replaces_what_is_not_a_regular_file(cli, tmp_path: Path) -> None:
    assert cli("sites", "add", "https://a.example", "--name", "a").exit_code == 0
    tmp_path = tmp_path / "targets"
    tmp_path.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    real = tmp_path / "real.db"
    real.write_bytes(b"keep me")
    link = tmp_path / "link.db"
    link.symlink_to(real)
    folder = tmp_path / "folder"
    folder.mkdir()
    for target in (fifo, link, folder):
        r = cli("db", "backup", str(target), "--force")
        assert r.exit_code == ExitCode.USAGE, r.stderr
        assert r.stderr.count("error:") == 1 and "Traceback" not in r.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and link.is_symlink()
    assert real.read_bytes() == b"keep me" and folder.is_dir()
    assert _files(tmp_path) == {"pipe", "real.db", "link.db", "folder"}


def test_the_store_is_never_its_own_backup(cli, home: Path) -> None:
    assert cli("sites", "add", "https://a.example", "--name", "a").exit_code == 0
    r = cli("db", "backup", str(home / "seolog.db"), "--force")
    assert r.exit_code == ExitCode.USAGE and "is the database itself" in r.stderr
    assert [s["name"] for s in cli("sites", "list", "--format", "json").json()] == ["a"]


def test_a_missing_folder_is_a_usage_error_with_the_fix(cli, tmp_path: Path) -> None:
    r = cli("db", "backup", str(tmp_path / "nope" / "b.db"))
    assert r.exit_code == ExitCode.USAGE
    assert "no folder" in r.stderr and "mkdir -p" in r.stderr
    assert not (tmp_path / "nope").exists()


@pytest.mark.parametrize("name", ["seolog#1.db", "50%.db", "a?b.db", "back up %23.db"])
def test_backup_names_with_uri_characters_work_and_leave_nothing_else(
    cli, tmp_path: Path, name: str
) -> None:
    assert cli("sites", "add", "https://a.example", "--name", "a").exit_code == 0
    folder = tmp_path / "backups"
    folder.mkdir()
    backup = folder / name
    r = cli("db", "backup", str(backup))
    assert r.exit_code == 0, r.stderr
    # One file: no .partial, -wal, -shm or -journal beside it, and readable by its owner only.
    assert _files(folder) == {name}
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    r = cli("db", "backup", str(backup), "--force")  # a regular file may be replaced
    assert r.exit_code == 0, r.stderr
    assert _files(folder) == {name}
    assert cli("db", "restore", str(backup), "--yes").exit_code == 0
    assert _files(folder) == {name}  # reading it back left nothing either
    assert [s["name"] for s in cli("sites", "list", "--format", "json").json()] == ["a"]


def _limited(limit: int):
    def apply() -> None:
        # A disk that fills up: writes past `limit` bytes fail with EFBIG (SIGXFSZ ignored, so
        # the process sees the error instead of being killed), as ENOSPC would.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _seolog(
    env: dict[str, str], *args: str, limit: int | None = None
) -> subprocess.CompletedProcess:
    return run_seolog(env, *args, preexec_fn=_limited(limit) if limit is not None else None)


def test_a_full_disk_during_backup_is_a_storage_error(
    cli, seolog_env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    assert cli("--quiet", "scan", str(EXAMPLE_SITE)).exit_code == 0
    size = (home / "seolog.db").stat().st_size
    folder = tmp_path / "backups"
    folder.mkdir()
    done = _seolog(seolog_env, "db", "backup", str(folder / "b.db"), limit=size // 3)
    assert done.returncode == ExitCode.STORAGE, done.stderr
    assert "cannot write the backup" in done.stderr and "free disk space" in done.stderr
    assert "Traceback" not in done.stderr and "bug" not in done.stderr
    assert _files(folder) == set()  # no partial file left


def test_a_full_disk_during_vacuum_is_a_storage_error(
    cli, seolog_env: dict[str, str], home: Path
) -> None:
    for _ in range(2):
        assert cli("--quiet", "scan", str(EXAMPLE_SITE)).exit_code == 0
    assert cli("scans", "prune", "--keep", "1", "--yes").exit_code == 0
    db = home / "seolog.db"
    assert cli("db", "info").exit_code == 0
    # Room for the store as it is, not for the rebuilt copy VACUUM writes into the WAL.
    done = _seolog(seolog_env, "db", "vacuum", limit=db.stat().st_size // 2)
    assert done.returncode == ExitCode.STORAGE, done.stderr
    assert "free disk space" in done.stderr and "Traceback" not in done.stderr
    # Nothing was lost: the store still reads, with its scan.
    assert cli("scans", "list", "--format", "json").exit_code == 0
    assert len(cli("scans", "list", "--format", "json").json()) == 1
    assert db.stat().st_size > 0


@pytest.mark.parametrize("damage", ["truncate", "header", "empty"])
def test_a_damaged_store_is_a_storage_error_not_a_bug(
    cli, seolog_env: dict[str, str], home: Path, tmp_path: Path, damage: str
) -> None:
    assert cli("--quiet", "scan", str(EXAMPLE_SITE)).exit_code == 0
    backup = tmp_path / "good.db"
    assert cli("db", "backup", str(backup)).exit_code == 0
    assert "is intact (schema" in cli("db", "verify").stderr
    assert cli("db", "verify", str(backup), "--format", "json").json()["ok"] is True
    db = home / "seolog.db"
    assert cli("db", "vacuum").exit_code == 0  # everything in the file, the WAL emptied
    for sidecar in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        sidecar.unlink(missing_ok=True)
    data = db.read_bytes()
    if damage == "truncate":
        db.write_bytes(data[: len(data) // 2])
    elif damage == "header":
        db.write_bytes(b"\x00" * 100 + data[100:])
    else:
        db.write_bytes(b"")
    for args in (("db", "verify"), ("scans", "list"), ("db", "info"), ("scan", str(EXAMPLE_SITE))):
        done = _seolog(seolog_env, *args)
        assert done.returncode == ExitCode.STORAGE, (args, done.stderr)
        assert "Traceback" not in done.stderr and "bug" not in done.stderr
        assert "restore" in done.stderr, (args, done.stderr)
    if damage == "empty":
        assert "empty file" in done.stderr and db.stat().st_size == 0  # not taken as new
    r = cli("db", "verify", str(db))  # a damaged file given as a backup to check
    assert r.exit_code == ExitCode.STORAGE
    # The way out the hint names: a restore over the damaged file.
    done = _seolog(seolog_env, "db", "restore", str(backup), "--yes")
    assert done.returncode == 0, done.stderr
    assert len(cli("scans", "list", "--format", "json").json()) == 1


@pytest.mark.sqlite_only  # the same temporary file on both; SQLite's backup is the quick one
def test_a_backup_leaves_another_backups_file_alone(cli, tmp_path: Path) -> None:
    """Two backups to one name at once (two cron jobs, say) each write a file of their own: the
    second must not delete the first one's half-written file under it (review: both failed, and
    no backup was left)."""
    from seolog.storage.maintenance import _private_tmp

    assert cli("sites", "add", "https://a.example", "--name", "a").exit_code == 0
    folder = tmp_path / "backups"
    folder.mkdir()
    backup = folder / "seolog.db.bak"
    theirs = _private_tmp(backup)  # as the other backup, still copying, made it
    r = cli("db", "backup", str(backup))
    assert r.exit_code == 0, r.stderr
    assert theirs.exists()  # still there for the other backup to finish
    assert _files(folder) == {backup.name, theirs.name}
    assert cli("db", "verify", str(backup)).exit_code == 0
