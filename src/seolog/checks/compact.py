"""Helpers for site checks over a stream of pages in bounded memory: a million-page scan is read
in chunks, so a check keeps per page at most a small number, never the page itself."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from itertools import islice, pairwise
from typing import TypeVar

T = TypeVar("T")

# Pages looked up by URL at once: few enough for every backend's parameter limit.
LOOKUP_CHUNK = 500


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of up to `size`, in order."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def repeated(hashes: Iterable[int]) -> set[int]:
    """The hashes that occur more than once. Kept as 8 bytes each while counting (an `array`),
    then sorted: a dict of a million distinct values would take ~100 MB, this takes 8 MB plus
    the sort's copy."""
    packed = array("q", hashes)
    ordered = sorted(packed)
    del packed
    return {a for a, b in pairwise(ordered) if a == b}
