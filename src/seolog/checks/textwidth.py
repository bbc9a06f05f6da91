"""How wide a line of text is in Arial, in pixels: search results cut titles and snippets by width.

Widths come from the shipped table in `fontwidths` (Liberation Sans Regular, metric-compatible with
Arial), so no font file is read at run time.

- Kerning and ligatures are ignored: the sum of advance widths is what Google's results measure to
  within a few pixels, and what SERP-preview tools compute.
- Characters the table lacks are estimated: East Asian wide and fullwidth characters (CJK, kana,
  hangul, most emoji; `unicodedata.east_asian_width` W or F) as 1 em, the width browsers give them
  in their fallback fonts; combining marks and invisible format characters (zero-width joiners,
  direction marks) and control characters as 0; anything else (Arabic, Hebrew, Thai, Devanagari …)
  as the font's average character width.
- A soft hyphen (U+00AD) counts 0: it is drawn only where a line breaks.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from seolog.checks.fontwidths import AVERAGE_WIDTH, RUNS, UNITS_PER_EM

SOFT_HYPHEN = "\u00ad"
_ZERO_WIDTH_CATEGORIES = {"Mn", "Me", "Cf", "Cc"}  # combining marks, format and control chars


def _table() -> dict[str, int]:
    widths = {chr(first + i): w for first, ws in RUNS for i, w in enumerate(ws)}
    widths[SOFT_HYPHEN] = 0
    return widths


_WIDTHS = _table()


@lru_cache(maxsize=1024)
def char_units(ch: str) -> int:
    """The advance width of one character in font units (UNITS_PER_EM to the em)."""
    known = _WIDTHS.get(ch)
    if known is not None:
        return known
    if unicodedata.category(ch) in _ZERO_WIDTH_CATEGORIES:
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return UNITS_PER_EM
    return AVERAGE_WIDTH


def text_width_px(text: str, size_px: float) -> float:
    """The width of `text` on one line in Arial at `size_px` pixels, without kerning."""
    return sum(map(char_units, text)) * size_px / UNITS_PER_EM
