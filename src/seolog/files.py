"""Writing files all or nothing: a reader never sees half a report, and a failed run never
truncates the last good one. Also the one place a failed write becomes an error: a path the
user gave that cannot be written is their argument (exit 2); a disk that fails or fills up
is storage (exit 5)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from seolog.errors import SeologError, StorageError, UsageError

# A write that fails for the path itself: the user can fix it by giving another one.
_PATH_ERRORS = frozenset(
    {
        errno.ENOENT,
        errno.ENOTDIR,
        errno.EISDIR,
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
        errno.ENAMETOOLONG,
        errno.ELOOP,
    }
)


def atomic_write(path: Path, data: str | bytes) -> int:
    """Write `data` to `path` through a temporary file beside it; returns the size in bytes.

    A target that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a pipe) is
    written in place: renaming over it would replace the device with a file."""
    return atomic_write_chunks(path, (data,))


def atomic_write_chunks(path: Path, chunks: Iterable[str | bytes]) -> int:
    """`atomic_write` of text produced in pieces (a million-page scan document), written as
    they come: never whole in memory, and a reader still sees the old file or the whole new
    one. A piece that fails to be produced leaves no file behind."""
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder", hint="give a file name")
    if not path.parent.is_dir():
        raise UsageError(
            f"cannot write {path}: there is no folder {path.parent}",
            hint=f"create it first (mkdir -p {path.parent}) or write somewhere else",
        )
    if _special(path):
        try:
            with path.open("wb") as f:
                return _write_all(f, chunks)
        except OSError as e:
            raise write_error(path, e) from e
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as f:
            _write_all(f, chunks)
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise write_error(path, e) from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path.stat().st_size


def _write_all(f: BinaryIO, chunks: Iterable[str | bytes]) -> int:
    size = 0
    for chunk in chunks:
        raw = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
        f.write(raw)
        size += len(raw)
    return size


def write_error(path: Path, e: OSError) -> SeologError:
    """The error a failed write of `path` is: a usage error when the path is the problem (no
    such folder, no permission), a storage error when the disk is (full, over quota, failing)."""
    if e.errno in _PATH_ERRORS:
        return UsageError(
            f"cannot write {path}: {e.strerror}", hint="check the folder exists and is writable"
        )
    return StorageError(
        f"cannot write {path}: {e.strerror or e}",
        hint="free some disk space or write elsewhere; no earlier file was replaced",
    )


def _special(path: Path) -> bool:
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False  # not there yet: an ordinary new file
