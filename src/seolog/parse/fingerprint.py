"""What a page's main content looks like from afar: a SimHash for near-duplicates, and whether it
says "page not found" while answering 200 (a soft 404).

Both are computed once, when the page is parsed, and stored: the site checks compare them across
the whole crawl after it, when the HTML is gone.
"""

from __future__ import annotations

import hashlib
import re
import sys
from array import array

SHINGLE = 3  # words per shingle: word order matters, a shared vocabulary alone does not match
MIN_WORDS = 50  # fewer words than this say too little to call two pages near-duplicates
_BITS = 64


_WORD_HASHES: dict[str, int] = {}  # a site repeats its vocabulary: each word is hashed once
_WORD_HASHES_MAX = 50_000  # about 5 MB; emptied when full (the frequent words come back first)


_BIT_OF = [bytes((b >> k) & 1 for b in range(256)) for k in range(8)]  # byte -> its bit k


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def _lanes(values: list[int]) -> int:
    """64-bit values side by side in one integer, the first in the lowest bits."""
    packed = array("Q", values)
    if sys.byteorder == "big":
        packed.byteswap()
    return int.from_bytes(packed.tobytes(), "little")


def simhash(words: list[str]) -> int | None:
    """Charikar's SimHash of the page's word shingles, as a signed 64-bit integer (a database
    BIGINT); None for a page too short to compare. Pages differing in a few words differ in a
    few bits; unrelated pages in about half of them.

    A shingle (a, b, c) hashes to rotl(h(a), 2) ^ rotl(h(b), 1) ^ h(c) (as a rolling hash does),
    uniformly random when h is. Every step after hashing the words runs on all shingles at once:
    their hashes sit side by side in one big integer (64 bits a lane), rotated lane-wise with
    shifts and masks, and each bit position is counted with one popcount. A Python loop per
    shingle cost more than the rest of the page's parse."""
    if len(words) < MIN_WORDS:
        return None
    lowered = list(map(str.lower, words))
    cache = _WORD_HASHES
    if len(cache) > _WORD_HASHES_MAX:
        cache.clear()
    for word in set(lowered):
        if word not in cache:  # (set.difference would walk the whole cache)
            cache[word] = _word_hash(word)
    n = len(lowered) - SHINGLE + 1  # shingles, counted with repeats (TF weighting)
    per_word = _lanes(list(map(cache.__getitem__, lowered)))
    width = n * _BITS
    full = (1 << width) - 1
    low = int.from_bytes((b"\x01" + bytes(7)) * n, "little")  # bit 0 of every lane

    def lanes_from(k: int) -> int:  # the words' hashes from position k, n lanes
        return (per_word >> (k * _BITS)) & full

    def rotl(x: int, r: int) -> int:  # rotate every lane left by r bits
        spill = ((1 << r) - 1) * low  # the r low bits of every lane
        return ((x << r) & full & ~spill) | ((x >> (_BITS - r)) & spill)

    stacked = rotl(lanes_from(0), 2) ^ rotl(lanes_from(1), 1) ^ lanes_from(2)
    # Count each bit position down a column of bytes: byte j of every lane, then bit k of it.
    data = stacked.to_bytes(n * 8, "little")
    half = n / 2
    value = 0
    for j in range(8):
        column = data[j::8]
        for k, table in enumerate(_BIT_OF):
            if column.translate(table).count(1) > half:
                value |= 1 << (8 * j + k)
    return value - (1 << _BITS) if value >= 1 << (_BITS - 1) else value


# "Not found" as error pages say it, in English and Dutch. Matched as whole phrases, on the
# title, the first heading and the opening of a short main content only: an article about HTTP
# errors is long, an error page is not.
_NOT_FOUND = re.compile(
    r"\b(?:page not found|not found|(?:error|http) 404|404 (?:error|page|not found)|^\s*404\s*$"
    r"|(?:cannot|can't|can not|could not|couldn't) be found"
    r"|page (?:does not|doesn't|no longer) exists?"
    r"|pagina niet gevonden|niet gevonden|pagina bestaat niet|(?:kon|kan) niet (?:worden )?gevonden)"
    r"\b",
    re.IGNORECASE,
)
HEADLINE_MAX_WORDS = 250  # a title or heading saying "not found" on a page shorter than this
OPENING_WORDS = 30  # … or these first words of a main content shorter than OPENING_MAX_WORDS
OPENING_MAX_WORDS = 100


def not_found_phrase(title: str | None, first_h1: str | None, words: list[str]) -> str | None:
    """The "not found" the page says of itself (quoted as found), or None."""
    if len(words) < HEADLINE_MAX_WORDS:
        for text in (title, first_h1):
            if text and (m := _NOT_FOUND.search(text)):
                return m.group(0)
    if len(words) < OPENING_MAX_WORDS and (m := _NOT_FOUND.search(" ".join(words[:OPENING_WORDS]))):
        return m.group(0)
    return None
