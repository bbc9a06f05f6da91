"""One crawl per scan at a time: a second `seolog scan --resume N` must not write scan N while
another process still crawls it (both would store the same pages).

SQLite files get a byte-range lock on a `<database>.lock` file beside them, one byte per scan id.
The operating system drops the lock when the process ends however it ends, so a killed scan never
leaves a stale lock behind. Databases other than a local SQLite file are not locked here yet.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from seolog.errors import StorageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock
    fcntl = None  # type: ignore[assignment]


def _lock_path(db_url: str) -> Path | None:
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    database = Path(url.database).expanduser()
    return database.with_name(database.name + ".lock")


@contextmanager
def scan_lock(db_url: str, scan_id: int) -> Iterator[None]:
    """Hold scan `scan_id` for this process; refuse at once if another process holds it."""
    path = _lock_path(db_url)
    if path is None or fcntl is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, scan_id)
        except OSError as e:
            raise StorageError(
                f"scan {scan_id} is being crawled by another seolog process",
                hint="let it finish, or stop it with Ctrl-C and resume afterwards",
            ) from e
        yield
    finally:
        os.close(fd)  # releases the lock
