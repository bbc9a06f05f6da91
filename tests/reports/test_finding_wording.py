"""Finding messages in the report's language: the English message a scan stored is matched back
against the checks' `say` templates and read in the catalog's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from seolog.reports.i18n import translator
from seolog.reports.render import package_templates
from seolog.reports.wording import Wording
from seolog.wording import say

pytestmark = pytest.mark.store_agnostic

NL = {
    "title is {length} characters (min {min})": "titel is {length} tekens (min. {min})",
    "no <title>": "geen <title>",
    "image": "afbeelding",
    "{what} {url}: {problem}": "{what} {url}: {problem}",  # too generic: never a pattern
    "{what} {url} answered HTTP {status}": "{what} {url} gaf HTTP {status}",
    "answered HTTP {status}": "gaf HTTP {status}",
    "{what} {url}: answered HTTP {status}": "{what} {url}: gaf HTTP {status}",
    "{count} links": "{count} links",
    "{count} links (max {max})": "{count} links (max. {max})",
    "redirects to {url}": "verwijst door naar {urll}",  # a translator's typo
}


def test_a_stored_message_reads_in_the_catalogs_language():
    wording = Wording(NL)
    message = say("title is {length} characters (min {min})", length=12, min=30)
    assert message == "title is 12 characters (min 30)"  # what the scan stores
    assert wording(message) == "titel is 12 tekens (min. 30)"
    assert wording("no <title>") == "geen <title>"


def test_the_most_specific_template_wins_and_terms_in_slots_are_translated():
    wording = Wording(NL)
    assert wording("1200 links (max 500)") == "1200 links (max. 500)"
    assert wording("image https://x.test/a.png: answered HTTP 404") == (
        "afbeelding https://x.test/a.png: gaf HTTP 404"
    )


def test_what_no_template_matches_stays_as_it_was():
    wording = Wording(NL)
    assert wording("something a plugin said") == "something a plugin said"
    assert wording("") == ""
    # a misspelt placeholder in a translation: the English, not a crash or a half-filled text
    assert wording("redirects to https://x.test/") == "redirects to https://x.test/"


def test_english_reads_every_message_unchanged():
    en = translator("en", [package_templates() / "locale"])
    assert en.finding("title is 12 characters (min 30)") == "title is 12 characters (min 30)"


def test_the_shipped_dutch_catalog_translates_the_checks_messages(tmp_path: Path):
    nl = translator("nl", [package_templates() / "locale"])
    assert nl.finding("title is 12 characters (min 30)") == "titel is 12 tekens (min. 30)"
    assert nl.finding('3 <meta name="description"> tags') == '3 <meta name="description">-tags'
    assert nl.finding("noindex by meta robots and X-Robots-Tag") == (
        "noindex via meta robots en X-Robots-Tag"
    )


def test_a_finding_of_several_parts_reads_translated_part_by_part():
    wording = Wording(
        {
            "robots.txt has {count} errors: {errors}": "robots.txt bevat {count} fouten: {errors}",
            "line {number} {text}: unknown directive": "regel {number} {text}: onbekende regel",
            "{count} more not named here": "en nog {count}",
            "served as {media}": "geleverd als {media}",
            "served as {media}; browsers apply only text/css": "geleverd als {media}; alleen "
            "text/css telt",
        }
    )
    assert wording(
        "robots.txt has 2 errors: line 4 'Disalow: /x': unknown directive; "
        "line 6 'Alow: /y': unknown directive"
    ) == (
        "robots.txt bevat 2 fouten: regel 4 'Disalow: /x': onbekende regel; "
        "regel 6 'Alow: /y': onbekende regel"
    )
    # a template with "; " in it is one message, not two
    assert wording("served as text/plain; browsers apply only text/css") == (
        "geleverd als text/plain; alleen text/css telt"
    )


def test_counts_in_a_message_are_written_the_languages_way():
    nl = translator("nl", [package_templates() / "locale"])
    assert nl.finding("1195 links (max 300)") == "1.195 links (max. 300)"
    assert nl.finding("HTML is 1,234,567 bytes (threshold 1,048,576)").startswith(
        "HTML is 1.234.567"
    )
