"""Locks between seolog processes sharing a store.

- One crawl per scan: a second `seolog scan --resume N` must not write scan N while another
  process still crawls it (both would store the same pages).
- One scheduled run per site: a slow weekly scan must not overlap the next one.

SQLite files get byte-range locks on files beside them, one byte per scan id or per target;
PostgreSQL gets session advisory locks, so consultants on different machines sharing a team
database are kept apart too. Either way the lock goes when its process ends however it ends (the
operating system, or the server when the connection drops), so a killed scan never leaves a
stale lock behind.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from seolog.errors import StorageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock
    fcntl = None  # type: ignore[assignment]


def _lock_path(db_url: str, suffix: str) -> Path | None:
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    database = Path(url.database).expanduser()
    return database.with_name(database.name + suffix)


# `busy` is the error to raise when another process holds the lock; None means wait for it.


@contextmanager
def _advisory_lock(db_url: str, space: int, key: int, busy: StorageError | None) -> Iterator[None]:
    """A PostgreSQL session lock on (space, key), held by a connection of its own."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            take = "pg_advisory_lock" if busy is None else "pg_try_advisory_lock"
            got = conn.execute(
                text(f"SELECT {take}(:space, :key)"),
                {"space": space, "key": key - 2**31 if key >= 2**31 else key},
            ).scalar()
            conn.commit()
            if busy is not None and not got:
                raise busy
            yield  # closing the connection releases the lock
    finally:
        engine.dispose()


@contextmanager
def _byte_lock(path: Path | None, offset: int, busy: StorageError | None) -> Iterator[None]:
    if path is None or fcntl is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)  # before the first use of a new home
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | (fcntl.LOCK_NB if busy is not None else 0), 1, offset)
        except OSError as e:
            if busy is None:
                raise
            raise busy from e
        yield
    finally:
        os.close(fd)  # releases the lock


def _lock(db_url: str, suffix: str, space: int, key: int, busy: StorageError | None) -> Any:
    if make_url(db_url).get_backend_name() == "postgresql":
        return _advisory_lock(db_url, space, key, busy)
    return _byte_lock(_lock_path(db_url, suffix), key, busy)


def scan_lock(db_url: str, scan_id: int) -> Any:
    """Hold scan `scan_id` for this process; refuse at once if another process holds it."""
    return _lock(
        db_url,
        ".lock",
        1,
        scan_id,
        StorageError(
            f"scan {scan_id} is being crawled by another seolog process",
            hint="let it finish, or stop it with Ctrl-C and resume afterwards",
        ),
    )


class RunBusy(StorageError):
    """Another scheduled run of the same target is still going."""


def run_lock(db_url: str, target: str) -> Any:
    """Hold scheduled runs of `target` (a site name or URL) for this process."""
    return _lock(
        db_url,
        ".runs.lock",
        2,
        zlib.crc32(target.strip().lower().encode()),
        RunBusy(
            f"another scheduled scan of {target} is still running",
            hint="this run was skipped; if runs keep overlapping, schedule them further apart",
        ),
    )


def migration_lock(db_url: str) -> Any:
    """Wait for other seolog processes migrating the same store (two first runs at once must
    not both create the tables); migrations take a moment, so waiting is right here."""
    return _lock(db_url, ".migrate.lock", 0, 0, None)


def sync_lock(db_url: str, site_id: int) -> Any:
    """One sync of a site at a time: a second push waits, then finds the queue already sent
    (two at once would send the same rows twice and race for new post ids)."""
    return _lock(db_url, ".sync.lock", 3, site_id, None)
