"""What every value typed on the command line must be, whatever the command: checked once, as
Click converts it (cli/tree.py), so no command meets a number or a text it cannot store.

- Whole numbers fit in 64 bits: IDs, limits and counts end up in SQLite and PostgreSQL integer
  columns and SQL `LIMIT`s, which are 64-bit; a 30-digit ID would otherwise fail there as an
  `OverflowError`, far from the flag that caused it.
- Numbers with a fraction are finite: `1e309` parses as infinity and `nan` as not-a-number, and
  neither means anything as a rate, a timeout or a delay.
- Text is text: no NUL (no C string, file name or PostgreSQL text holds one) and no byte that is
  not UTF-8 (Python keeps a raw `\\xff` from argv as a lone surrogate, which fails when it is
  written anywhere). File and folder paths are exempt from the UTF-8 rule, and so is any value
  naming an existing file or folder: on Linux a file name is bytes, and such a file can still be
  read.
"""

from __future__ import annotations

import math
import os
from pathlib import PurePath
from typing import Any

import typer

from seolog.ids import INT_MAX, INT_MIN


def check_raw(value: Any, param: Any) -> None:
    """Refuse text no command can use, before it is converted (see the module docstring)."""
    for item in value if isinstance(value, (list, tuple)) else (value,):
        if not isinstance(item, str):
            continue
        if "\x00" in item:
            raise typer.BadParameter("contains a NUL character; remove it", param=param)
        if not _is_utf8(item) and not _is_path(param) and not _names_a_file(item):
            raise typer.BadParameter(
                "is not UTF-8 text (it holds a byte such as \\xff that no character has); "
                "type it again in a UTF-8 terminal",
                param=param,
            )


def check_converted(value: Any, param: Any) -> Any:
    """Refuse numbers out of the range seolog can store or use; returns the value unchanged."""
    for item in value if isinstance(value, (list, tuple)) else (value,):
        if isinstance(item, bool):
            continue
        if isinstance(item, int) and not INT_MIN <= item <= INT_MAX:
            raise typer.BadParameter(
                f"{item} is out of range (IDs, limits and counts go up to {INT_MAX})",
                param=param,
            )
        if isinstance(item, float) and not math.isfinite(item):
            raise typer.BadParameter(f"reads as {item}, not a finite number", param=param)
    return value


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: a byte from argv that was not UTF-8
        return False
    return True


def _names_a_file(text: str) -> bool:
    """A value that names an existing file or folder is a path whatever its option says (`scan
    FOLDER`, `--ca-bundle` take text that may be a path): on Linux a file name is bytes."""
    try:
        return os.path.lexists(text)
    except (OSError, ValueError):
        return False


def _is_path(param: Any) -> bool:
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    args = getattr(annotation, "__args__", None)
    if args and getattr(annotation, "__origin__", None) is list:
        annotation = args[0]
    return isinstance(annotation, type) and issubclass(annotation, PurePath)
