"""Locks between seolog processes sharing a store.

- One crawl per scan: a second `seolog scan --resume N` must not write scan N while another
  process still crawls it (both would store the same pages).
- One scheduled run per site: a slow weekly scan must not overlap the next one.
- The store itself: every scan holds it shared; restore, vacuum, prune and deletes take it
  alone, so a restore cannot pull the tables from under a running scan.

SQLite stores get lock files in a folder beside the database (`seolog.db.locks/`), one file per
scan id or target, locked through portalocker: `flock` on POSIX, `LockFileEx` on Windows, so the
same locks hold on every platform (fcntl alone left Windows with none at all). PostgreSQL gets
session advisory locks, so consultants on different machines sharing a team database are kept
apart too. Either way the lock goes when its process ends however it ends (the operating
system, or the server when the connection drops), so a killed scan never leaves a stale lock.
The lock files stay (empty): removing one while another process opens it would let two
processes each hold "the" lock.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import portalocker
from sqlalchemy.engine import make_url

from seolog.config import seolog_home
from seolog.errors import StorageError

# PostgreSQL advisory lock spaces, one per kind of lock (the first key of the two-key form).
_MIGRATE, _SCAN, _RUN, _SYNC, _STORE = 0, 1, 2, 3, 4


def lock_folder(db_url: str) -> Path | None:
    """Where a SQLite store's lock files live; None for PostgreSQL and in-memory stores."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    database = Path(url.database).expanduser()
    return database.with_name(database.name + ".locks")


# `busy` is the error to raise when another process holds the lock; None means wait for it.


@contextmanager
def _advisory_lock(
    db_url: str, space: int, key: int, busy: StorageError | None, shared: bool
) -> Iterator[None]:
    """A PostgreSQL session lock on (space, key), held by a connection of its own."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            take = "pg_advisory_lock" if busy is None else "pg_try_advisory_lock"
            got = conn.execute(
                text(f"SELECT {take}{'_shared' if shared else ''}(:space, :key)"),
                {"space": space, "key": key - 2**32 if key >= 2**31 else key},
            ).scalar()
            conn.commit()
            if busy is not None and not got:
                raise busy
            yield  # closing the connection releases the lock
    finally:
        engine.dispose()


@contextmanager
def _file_lock(path: Path | None, busy: StorageError | None, shared: bool) -> Iterator[None]:
    if path is None:  # an in-memory store: no other process can open it
        yield
        return
    try:
        # Beside the store. Its folder is made only for the default store in SEOLOG_HOME, as
        # the store itself (storage.db): a --db in a missing folder is an error there.
        store_folder = path.parent.parent
        if store_folder == seolog_home():
            store_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        handle = path.open("a+b")
    except OSError as e:
        raise StorageError(
            f"cannot create the lock file {path}: {e.strerror}",
            hint="the folder of the database must be writable",
        ) from e
    flags = portalocker.LOCK_SH if shared else portalocker.LOCK_EX
    if busy is not None:
        flags |= portalocker.LOCK_NB
    with handle:
        try:
            portalocker.lock(handle, flags)
        except portalocker.LockException as e:
            if busy is None:
                raise StorageError(
                    f"cannot lock {path}: {e}", hint="check that the folder is writable"
                ) from e
            raise busy from e
        try:
            yield
        finally:
            portalocker.unlock(handle)  # closing the file would release it too


def _lock(
    db_url: str,
    name: str,
    space: int,
    key: int,
    busy: StorageError | None,
    shared: bool = False,
) -> Any:
    if make_url(db_url).get_backend_name() == "postgresql":
        return _advisory_lock(db_url, space, key, busy, shared)
    folder = lock_folder(db_url)
    return _file_lock(folder / name if folder is not None else None, busy, shared)


def scan_lock(db_url: str, scan_id: int) -> Any:
    """Hold scan `scan_id` for this process; refuse at once if another process holds it."""
    return _lock(
        db_url,
        f"scan-{scan_id}",
        _SCAN,
        scan_id,
        StorageError(
            f"scan {scan_id} is being crawled by another seolog process",
            hint="let it finish, or stop it with Ctrl-C and resume afterwards",
        ),
    )


def scan_is_held(db_url: str, scan_id: int) -> bool:
    """True while some process crawls scan `scan_id` (the probe takes and drops its lock)."""
    try:
        with scan_lock(db_url, scan_id):
            return False
    except StorageError:
        return True


class StoreBusy(StorageError):
    """The store is in use in a way that forbids what was asked: a scan runs while a restore
    (vacuum, prune, delete) was asked for, or the other way round."""


def store_lock(db_url: str) -> Any:
    """Held shared by every scan while it runs; refused at once while the store is being
    restored, vacuumed or pruned by another process."""
    return _lock(
        db_url,
        "store",
        _STORE,
        0,
        StoreBusy(
            "the store is being restored, vacuumed or pruned by another seolog process",
            hint="wait for it to finish, then run the scan again",
        ),
        shared=True,
    )


def store_exclusive_lock(db_url: str, busy: StorageError) -> Any:
    """The store for this process alone (restore, vacuum, prune, delete): refused at once, with
    `busy`, while any scan runs or another such job holds it."""
    return _lock(db_url, "store", _STORE, 0, busy)


class RunBusy(StorageError):
    """Another scheduled run of the same target is still going."""


def run_lock(db_url: str, target: str) -> Any:
    """Hold scheduled runs of `target` (a site name or URL) for this process."""
    key = zlib.crc32(target.strip().lower().encode())
    return _lock(
        db_url,
        f"run-{key:08x}",
        _RUN,
        key,
        RunBusy(
            f"another scheduled scan of {target} is still running",
            hint="this run was skipped; if runs keep overlapping, schedule them further apart",
        ),
    )


def migration_lock(db_url: str) -> Any:
    """Wait for other seolog processes migrating the same store (two first runs at once must
    not both create the tables); migrations take a moment, so waiting is right here."""
    return _lock(db_url, "migrate", _MIGRATE, 0, None)


def sync_lock(db_url: str, site_id: int) -> Any:
    """One sync of a site at a time: a second push waits, then finds the queue already sent
    (two at once would send the same rows twice and race for new post ids)."""
    return _lock(db_url, f"sync-{site_id}", _SYNC, site_id, None)
