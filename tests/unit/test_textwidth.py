"""Pixel widths of text in Arial: the numbers title-too-long and meta-description-too-long judge by.

Expected widths come from outside the shipped table: Arial is metric-compatible with Helvetica, whose
advance widths Adobe publishes in thousandths of an em (the Core 14 AFM files, e.g. `C 87 ; WX 944 ;
N W`). At a font size of 1000 px one thousandth of an em is one pixel, so a string's width at
1000 px is the sum of those published numbers (each rounded to a whole thousandth, hence the
tolerance of half a pixel per character).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from seolog.checks.textwidth import text_width_px

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it

# Helvetica / Arial advance widths in thousandths of an em (Adobe Core 14 AFM, Helvetica.afm).
AFM = {
    "i": 222, "l": 222, "t": 278, "s": 500, "T": 611, "S": 667, "W": 944, "M": 833, "a": 556, "e": 556, " ": 278, ".": 278,
    "|": 260, "…": 1000, "—": 1000, "–": 556, "•": 350, "“": 333, "”": 333, "’": 222, "·": 278,
    "€": 556, "£": 556, "é": 556, "ß": 611, "Æ": 1000, "©": 737, "™": 1000,
}  # fmt: skip


def afm_width(text: str, size_px: float) -> float:
    return sum(AFM[ch] for ch in text) * size_px / 1000


@pytest.mark.parametrize(
    "text",
    ["i", "W", "iiii", "WWWW", "Title | Site", "Wait… — “it’s” · é · ß · Æ · © · ™", "€ £ • –"],
)
def test_widths_match_arial_published_metrics(text):
    assert text_width_px(text, 1000) == pytest.approx(afm_width(text, 1000), abs=0.5 * len(text))


def test_a_string_is_as_wide_as_its_characters_side_by_side():
    # 'iiii' is four i's; at 20 px an i is 0.222 em of 20 px, about 4.44 px (± rounding of the AFM).
    assert text_width_px("iiii", 20) == pytest.approx(4 * text_width_px("i", 20))
    assert text_width_px("iiii", 20) == pytest.approx(4 * 0.222 * 20, abs=4 * 0.0005 * 20)
    assert text_width_px("Wi", 20) == pytest.approx(text_width_px("W", 20) + text_width_px("i", 20))
    # Width scales with the font size, and nothing is nothing.
    assert text_width_px("Spade", 14) == pytest.approx(text_width_px("Spade", 20) * 14 / 20)
    assert text_width_px("", 20) == 0


def test_the_same_number_of_characters_can_differ_fourfold_in_width():
    assert text_width_px("W" * 10, 20) > 4 * text_width_px("i" * 10, 20)


def test_greek_cyrillic_and_extended_latin_are_in_the_table():
    # Arial draws Cyrillic a and Greek omicron like Latin a and o, with the same advance width.
    assert text_width_px("\u0430", 20) == text_width_px("a", 20)
    assert text_width_px("\u03bf", 20) == text_width_px("o", 20)
    # Latin Extended-B and Vietnamese letters are measured, not estimated: ơ is wider than o.
    assert text_width_px("ơ", 20) != text_width_px("o", 20)
    average = text_width_px("\u0628", 1000)  # Arabic: not in the table
    assert {text_width_px(ch, 1000) for ch in "ǅơỹЖΩ"}.isdisjoint({average})


def test_characters_outside_the_table_are_estimated():
    # East Asian wide and fullwidth characters take a whole em: 20 px at 20 px.
    assert text_width_px("日本語", 20) == 60
    assert text_width_px("Ａ", 20) == 20  # FULLWIDTH LATIN CAPITAL A
    assert text_width_px("😀", 20) == 20
    # Other scripts get the font's average width: more than an i, less than a W.
    arabic = text_width_px("\u0628", 20)
    assert text_width_px("i", 20) < arabic < text_width_px("W", 20)
    # Invisible characters take no room: combining accents, zero-width joiners, soft hyphens.
    assert text_width_px("e\u0301", 20) == text_width_px("e", 20)
    assert text_width_px("a\u200db\u00adc", 20) == text_width_px("abc", 20)


LIBERATION = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")


@pytest.mark.skipif(not LIBERATION.exists(), reason="fonts-liberation is not installed")
def test_the_shipped_table_matches_the_installed_font():
    ttlib = pytest.importorskip("fontTools.ttLib")
    font = ttlib.TTFont(LIBERATION)
    cmap, hmtx, upem = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    for cp in [*range(0x20, 0x7F), *range(0xA0, 0x180), 0x2013, 0x2014, 0x2026, 0x20AC]:
        if cp == 0xAD:  # the soft hyphen is drawn only at a line break
            continue
        assert text_width_px(chr(cp), upem) == hmtx[cmap[cp]][0], hex(cp)
