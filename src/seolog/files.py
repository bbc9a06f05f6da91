"""Writing files all or nothing: a reader never sees half a report, and a failed run never
truncates the last good one."""

from __future__ import annotations

import os
from pathlib import Path

from seolog.errors import UsageError


def atomic_write(path: Path, data: str | bytes) -> int:
    """Write `data` to `path` through a temporary file beside it; returns the size in bytes."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise UsageError(
            f"cannot write {path}: {e.strerror}", hint="check the folder exists and is writable"
        ) from e
    return path.stat().st_size
