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
_MASK = (1 << _BITS) - 1
_MIX_A, _MIX_B = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F  # odd constants (golden ratio, xxHash)


def simhash(words: list[str]) -> int | None:
    """Charikar's SimHash of the page's word shingles, as a signed 64-bit integer (a database
    BIGINT); None for a page too short to compare. Pages differing in a few words differ in a
    few bits; unrelated pages in about half of them."""
    if len(words) < MIN_WORDS:
        return None
    lowered = [w.lower() for w in words]
    # A shingle's hash combines its words' hashes (each word hashed once per page: a page
    # repeats its vocabulary): a uniformly random 64-bit value per distinct shingle, which is
    # all SimHash asks, at a third of the cost of hashing every shingle's text.
    word_hash = {
        w: int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little")
        for w in set(lowered)
    }
    shingles = set(zip(lowered, lowered[1:], lowered[2:], strict=False))
    hashes = array(
        "Q",
        [
            (word_hash[a] * _MIX_A + word_hash[b] * _MIX_B + word_hash[c]) & _MASK
            for a, b, c in shingles
        ],
    )
    # Per bit position, how many shingle hashes have it set. The hashes are laid side by side in
    # one big integer, and each position is counted across all of them at once with a mask and
    # a popcount: 64 operations in C per page instead of 64 additions in Python per shingle.
    if sys.byteorder == "big":
        hashes.byteswap()  # the layout below is little-endian words on every machine
    stacked = int.from_bytes(hashes.tobytes(), "little")
    ones = int.from_bytes((b"\x01" + bytes(7)) * len(shingles), "little")
    half = len(shingles) / 2
    value = 0
    for bit in range(_BITS):
        if ((stacked >> bit) & ones).bit_count() > half:
            value |= 1 << bit
    return value - (1 << _BITS) if value >= 1 << (_BITS - 1) else value


# "Not found" as error pages say it, in English and Dutch. Matched as whole phrases, on the
# title, the first heading and the opening of a short main content only: an article about HTTP
# errors is long, an error page is not.
_NOT_FOUND = re.compile(
    r"\b(?:page not found|not found|404|(?:cannot|can't|can not|could not|couldn't) be found"
    r"|(?:does not|doesn't|no longer) exists?"
    r"|pagina niet gevonden|niet gevonden|bestaat niet|(?:kon|kan) niet (?:worden )?gevonden"
    r"|niet (?:meer )?beschikbaar)\b",
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
