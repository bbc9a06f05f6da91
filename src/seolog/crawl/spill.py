"""Queued URLs past what the frontier keeps in memory, waiting in a SQLite file of their own.

Why: breadth-first, a wide site queues most of its next level at once. The generated
million-page site queues 900,000 leaf URLs while its 90,000 parents are crawled, ~240 bytes of
memory each (the URL, its queue entry, its index entry): 200 MiB of a scan that should stay
under 400. Past `Frontier`'s limit the entries wait here, in the order found, and come back a
batch at a time when their level's turn comes. The file is the process's own scratch space
(no journal, no fsync): a resumed scan rebuilds its queue from the store. It lives beside the
store in SEOLOG_HOME (the system's temporary folder is often memory, tmpfs), and on POSIX its
name is removed as soon as it is open, so not even a killed process leaves it behind.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import weakref
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from seolog.config import seolog_home
from seolog.errors import StorageError

Level = tuple[int, int]
Row = tuple[str, int | None, int, str]  # url, depth, hops, via

BATCH = 10_000  # entries brought back into memory at a time


class Spill:
    """Entries by level, each level in the order its entries came; a URL at most once."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else _folder()
        with self._faults():
            handle, self.path = tempfile.mkstemp(
                prefix="seolog-frontier-", suffix=".db", dir=self.folder
            )
            os.close(handle)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=OFF")
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.execute(
                "CREATE TABLE queue (seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, "
                "step INTEGER NOT NULL, url TEXT NOT NULL UNIQUE, depth INTEGER, "
                "hops INTEGER NOT NULL, via TEXT NOT NULL)"
            )
            self._db.execute("CREATE INDEX queue_order ON queue (kind, step, seq)")
        if os.name == "posix":  # open files outlive their name there
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        self._levels: Counter[Level] = Counter()  # entries waiting here, by level
        # Closed (and elsewhere removed) however the process ends short of close(): Ctrl-C, an
        # error, the end of the interpreter.
        self._finalizer = weakref.finalize(self, _remove, self._db, self.path)

    @contextlib.contextmanager
    def _faults(self) -> Iterator[None]:
        """A full disk or a folder that cannot be written: one clear line (exit 5); the scan
        stops there and `seolog scans resume` goes on from the store."""
        try:
            yield
        except (OSError, sqlite3.Error) as e:
            raise StorageError(
                f"cannot keep the crawl's queue of URLs on disk in {self.folder}: {e}",
                hint="free disk space there, or set SEOLOG_HOME to a folder with room; "
                "`seolog scans resume` goes on where the scan stopped",
            ) from e

    def __len__(self) -> int:
        return self._levels.total()

    def has(self, level: Level) -> bool:
        return self._levels[level] > 0

    def lowest(self) -> Level | None:
        return min(self._levels) if self._levels else None

    def highest(self) -> Level | None:
        return max(self._levels) if self._levels else None

    def put(self, level: Level, row: Row) -> None:
        """Queue `row` last in its level; an entry of the same URL elsewhere is dropped (it
        was found a shorter way)."""
        self.drop(row[0])
        with self._faults():
            self._db.execute(
                "INSERT INTO queue (kind, step, url, depth, hops, via) VALUES (?, ?, ?, ?, ?, ?)",
                (*level, *row),
            )
        self._levels[level] += 1

    def level_of(self, url: str) -> Level | None:
        with self._faults():
            found = self._db.execute(
                "SELECT kind, step FROM queue WHERE url = ?", (url,)
            ).fetchone()
        return (found[0], found[1]) if found is not None else None

    def drop(self, url: str) -> None:
        """Forget `url`'s entry, if it has one."""
        level = self.level_of(url) if self._levels else None
        if level is not None:
            with self._faults():
                self._db.execute("DELETE FROM queue WHERE url = ?", (url,))
            self._gone(level, 1)

    def take(self, level: Level) -> list[Row]:
        """The first entries of `level`, up to BATCH, in the order they came: taken out."""
        with self._faults():
            rows = self._db.execute(
                "SELECT seq, url, depth, hops, via FROM queue WHERE kind = ? AND step = ? "
                "ORDER BY seq LIMIT ?",
                (*level, BATCH),
            ).fetchall()
            if rows:
                self._db.execute(
                    "DELETE FROM queue WHERE kind = ? AND step = ? AND seq <= ?",
                    (*level, rows[-1][0]),
                )
        self._gone(level, len(rows))
        return [(url, depth, hops, via) for _seq, url, depth, hops, via in rows]

    def _gone(self, level: Level, count: int) -> None:
        """`count` entries of `level` left the file: a level with none left is forgotten."""
        self._levels[level] -= count
        if self._levels[level] <= 0:
            del self._levels[level]

    def close(self) -> None:
        self._finalizer()


def _folder() -> Path:
    """SEOLOG_HOME when it is a folder already (a scan's store is usually there), else the
    system's temporary folder (TMPDIR first)."""
    home = seolog_home()
    return home if home.is_dir() else Path(tempfile.gettempdir())


def _remove(db: sqlite3.Connection, path: str) -> None:
    db.close()
    with contextlib.suppress(OSError):
        os.unlink(path)
