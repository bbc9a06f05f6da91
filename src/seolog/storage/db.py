"""Engine from a URL, SQLite pragmas, automatic migrations and the session scope helper."""

from __future__ import annotations

import gc
import os
import sqlite3
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    OperationalError,
    SQLAlchemyError,
)
from sqlmodel import Session

from seolog import __version__
from seolog.config import seolog_home
from seolog.errors import StorageError
from seolog.storage.lock import migration_lock
from seolog.storage.migrations import HEAD, KNOWN_REVISIONS

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000  # wait this long for another seolog writing the same file
READ_ONLY = "seolog_read_only"  # execution option of read_scope's connections


def _begin_immediate(conn: Any) -> None:
    """Take the write lock when a transaction starts, not when it first writes.

    Two seolog processes reading then writing (two scans registering their sites) would
    otherwise meet SQLITE_BUSY at the upgrade from read to write, which no busy timeout can
    wait out; taken up front, the second simply waits its turn.
    """
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":  # VACUUM needs none
        return
    # A reader takes no write lock: in WAL mode it sees the last commit while a writer works,
    # even a writer in this very process left mid-transaction by Ctrl-C.
    conn.exec_driver_sql("BEGIN" if options.get(READ_ONLY) else "BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets `seolog scans list` read while a scan writes; foreign keys make deletes cascade.
    dbapi_conn.isolation_level = None  # the driver must not BEGIN on its own: _begin_immediate does
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.close()


def _create_private(database: Path) -> None:
    """A new database file is readable by its owner only: it holds clients, rates and hours.
    SQLite gives its -wal and -shm files the same permissions.

    It is made whole beside its place (a SQLite header in WAL mode), then linked in: so a
    store file is never empty, and an empty one (a truncated store, a failed copy) is refused
    rather than silently taken as a new, blank store. Two first runs at once both link;
    one wins, the other uses its file."""
    if database.exists():
        if database.stat().st_size == 0:
            raise StorageError(
                f"the database {database} is an empty file (0 bytes), not a seolog store",
                hint="restore a backup (seolog db restore FILE --yes), or delete the empty "
                "file to start a new store",
            )
        return
    tmp = database.with_name(f".{database.name}.{os.getpid()}.new")
    tmp.unlink(missing_ok=True)
    os.close(os.open(tmp, os.O_CREAT | os.O_WRONLY, 0o600))
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # writes the header: the file is not empty
        finally:
            conn.close()
        try:
            os.link(tmp, database)  # never replaces: another seolog may have made it first
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links (FAT, some network shares)
            if not database.exists():
                os.replace(tmp, database)
    finally:
        tmp.unlink(missing_ok=True)


def _prepare_file(database: Path) -> None:
    """Create the SQLite file, readable by its owner only. The folder is created only for the
    default store in SEOLOG_HOME: a --db path in a folder that does not exist is most likely a
    typo, and a store silently created there would hide the data the user meant to open."""
    folder = database.parent
    if not folder.is_dir() and not folder.exists() and folder != seolog_home():
        raise StorageError(
            f"no folder {folder} for the database {database.name}",
            hint=f"create it first (mkdir -p {folder}), or check the --db / SEOLOG_DATABASE_URL path",
        )
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _create_private(database)
    except sqlite3.DatabaseError as e:
        raise StorageError(
            f"cannot create the database {database}: {e}",
            hint="free disk space, or set SEOLOG_HOME or --db to another location",
        ) from e
    except OSError as e:
        what = "database folder" if not folder.is_dir() else "database"
        place = folder if not folder.is_dir() else database
        raise StorageError(
            f"cannot create the {what} {place}: {e.strerror}",
            hint="set SEOLOG_HOME or --db to a writable location",
        ) from e


def make_engine(url: str) -> Engine:
    """Build an engine, creating the SQLite file (and, for the default store, its folder); no
    connection is made yet."""
    try:
        parsed = make_url(url)
    except ArgumentError as e:
        raise StorageError(
            f"invalid database URL {url!r}",
            hint="use a SQLAlchemy URL such as sqlite:///path/to/seolog.db",
        ) from e
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _prepare_file(Path(parsed.database).expanduser())
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (ImportError, SQLAlchemyError) as e:
        raise StorageError(
            f"cannot use database {parsed.render_as_string(hide_password=True)}: {e}",
            hint="install the driver for it (PostgreSQL: pip install 'seolog[postgres]')",
        ) from e


def is_process_local(url: str) -> bool:
    """True for a database no other process can open (SQLite in memory)."""
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


def _reader(engine: Engine) -> Engine:
    """The engine whose transactions only read (see `_begin_immediate`)."""
    return engine.execution_options(**{READ_ONLY: True})


def current_revision(engine: Engine) -> str | None:
    with _reader(engine).connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to HEAD; refuse a schema written by a newer seolog rather than damage it."""
    try:
        if current_revision(engine) == HEAD:
            return  # the common case answers without a lock
        with migration_lock(engine.url.render_as_string(hide_password=False)):
            _migrate_locked(engine)
    except OperationalError as e:
        raise StorageError(
            f"cannot open the database: {e.orig}",
            hint="check the --db URL / SEOLOG_DATABASE_URL and that the file is writable",
        ) from e
    except DatabaseError as e:
        if (fault := storage_fault(e)) is not None:
            raise fault from e
        raise


DAMAGED_HINT = (
    "the file is damaged (truncated or overwritten; `seolog db verify` says more): restore a "
    "backup with `seolog db restore FILE --yes`, or move the file away to start a new store"
)


def storage_fault(e: DatabaseError) -> StorageError | None:
    """The StorageError (exit 5) for a fault of the store itself: a damaged or non-database
    file, a full disk, a lock. None for what is a bug of ours (a constraint broken, bad SQL),
    which must stay loud."""
    reason = str(e.orig)
    if isinstance(e, OperationalError):
        if "full" in reason:  # SQLITE_FULL; PostgreSQL's DiskFull
            return StorageError(
                f"the disk is full: {reason}", hint="free disk space and retry; nothing was lost"
            )
        return StorageError(
            f"database error: {reason}",
            hint="another program may hold a lock on it; retry, or check the disk",
        )
    if type(e) is DatabaseError:  # SQLite's "file is not a database", "disk image is malformed"
        return StorageError(f"cannot read the database: {reason}", hint=DAMAGED_HINT)
    return None


def _migrate_locked(engine: Engine) -> None:
    """Under the migration lock: another process may have migrated while we waited."""
    rev = current_revision(engine)
    if rev == HEAD:
        return
    if rev is not None and rev not in KNOWN_REVISIONS:
        raise StorageError(
            f"the database schema ({rev}) is newer than this seolog {__version__} understands",
            hint="upgrade seolog (pip install -U seolog), or point --db at another database",
        )
    if rev is None and engine.dialect.name == "sqlite" and _from_snapshot(engine):
        return
    migrate_with_alembic(engine)


def migrate_with_alembic(engine: Engine) -> None:
    """Every migration the store lacks, by Alembic (no lock: the caller holds it, or owns the
    store alone, as tools/schema_snapshot.py does)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as conn:
        # A batch migration on SQLite rebuilds a table (copy, drop, rename); with foreign keys
        # on, dropping `clients` would cascade into its projects, rates and entries. SQLite
        # ignores this pragma inside a transaction, so it is set before one, on the raw
        # connection, and checked and restored after.
        raw = conn.connection.dbapi_connection if engine.dialect.name == "sqlite" else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if raw is not None:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise StorageError(
                            f"the upgrade would leave {len(broken)} rows pointing nowhere "
                            f"(table {broken[0][0]}); nothing was changed",
                            hint="report this with `seolog db verify` output",
                        )
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def _from_snapshot(engine: Engine) -> bool:
    """Give an empty SQLite file the head schema from the snapshot (`storage.snapshot`), in one
    transaction; False when the file is not empty or the snapshot is not of HEAD."""
    from seolog.storage import snapshot

    revision, statements = snapshot.load()
    if revision != HEAD:
        return False
    with engine.begin() as conn:
        if not snapshot.is_empty(conn):
            return False
        snapshot.create(conn, statements)
    return True


def open_store(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error, always close."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except DatabaseError as e:
        session.rollback()
        if (fault := storage_fault(e)) is not None:
            raise fault from e
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def release_interrupted(engine: Engine, interrupt: BaseException) -> None:
    """Free the store after Ctrl-C (or SIGTERM) landed mid-query, before writing that the work
    was interrupted.

    SQLAlchemy closes a connection interrupted inside a query, but SQLite only defers that
    close while a statement of it is alive: a result being iterated in a frame the
    interrupt's traceback still holds. Such a zombie keeps its transaction, and with it the
    write lock, so the next write in this very process waits out the busy timeout and fails
    with "database is locked". Clearing those frames finalizes the statements and ends the
    zombie; the pool is then renewed, so no connection that saw the interrupt is reused
    (PostgreSQL refuses one left mid-query)."""
    traceback.clear_frames(interrupt.__traceback__)
    gc.collect()
    engine.dispose()


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work that only reads: it never waits for, nor takes, SQLite's write lock.

    Counting what is left after an interrupted push must answer even when the interrupted
    connection still holds the lock; `sync status` must not queue behind a running push.
    """
    with session_scope(_reader(engine)) as session:
        yield session
