"""The store itself: sizes and counts, vacuum, and consistent online backups with verification.

SQLite uses its backup API, which copies a consistent snapshot while scans keep writing (WAL).
PostgreSQL uses pg_dump/pg_restore when they are installed.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine, make_url

from seolog.errors import StorageError, UsageError
from seolog.storage.migrations import KNOWN_REVISIONS
from seolog.storage.models import (
    Client,
    Issue,
    Link,
    LogEntry,
    OutboxItem,
    Page,
    Project,
    Scan,
    Site,
)

TABLES = {
    "sites": Site,
    "scans": Scan,
    "pages": Page,
    "links": Link,
    "issues": Issue,
    "clients": Client,
    "projects": Project,
    "log_entries": LogEntry,
    "sync_outbox": OutboxItem,  # pages sent to the platform, or waiting to be
}


@dataclass
class DbInfo:
    url: str  # password hidden
    backend: str
    revision: str | None
    bytes: int | None  # SQLite: the file, its -wal and -shm; PostgreSQL: pg_database_size
    rows: dict[str, int] = field(default_factory=dict)


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def _file_bytes(path: Path) -> int:
    """What the store takes on disk: the file plus its write-ahead log and shared-memory index."""
    parts = (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
    return sum(p.stat().st_size for p in parts if p.exists())


def size(engine: Engine, url: str) -> int | None:
    """The store's true size in bytes: SQLite's files, or PostgreSQL's pg_database_size."""
    path = sqlite_path(url)
    if path is not None:
        return _file_bytes(path)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return int(
                conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
            )
    return None


def info(engine: Engine, url: str) -> DbInfo:
    from seolog.storage.db import current_revision

    parsed = make_url(url)
    result = DbInfo(
        parsed.render_as_string(hide_password=True),
        parsed.get_backend_name(),
        current_revision(engine),
        size(engine, url),
    )
    with engine.connect() as conn:
        for name, model in TABLES.items():
            result.rows[name] = int(
                conn.execute(select(func.count()).select_from(model)).scalar_one()
            )
    return result


def vacuum(engine: Engine) -> None:
    """Give back the space of deleted scans (SQLite), refresh planner statistics (both)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            conn.execute(text("VACUUM"))
            conn.execute(text("ANALYZE"))
            # In WAL mode VACUUM writes the rebuilt database into the WAL: until it is copied
            # back, the store is larger than before (the file shrinks only at the checkpoint).
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        else:
            conn.execute(text("VACUUM ANALYZE"))


def verify_sqlite(path: Path) -> str:
    """Check a SQLite backup: intact and a seolog schema this version can read; returns its
    revision."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise StorageError(f"{path} is not a seolog database: {e}", hint="check the file") from e
    if ok != "ok":
        raise StorageError(f"{path} is damaged: {ok}", hint="use an older backup")
    if revision is None or revision[0] not in KNOWN_REVISIONS:
        raise StorageError(
            f"{path} has schema {revision[0] if revision else 'none'}, which this seolog cannot read",
            hint="restore it with the seolog version that made it",
        )
    return str(revision[0])


def backup_sqlite(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.partial")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # a consistent snapshot, even while a scan writes
        finally:
            dst.close()
    finally:
        src.close()
    tmp.chmod(0o600)
    verify_sqlite(tmp)
    tmp.replace(target)


def restore_sqlite(backup: Path, target: Path) -> None:
    """Copy a verified backup over the live database through SQLite, so open readers and the WAL
    stay consistent."""
    verify_sqlite(backup)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise UsageError(
            f"{name} is not installed",
            hint="install the PostgreSQL client tools (Debian: postgresql-client)",
        )
    return found


def backup_postgres(url: str, target: Path) -> None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    tmp = target.with_name(f".{target.name}.partial")
    done = subprocess.run(
        [_tool("pg_dump"), "-Fc", "-f", str(tmp), dsn], capture_output=True, text=True
    )
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"pg_dump failed: {done.stderr.strip()}", hint="check the database URL")
    check = subprocess.run(
        [_tool("pg_restore"), "--list", str(tmp)], capture_output=True, text=True
    )
    if check.returncode != 0 or "alembic_version" not in check.stdout:
        tmp.unlink(missing_ok=True)
        raise StorageError(
            "the dump does not read back as a seolog database", hint="retry the backup"
        )
    tmp.chmod(0o600)
    tmp.replace(target)


def restore_postgres(url: str, backup: Path) -> None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "-d", dsn, str(backup)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise StorageError(
            f"pg_restore failed: {done.stderr.strip()[:500]}", hint="check the file and the URL"
        )
