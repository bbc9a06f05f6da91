"""The scan document as JSON: the contract (`seolog.scan/1`).

Written in pieces (`chunks`), so the pages and issues of a million-page scan stream from the
store to the file one at a time; the bytes are those of `json.dumps(doc, indent=2)` exactly.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from json.encoder import encode_basestring
from typing import Any

from seolog.output import unicode_text

_INDENT = "  "


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _dumps(value: Any, level: int = 0) -> str:
    """json.dumps(value, indent=2, ensure_ascii=False, default=str), the same text, without the
    pure-Python encoder that any indent takes (about 3 times the time)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        if not all(isinstance(key, str) for key in value):
            return json.dumps(value, indent=2, ensure_ascii=False, default=str).replace(
                "\n", "\n" + _INDENT * level
            )
        inner = "\n" + _INDENT * (level + 1)
        return (
            "{"
            + inner
            + ("," + inner).join(
                encode_basestring(key) + ": " + _dumps(item, level + 1)
                for key, item in value.items()
            )
            + "\n"
            + _INDENT * level
            + "}"
        )
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = "\n" + _INDENT * (level + 1)
        return (
            "["
            + inner
            + ("," + inner).join(_dumps(item, level + 1) for item in value)
            + "\n"
            + _INDENT * level
            + "]"
        )
    return encode_basestring(str(value))


def _streamed(value: Any) -> bool:
    """A top-level part read as it is written (services.results.StoredRows), not a list."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes | list | tuple)


def _items(rows: Iterable[Any]) -> Iterator[str]:
    """A list at the document's second level, as json.dumps(indent=2) lays it out there."""
    first = True
    for row in rows:
        yield ("[\n    " if first else ",\n    ") + _dumps(row, 2)
        first = False
    yield "[]" if first else "\n  ]"


def chunks(doc: dict[str, Any]) -> Iterator[str]:
    """The document's JSON text in pieces, the streamed parts one row a piece."""
    marks = {
        key: f"\x00streamed {key} {uuid.uuid4().hex}" for key, v in doc.items() if _streamed(v)
    }
    text = _dumps({key: marks.get(key, value) for key, value in doc.items()})
    for key, mark in marks.items():
        before, text = text.split(_dumps(mark), 1)
        yield unicode_text(before)
        for piece in _items(doc[key]):
            yield unicode_text(piece)
    yield unicode_text(text) + "\n"


def render(doc: dict[str, Any]) -> str:
    return "".join(chunks(doc))
