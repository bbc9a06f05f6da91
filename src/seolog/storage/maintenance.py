"""The store itself: sizes and counts, vacuum, and consistent online backups with verification.

SQLite uses its backup API, which copies a consistent snapshot while scans keep writing (WAL).
PostgreSQL uses pg_dump/pg_restore when they are installed.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError

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
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if engine.dialect.name == "sqlite":
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
                conn.execute(text("VACUUM"))
                conn.execute(text("ANALYZE"))
                # In WAL mode VACUUM writes the rebuilt database into the WAL: until it is
                # copied back, the store is larger than before (it shrinks at the checkpoint).
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            else:
                conn.execute(text("VACUUM ANALYZE"))
    except DBAPIError as e:
        # A full disk (VACUUM needs room for a whole copy) or a damaged file: nothing is lost,
        # SQLite rolls the VACUUM back.
        raise StorageError(
            f"vacuum failed: {e.orig}",
            hint="free disk space (vacuum needs room for a full copy of the database) and "
            "retry; if the file is damaged, restore a backup with `seolog db restore FILE`",
        ) from e


def _ro_uri(path: Path) -> str:
    """A read-only SQLite URI for a path: `#`, `%` and `?` in a name are quoted, since SQLite
    reads them as URI syntax (a backup named `a#1.db` opened `a` and failed)."""
    return path.expanduser().absolute().as_uri() + "?mode=ro"


def _fix(live: bool) -> str:
    return "restore a backup with `seolog db restore FILE --yes`" if live else "check the file"


def verify_sqlite(path: Path, live: bool = False) -> str:
    """Check a SQLite backup (or, `live`, the store itself): intact and a seolog schema this
    version can read; returns its revision. The store is opened read-write: a reader of a WAL
    file needs to make its -shm, which a read-only open cannot."""
    try:
        conn = sqlite3.connect(path) if live else sqlite3.connect(_ro_uri(path), uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise StorageError(f"{path} is not a seolog database: {e}", hint=_fix(live)) from e
    if ok != "ok":
        raise StorageError(
            f"{path} is damaged: {ok}", hint=_fix(live) if live else "use an older backup"
        )
    if revision is None or revision[0] not in KNOWN_REVISIONS:
        raise StorageError(
            f"{path} has schema {revision[0] if revision else 'none'}, which this seolog cannot read",
            hint="restore it with the seolog version that made it",
        )
    return str(revision[0])


def _sidecars(path: Path) -> list[Path]:
    """SQLite's files beside a database: its journal, write-ahead log and shared memory."""
    return [Path(f"{path}{suffix}") for suffix in ("-journal", "-wal", "-shm")]


def _private_tmp(target: Path) -> Path:
    """A new empty file beside `target`, owner-only from its first byte (a dump written under
    the usual umask is readable by every local user until it is chmod-ed)."""
    # A name of its own per backup: two backups to the same target at once each write their own
    # file (the last to finish wins), and neither deletes the other's half-written one.
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        os.close(fd)  # mkstemp creates it 0600
    except OSError as e:  # a folder we may not write to
        raise _write_failed(target, e) from e
    return Path(name)


def _discard(tmp: Path) -> None:
    for leftover in (tmp, *_sidecars(tmp)):
        leftover.unlink(missing_ok=True)


def _write_failed(target: Path, e: BaseException) -> StorageError:
    reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
    return StorageError(
        f"cannot write the backup {target}: {reason}",
        hint="free disk space or pick a writable folder; nothing was replaced",
    )


@contextmanager
def _moved_into_place(tmp: Path, target: Path) -> Iterator[None]:
    """Write a backup to `tmp`, then `tmp.replace(target)` inside: whatever fails on the way,
    `tmp` goes and `target` stays as it was (a full disk is a storage error naming `target`)."""
    try:
        yield
    except OSError as e:
        _discard(tmp)
        raise _write_failed(target, e) from e
    except BaseException:
        _discard(tmp)
        raise


def backup_sqlite(source: Path, target: Path) -> None:
    """A consistent snapshot of `source` at `target`, owner-only, in rollback-journal mode (a
    standalone file: no -wal or -shm beside it), checked, then moved into place in one step;
    on any failure nothing is left but what was there before."""
    tmp = _private_tmp(target)
    with _moved_into_place(tmp, target):
        try:
            src = sqlite3.connect(source)  # not read-only: a reader of a WAL file needs its -shm
            try:
                dst = sqlite3.connect(tmp)
                try:
                    src.backup(dst)  # a consistent snapshot, even while a scan writes
                    dst.execute("PRAGMA journal_mode=DELETE")  # the copy leaves WAL mode behind
                finally:
                    dst.close()
            finally:
                src.close()
            verify_sqlite(tmp)
        except sqlite3.DatabaseError as e:
            if "disk" in str(e) or "full" in str(e) or "I/O" in str(e):
                raise _write_failed(target, e) from e
            raise StorageError(
                f"cannot back up {source}: {e}",
                hint="the database may be damaged: restore an earlier backup",
            ) from e
        tmp.replace(target)


def is_healthy_sqlite(path: Path) -> bool:
    """True when `path` opens as a SQLite database (a damaged or empty file does not)."""
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return path.stat().st_size > 0


def restore_sqlite(backup: Path, target: Path) -> None:
    """Copy a verified backup over the live database through SQLite, so open readers and the WAL
    stay consistent. A damaged or empty live file (what a restore is often for) cannot take a
    copy through SQLite: the backup then replaces the file and its stale -wal and -shm."""
    verify_sqlite(backup)
    if target.exists() and not is_healthy_sqlite(target):
        tmp = _private_tmp(target)
        try:
            shutil.copyfile(backup, tmp)
            for stale in _sidecars(target):
                stale.unlink(missing_ok=True)
            tmp.replace(target)
        except OSError as e:
            _discard(tmp)
            raise StorageError(
                f"cannot restore {target}: {e.strerror}", hint="free disk space and retry"
            ) from e
        return
    try:
        src = sqlite3.connect(_ro_uri(backup), uri=True)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as e:
        raise StorageError(f"cannot restore {target}: {e}", hint="free disk space and retry") from e


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise UsageError(
            f"{name} is not installed",
            hint="install the PostgreSQL client tools (Debian: postgresql-client)",
        )
    return found


def _pg_client(url: str) -> tuple[str, dict[str, str]]:
    """The connection string for pg_dump/pg_restore, and the environment to run them in.

    The password goes in the child's environment (PGPASSWORD), never on its command line: any
    local user can read another's argv (`ps`, /proc/PID/cmdline), while a process's environment
    is readable by its owner only. `--no-password` (in the callers) makes a missing password an
    error instead of a prompt nobody answers."""
    parsed = make_url(url).set(drivername="postgresql")
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    bare = URL.create(
        "postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database, parsed.query
    )  # (URL.set cannot take a password away: None there means "keep it")
    return bare.render_as_string(hide_password=False), env


def _pg_tool(args: list[str], env: dict[str, str], hint: str) -> None:
    """Run pg_dump or pg_restore (`args[0]`), the password in `env` only: a failure is a
    storage error with the tool's own words."""
    done = subprocess.run([_tool(args[0]), *args[1:]], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise StorageError(f"{args[0]} failed: {done.stderr.strip()[:500]}", hint=hint)


def backup_postgres(url: str, target: Path) -> None:
    dsn, env = _pg_client(url)
    tmp = _private_tmp(target)  # pg_dump keeps the file's owner-only mode
    with _moved_into_place(tmp, target):
        _pg_tool(
            ["pg_dump", "--no-password", "-Fc", "-f", str(tmp), "-d", dsn],
            env,
            hint="check the database URL",
        )
        check = subprocess.run(
            [_tool("pg_restore"), "--list", str(tmp)], capture_output=True, text=True
        )
        if check.returncode != 0 or "alembic_version" not in check.stdout:
            raise StorageError(
                "the dump does not read back as a seolog database", hint="retry the backup"
            )
        tmp.replace(target)


def restore_postgres(url: str, backup: Path) -> None:
    dsn, env = _pg_client(url)
    _pg_tool(
        # One transaction: a restore stopped midway (SIGTERM, a dead connection) leaves the
        # database as it was, never with its tables dropped.
        ["pg_restore", "--no-password", "--clean", "--if-exists", "--no-owner",
         "--single-transaction", "-d", dsn, str(backup)],
        env,
        hint="check the file and the URL",
    )  # fmt: skip
