"""Reports a client can read: check titles instead of codes, the appendix grouped by check, the
score's band, the summary by severity, chart labels that neither collide nor clip, one font."""

from __future__ import annotations

import csv as csv_module
import io
import itertools
import re
from pathlib import Path

import pytest

from seolog.reports import charts, labels, model
from seolog.reports.render import Branding, Renderer
from tests.reports import test_reports as base

store = base.store  # the fixture: two scans of a client's site and a month of work
_pdf_text = base._pdf_text

BROKEN = "Links to a broken internal URL"  # link-broken's title
ERROR_PAGE = "Page answers with a 4xx client error"  # http-4xx's title


def test_audit_names_checks_in_plain_words_with_the_code_in_small_print(cli, store: Path):
    out = store / "audit.html"  # the first scan: it has the broken link
    assert cli("reports", "audit", "1", "-f", "html", "-o", str(out)).exit_code == 0
    html = out.read_text()
    summary = html.split('id="summary"')[1].split('id="top"')[0]
    assert BROKEN in summary and '<span class="code">link-broken</span>' in summary
    # the summary's table is by severity: every error above every warning and notice
    sev = re.findall(r'class="sev (error|warning|notice)"', summary)
    assert sev and sev == sorted(sev, key=["error", "warning", "notice"].index)
    worst = html.split('id="worst"')[1].split('id="appendix"')[0]
    assert "link-broken</span>" in worst and BROKEN in worst  # titles, codes beside them


def test_appendix_is_grouped_by_check_with_counts(cli, store: Path):
    out = store / "audit.pdf"
    assert cli("reports", "audit", "1", "-o", str(out)).exit_code == 0
    text = _pdf_text(out)
    # each check: one heading with its count (only the appendix writes "URLs: n"), then its URLs
    broken = re.search(re.escape(BROKEN) + r"\s+Error\s+URLs: 1\s", text)
    assert broken and re.search(re.escape(ERROR_PAGE) + r"\s+Error\s+URLs: 1\s", text)
    first_warning = re.search(r"Warning\s+URLs: \d+\s", text)
    assert first_warning and broken.start() < first_warning.start()  # errors come first


def test_score_band_is_named_on_the_cover_and_summary(cli, store: Path):
    out = store / "audit.pdf"
    assert cli("reports", "audit", "acme", "-o", str(out)).exit_code == 0
    score = cli("scans", "show", "2", "--format", "json").json()["scan"]["score"]
    band = labels.BANDS[labels.score_band(score) or "poor"]
    text = _pdf_text(out)
    cover = text.split("Contents")[0]
    assert str(score) in cover and band in cover
    assert "Score bands: 90–100 good, 50–89 needs work, 0–49 poor." in text


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, "good"),
        (90, "good"),
        (89, "needs-work"),
        (50, "needs-work"),
        (49, "poor"),
        (0, "poor"),
    ],
)
def test_score_bands_are_lighthouses(score: int, band: str):
    assert labels.score_band(score) == band
    assert labels.score_band(None) is None


def _spans(svg: str) -> list[tuple[float, float, str]]:
    """(left, right, text) of each text under the axis of a score chart."""
    found = []
    for x, y, body in re.findall(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', svg):
        if float(y) == charts.HEIGHT - 14:
            w = charts.text_width(body)
            found.append((float(x) - w / 2, float(x) + w / 2, body))
    return found


@pytest.mark.store_agnostic
@pytest.mark.parametrize("count", [2, 5, 12, 24, 60])
def test_axis_labels_never_overlap_or_leave_the_chart(count: int):
    points = [(f"{1 + i % 28} September {2026 + i // 28}", 50 + i % 40) for i in range(count)]
    svg = charts.score_line(points, "#000000")
    spans = _spans(svg)
    assert spans[-1][2] == points[-1][0]  # the latest scan is always labelled
    assert spans[0][2] == points[0][0]  # and the first
    for (_l1, r1, _), (l2, _r2, _) in itertools.pairwise(spans):
        assert l2 >= r1  # no two labels touch
    assert all(left >= 0 and right <= charts.WIDTH for left, right, _ in spans)


@pytest.mark.store_agnostic
def test_same_day_scans_share_one_label_on_the_latest():
    svg = charts.score_line([("2 Nov", 60), ("28 Nov", 80), ("28 Nov", 70)], "#000000")
    spans = _spans(svg)
    assert [s[2] for s in spans] == ["2 Nov", "28 Nov"]
    assert spans[-1][1] <= charts.WIDTH


@pytest.mark.store_agnostic
def test_long_bar_labels_are_cut_to_their_column():
    long = "Search engine optimisation for the spring catalogue landing pages"
    svg = charts.bars([(long, 3, "#000"), ("Links", 1, "#000")])
    assert f"<title>{long}</title>" in svg  # the whole label as the tooltip
    drawn = re.findall(r'text-anchor="end"[^>]*>([^<]*)</text>', svg)
    assert drawn[0].endswith("…") and charts.text_width(drawn[0], 12) <= 190 - 12
    assert drawn[1] == "Links"


def test_one_font_throughout(cli, store: Path):
    out = store / "audit.html"
    assert cli("reports", "audit", "1", "-f", "html", "-o", str(out)).exit_code == 0
    html = out.read_text()
    assert "monospace" not in html  # codes are small print in the report's font
    fonts = set(re.findall(r'font-family="([^"]+)"', html))
    assert fonts == {charts.FONT}  # every chart text names the report's font


@pytest.mark.store_agnostic
def test_issue_groups_order_and_cut():
    issues = [
        {"code": "title-too-short", "severity": "warning", "url": f"https://x/{i}", "message": ""}
        for i in range(30)
    ] + [{"code": "link-broken", "severity": "error", "url": "https://x/a", "message": ""}]
    groups = model.issue_groups(issues, per_check=25)
    assert [g.code for g in groups] == ["link-broken", "title-too-short"]
    assert groups[1].count == 30 and len(groups[1].rows) == 25 and groups[1].hidden == 5


def test_a_big_pdf_appendix_cuts_each_checks_list_and_writes_the_rest_to_a_csv(
    cli, store: Path, monkeypatch
):
    monkeypatch.setattr(model, "APPENDIX_PDF_LIMIT", 2)  # as if the scan had over 500 issues
    monkeypatch.setattr(model, "APPENDIX_PER_CHECK_MIN", 1)
    out = store / "audit.pdf"
    r = cli("reports", "audit", "1", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    csv = store / "audit-issues.csv"
    assert csv.is_file() and "audit-issues.csv" in r.stderr
    text = _pdf_text(out)
    assert "Each check below shows its first 1 URLs" in text
    assert re.search(r"… and \d+ more in audit-issues\.csv", text)  # a check with 2+ URLs
    assert BROKEN in text and ERROR_PAGE in text  # every check is still there
    out = store / "audit-nl.pdf"
    assert cli("reports", "audit", "1", "-o", str(out), "--lang", "nl").exit_code == 0
    english = list(csv_module.DictReader(io.StringIO(csv.read_text())))
    dutch = list(csv_module.DictReader(io.StringIO((store / "audit-nl-problemen.csv").read_text())))
    # the export's columns, with each finding in the report's language
    assert [r["code"] for r in dutch] == [r["code"] for r in english]
    nl = Renderer("nl", Branding()).t
    assert [r["message"] for r in dutch] == [nl.finding(r["message"]) for r in english]
    assert any(d["message"] != e["message"] for d, e in zip(dutch, english, strict=True))


@pytest.mark.store_agnostic
def test_a_cut_appendix_stays_about_500_rows_however_many_checks_failed():
    def issues(checks: int, each: int) -> list[dict[str, str]]:
        return [{"code": f"c{c}", "url": f"u{u}"} for c in range(checks) for u in range(each)]

    assert model.appendix_cut(issues(5, 100)) is None  # 500: all of them
    assert model.appendix_cut(issues(4, 200)) == 25  # few checks: 25 each
    assert model.appendix_cut(issues(50, 100)) == 10  # 50 checks: 10 each, 500 rows
    assert model.appendix_cut(issues(200, 10)) == 5  # never fewer than 5
