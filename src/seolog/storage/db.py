"""Engine from a URL, SQLite pragmas, automatic migrations and the session scope helper."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
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
    SQLite gives its -wal and -shm files the same permissions."""
    if not database.exists():
        os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))


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
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


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
    except OperationalError as e:
        session.rollback()
        raise StorageError(
            f"database error: {e.orig}",
            hint="another program may hold a lock on it; retry, or check the disk",
        ) from e
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work that only reads: it never waits for, nor takes, SQLite's write lock.

    Counting what is left after an interrupted push must answer even when the interrupted
    connection still holds the lock; `sync status` must not queue behind a running push.
    """
    with session_scope(_reader(engine)) as session:
        yield session
