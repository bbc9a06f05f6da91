"""`seolog checks list | explain` and `--threshold`: the catalog as users and scripts read it."""

from __future__ import annotations

import re

from seolog.errors import ExitCode
from tests.conftest import EXAMPLE_SITE

REQUIRED = {
    "http-4xx", "http-5xx", "fetch-failed", "redirect-chain", "redirect-loop", "link-broken",
    "link-to-redirect", "link-text-generic", "title-missing", "title-too-long", "title-too-short",
    "title-duplicate", "meta-description-missing", "meta-description-too-long",
    "meta-description-too-short", "meta-description-duplicate", "h1-missing", "h1-multiple",
    "image-alt-missing", "noindex", "canonical-broken", "content-thin", "html-lang-missing",
    "viewport-missing", "hreflang-invalid", "structured-data-invalid", "slow-response",
    "page-too-large", "orphan-page", "sitemap-url-error", "sitemap-noindex", "robots-txt-missing",
    "sitemap-missing",
}  # fmt: skip


def test_the_catalog_lists_every_required_code_with_its_explanation(cli):
    checks = cli("checks", "list", "--format", "json").json()
    by_code = {c["code"]: c for c in checks}
    assert set(by_code) >= REQUIRED
    for c in checks:
        assert c["severity"] in ("error", "warning", "notice")
        assert c["title"] and c["why"] and c["fix"]
        assert re.fullmatch(r"\d+\.\d+\.\d+", c["since"])  # the version it first appeared in
    assert by_code["title-too-long"]["thresholds"] == {"title_max_px": 580, "title_max_chars": 60}
    assert "document-title" in by_code["title-missing"]["lighthouse"]
    table = cli("checks", "list", "--family", "links").stdout
    assert "link-broken" in table and "title-missing" not in table


def test_explain_prints_why_and_how(cli):
    r = cli("checks", "explain", "link-broken")
    assert r.exit_code == 0
    assert "Why it matters" in r.stdout and "How to fix" in r.stdout
    r = cli("checks", "explain", "no-such-check")
    assert r.exit_code == ExitCode.CONFIG
    assert "no check has the code 'no-such-check'" in r.stderr


def test_title_and_description_lengths_are_explained_and_set_in_pixels(cli):
    text = " ".join(cli("checks", "explain", "title-too-long").stdout.split())  # unwrapped
    assert "20 px Arial" in text and "580 px" in text
    assert "title_max_px=580, title_max_chars=60" in text
    assert "description_max_px=920" in cli("checks", "explain", "meta-description-too-long").stdout
    listed = cli("checks", "list", "--thresholds", "--format", "json").json()
    assert listed["title_max_px"] == 580 and listed["description_max_px"] == 920
    assert listed["title_max_chars"] == 60  # still listed: old configs name it


def test_an_old_character_threshold_is_accepted_and_the_width_decides(cli):
    r = cli(
        "scan", str(EXAMPLE_SITE), "--format", "json",
        "--threshold", "title_max_chars=500", "--threshold", "title_max_px=10",
    )  # fmt: skip
    assert r.exit_code == 0
    doc = r.json()
    assert doc["scan"]["settings"]["thresholds"]["title_max_chars"] == 500
    assert doc["summary"]["by_code"]["title-too-long"] > 0  # every title is wider than 10 px


def test_thresholds_change_what_is_found_and_bad_ones_are_refused(cli):
    default = cli("scan", str(EXAMPLE_SITE), "--format", "json").json()
    assert default["summary"]["by_code"]["content-thin"] > 0
    relaxed = cli(
        "scan", str(EXAMPLE_SITE), "--format", "json", "--threshold", "thin_content_words=0"
    ).json()
    assert "content-thin" not in relaxed["summary"]["by_code"]
    assert relaxed["scan"]["settings"]["thresholds"]["thin_content_words"] == 0
    r = cli("scan", str(EXAMPLE_SITE), "--threshold", "title_max=5")
    assert r.exit_code == ExitCode.CONFIG and "unknown threshold 'title_max'" in r.stderr
    assert "did you mean 'title_max_px'?" in r.stderr
    r = cli("checks", "explain", "titel-missing")
    assert "no check has the code 'titel-missing'" in r.stderr
    assert "did you mean 'title-missing'?" in r.stderr
    r = cli("scan", str(EXAMPLE_SITE), "--threshold", "title_max_chars=long")
    assert r.exit_code == ExitCode.USAGE and "needs a whole number" in r.stderr
    r = cli("scan", str(EXAMPLE_SITE), "--threshold", "near_duplicate_percent=50")
    assert r.exit_code == ExitCode.USAGE
    assert "threshold near_duplicate_percent must be 90 to 100" in r.stderr
    assert "thin_content_words" in cli("checks", "list", "--thresholds").stdout


def test_the_readme_counts_the_checks_the_catalog_has():
    """The README says how many checks there are; it must not drift as checks are added."""
    import re

    from seolog.checks.registry import catalog
    from tests.conftest import ROOT

    said = re.search(r"prints the catalog: (\d+) checks", (ROOT / "README.md").read_text())
    assert said is not None
    assert int(said.group(1)) == sum(1 for c in catalog() if c.code != "check-error")
