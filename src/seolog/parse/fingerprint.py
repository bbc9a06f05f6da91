"""What a page's main content looks like from afar: a SimHash for near-duplicates, and whether it
says "page not found" while answering 200 (a soft 404).

Both are computed once, when the page is parsed, and stored: the site checks compare them across
the whole crawl after it, when the HTML is gone.
"""

from __future__ import annotations

import hashlib
import re

SHINGLE = 3  # words per shingle: word order matters, a shared vocabulary alone does not match
MIN_WORDS = 50  # fewer words than this say too little to call two pages near-duplicates
_BITS = 64


class _WordDigests(dict[str, bytes]):
    """Word (as written) -> the 8-byte digest of its lower case: a site repeats its vocabulary,
    so each word is hashed once, and looking a word up costs no Python call unless it is new."""

    def __missing__(self, word: str) -> bytes:
        digest = hashlib.blake2b(word.lower().encode(), digest_size=8).digest()
        self[word] = digest
        return digest


_DIGESTS = _WordDigests()
_DIGESTS_MAX = 50_000  # about 5 MB; emptied when full (the frequent words come back first)


def _word_hash(word: str) -> int:
    """A word's 64-bit hash: its digest read little-endian (the lanes below are too)."""
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def simhash(words: list[str]) -> int | None:
    """Charikar's SimHash of the page's word shingles, as a signed 64-bit integer (a database
    BIGINT); None for a page too short to compare. Pages differing in a few words differ in a
    few bits; unrelated pages in about half of them.

    A shingle (a, b, c) hashes to rotl(h(a), 2) ^ rotl(h(b), 1) ^ h(c) (as a rolling hash does),
    uniformly random when h is. Every step after hashing the words runs on all shingles at once:
    their hashes sit side by side in one big integer (64 bits a lane), rotated lane-wise with
    shifts and masks, and each bit position is counted with one popcount. A Python loop per
    shingle cost more than the rest of the page's parse; so did a Python step per word (lower
    case, a set of the new words, a list of ints packed into an array): the words' digests are
    now joined as bytes straight from the cache, a third of the time on the documentation
    sites' pages."""
    if len(words) < MIN_WORDS:
        return None
    if len(_DIGESTS) > _DIGESTS_MAX:
        _DIGESTS.clear()
    n = len(words) - SHINGLE + 1  # shingles, counted with repeats (TF weighting)
    per_word = int.from_bytes(b"".join(map(_DIGESTS.__getitem__, words)), "little")
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
    ones = int.from_bytes(b"\x01" * n, "little")  # bit 0 of every byte of a column
    half = n / 2
    value = 0
    for j in range(8):
        column = int.from_bytes(data[j::8], "little")
        for k in range(8):
            if ((column >> k) & ones).bit_count() > half:
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
