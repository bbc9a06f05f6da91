"""Main-content fingerprints: SimHash for near-duplicates, and a page saying it was not found."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from seolog.parse.fingerprint import MIN_WORDS, not_found_phrase, simhash

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it

ARTICLE_TEXT = (
    "Forged steel spades dig heavy clay without bending because the blade is drawn from one "
    "piece of high carbon steel and tempered in oil; the ash handle is steamed, bent and fixed "
    "with two rivets so it never works loose in wet ground. Sharpen the edge with a flat file "
    "twice a season, oil the blade before winter, and store it dry. The spade comes in three "
    "blade sizes for borders, vegetable beds and trench work, each sold with a lifetime "
    "guarantee against breakage in normal use in any soil."
)
ARTICLE = ARTICLE_TEXT.split()
OTHER_TEXT = (
    "Our greenhouse heaters burn paraffin cleanly for up to ninety hours per fill, keep frost "
    "off seedlings through the coldest nights, and need no electricity at all; a thermostat "
    "valve trims the flame as the air warms, and the tank gauge shows at a glance how much fuel "
    "remains. Choose the small model for a lean-to and the large one for houses up to twelve "
    "feet long, and clean the wick every month to keep soot from glass and plants in winter."
)
OTHER = OTHER_TEXT.split()


def _bits(a: int, b: int) -> int:
    return ((a ^ b) & (2**64 - 1)).bit_count()


def test_simhash_is_stable_signed_64_bit_and_skips_short_pages():
    h = simhash(ARTICLE)
    assert h is not None and -(2**63) <= h < 2**63
    # The same words, the same fingerprint in another process (another hash seed, a cold
    # word cache): a resumed scan compares its pages with those stored before.
    import subprocess
    import sys

    code = "import sys; from seolog.parse.fingerprint import simhash; print(simhash(sys.argv[1:]))"
    import seolog

    src = str(Path(seolog.__file__).resolve().parent.parent)  # this checkout, as pytest tests
    other = subprocess.run(
        [sys.executable, "-c", code, *ARTICLE],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": src},
    )
    assert int(other.stdout) == h, other.stderr
    assert simhash(ARTICLE[: MIN_WORDS - 1]) is None


def test_a_changed_word_changes_a_few_bits_and_another_text_about_half():
    base = ARTICLE + OTHER  # 170 words: a short page
    variant = list(base)
    variant[10] = "plenty"  # one word in 170 changed: 3 of 168 shingles differ
    shuffled = list(reversed(base))  # the same words in another order: other shingles
    h, near, far = simhash(base), simhash(variant), simhash(shuffled)
    assert h is not None and near is not None and far is not None
    assert _bits(h, near) <= 6  # ≥ 90%: the same page (SimHash: about 4 bits expected)
    assert _bits(h, far) >= 16  # unrelated: about 32 expected
    assert simhash([w.upper() for w in base]) == h  # case does not matter


@pytest.mark.parametrize(
    ("title", "h1", "text", "expected"),
    [
        ("Page not found | Acme", None, "Sorry, try the search.", "Page not found"),
        ("Acme", "404", "Sorry.", "404"),
        ("Acme", "Oeps!", "Deze pagina bestaat niet meer, zoek verder.", "pagina bestaat niet"),
        ("Acme", "Error 404", "Sorry.", "Error 404"),
        ("Oops, this page doesn't exist | Acme", None, "Try the search.", "page doesn't exist"),
        # A 404 that is a name, a question that is not an error, stock that ran out: not errors.
        ("Peugeot 404 cabriolet te koop", "Peugeot 404", "Een mooie auto.", None),
        ("Room 404 - Hotel Bristol", "Room 404", "A quiet double room.", None),
        ("Why God does not exist", "Why God does not exist", "An essay.", None),
        ("Schep | Acme", "Schep", "Dit product is niet meer beschikbaar.", None),
        ("Pagina niet gevonden - Acme", None, "Zoeken", "Pagina niet gevonden"),
        ("Acme", "Oops", "The page you asked for could not be found.", "could not be found"),
        ("Garden spades | Acme", "Garden spades", "Forged steel spades.", None),
        # A long article about HTTP errors is not an error page.
        ("404 Not Found explained", "404 Not Found", " ".join(ARTICLE * 4), None),
    ],
)
def test_not_found_phrases_on_short_pages_only(title, h1, text, expected):
    assert not_found_phrase(title, h1, text.split()) == expected


def _reference_simhash(words: list[str]) -> int:
    """The same fingerprint one shingle at a time, as the textbook writes it."""
    from seolog.parse.fingerprint import _word_hash

    mask = 2**64 - 1

    def rotl(x: int, r: int) -> int:
        return ((x << r) | (x >> (64 - r))) & mask

    h = [_word_hash(w.lower()) for w in words]
    shingles = [rotl(h[i], 2) ^ rotl(h[i + 1], 1) ^ h[i + 2] for i in range(len(h) - 2)]
    value = sum(
        1 << bit for bit in range(64) if sum((s >> bit) & 1 for s in shingles) > len(shingles) / 2
    )
    return value - 2**64 if value >= 2**63 else value


@pytest.mark.parametrize("words", [ARTICLE, ARTICLE + OTHER, OTHER * 3 + ARTICLE[:7]])
def test_the_packed_computation_matches_the_textbook_one(words):
    assert simhash(words) == _reference_simhash(words)
