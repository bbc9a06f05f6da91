"""Reports rendered from a real store (a crawled fixture site and a work log), read back from the
PDF, with escaping, languages, branding and template overrides checked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from seolog.errors import ExitCode
from tests.server import FixtureServer

HOSTILE = "<script>alert(1)</script>"


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\xa0", " ").replace("\u202f", " ")  # locale spaces read as spaces


def _pages(path: Path) -> int:
    return len(PdfReader(io.BytesIO(path.read_bytes())).pages)


@pytest.fixture
def store(cli, server: FixtureServer, tmp_path: Path):
    """Two scans of a client's site (a broken link fixed in between) and a month of logged work."""
    server.page(
        "/",
        title="Acme garden tools for keen gardeners",
        body='<a href="/a">About the company</a> <a href="/gone">Old catalogue</a>',
    )
    server.page("/a", title=HOSTILE, body='<a href="/">Home page</a>')  # fmt: skip
    assert cli("sites", "add", server.url(), "--name", "acme").exit_code == 0
    assert cli("clients", "add", "Acme Ltd", "--rate", "95", "--site", "acme").exit_code == 0
    assert cli("scan", "acme", "--no-sitemaps").exit_code == 0
    server.page(
        "/", title="Acme garden tools for keen gardeners", body='<a href="/a">About the company</a>'
    )
    assert cli("scan", "acme", "--no-sitemaps").exit_code == 0
    for args in (
        ["Fixed the broken catalogue link", "--time", "1h30", "--type", "technical", "--fixes", "link-broken"],
        ["Monthly call", "--time", "45m", "--type", "meeting", "--no-billable"],
    ):  # fmt: skip
        r = cli("logs", "add", *args, "--site", "acme", "--date", "today")
        assert r.exit_code == 0, r.stderr
    return tmp_path


def test_audit_pdf_has_the_figures_and_sections(cli, store: Path):
    out = store / "audit.pdf"
    r = cli("reports", "audit", "acme", "--format", "pdf", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    scan = cli("scans", "show", "2", "--format", "json").json()
    text = _pdf_text(out)
    for needle in ("SEO audit", "Contents", "Summary", "Top issues", "Pages that need the most work",
                   "Appendix: all issues", "Why it matters", "How to fix"):  # fmt: skip
        assert needle in text, needle
    assert str(scan["scan"]["score"]) in text
    first = cli("scans", "show", "1", "--format", "json").json()["scan"]["score"]
    change = scan["scan"]["score"] - first
    assert f"{change:+d} since the previous scan" in text  # the change since the last scan
    assert HOSTILE in text  # a crawled title shows as text, verbatim
    assert _pages(out) >= 5  # cover, contents, summary, top issues, appendix
    head = out.read_bytes()[:5]
    assert head == b"%PDF-"


def test_html_escapes_everything_taken_from_pages(cli, store: Path):
    out = store / "audit.html"
    assert cli("reports", "audit", "2", "--format", "html", "-o", str(out)).exit_code == 0
    html = out.read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE not in html
    assert "<script" not in html.lower()  # no script at all: the report runs nowhere
    assert "http://" not in html.split("<style>")[1].split("</style>")[0]  # nothing fetched
    assert "<svg" in html  # charts are inline


def test_work_and_monthly_reports_in_dutch(cli, store: Path):
    work = store / "work.pdf"
    r = cli(
        "reports", "work", "Acme Ltd", "--period", "this-month", "-o", str(work), "--lang", "nl"
    )
    assert r.exit_code == 0, r.stderr
    text = _pdf_text(work)
    assert "Werkrapport" in text and "Uren per soort werk" in text
    assert "2,25" in text  # 2h15 in Dutch number format
    assert "€ 142,50" in text  # 1.5 h x 95, Dutch money format; the call is not billed
    assert "Fixed the broken catalogue link" in text

    monthly = store / "monthly.html"
    r = cli(
        "reports", "monthly", "Acme Ltd", "--month", "this-month", "-f", "html", "-o", str(monthly)
    )
    assert r.exit_code == 0, r.stderr
    html = monthly.read_text()
    assert "Monthly SEO report" in html and "Issues fixed this month" in html
    assert "What comes next" in html and "acme" in html


def test_monthly_report_lists_what_the_work_fixed(cli, store: Path, sql):
    # The first scan ran last month (as if a month had passed): it is the "before".
    from datetime import UTC, datetime, timedelta

    earlier = datetime.now(UTC).replace(day=1) - timedelta(days=10)
    sql("UPDATE scans SET started_at = :t, completed_at = :t WHERE id = 1", t=earlier)
    out = store / "monthly.pdf"
    r = cli("reports", "monthly", "Acme Ltd", "--month", "this-month", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    text = _pdf_text(out)
    assert "Monthly SEO report" in text and "Acme Ltd" in text
    assert "Fixed the broken catalogue link" in text  # the work
    fixed = text.split("An issue counts as fixed when")[1].split("The most important open")[0]
    assert "link-broken" in fixed  # the page was fetched again: the broken link is gone
    # /gone itself is no longer linked, so no scan fetched it again: its 404 is not "fixed".
    assert "http-4xx" not in fixed and "/gone" not in fixed


def test_branding_and_template_overrides(cli, store: Path, monkeypatch):
    monkeypatch.chdir(store)
    logo = store / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    (store / "seolog.toml").write_text(
        '[report]\nagency = "Greenfield SEO"\nprimary_color = "#0f766e"\nlogo = "logo.svg"\n'
        'footer = "Confidential – Greenfield SEO"\ncontact = "hello@greenfield.example"\n'
    )
    out = store / "branded.html"
    assert cli("reports", "audit", "acme", "-f", "html", "-o", str(out)).exit_code == 0
    html = out.read_text()
    assert "Greenfield SEO" in html and "#0f766e" in html and "hello@greenfield.example" in html
    assert "data:image/svg+xml;base64," in html  # the logo travels inside the file

    custom = store / "tpl"
    custom.mkdir()
    (custom / "audit.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block title %}Custom{% endblock %}'
        "{% block body %}<h1>Agency audit of {{ audit.site }}: {{ audit.score }}</h1>{% endblock %}"
    )
    out = store / "custom.html"
    r = cli("reports", "audit", "acme", "-f", "html", "-o", str(out), "--template-dir", str(custom))
    assert r.exit_code == 0, r.stderr
    assert "Agency audit of acme" in out.read_text()
    (custom / "audit.html.j2").write_text("{% if %}")
    r = cli("reports", "audit", "acme", "-f", "html", "-o", str(out), "--template-dir", str(custom))
    assert r.exit_code == ExitCode.REPORT and "the report template failed" in r.stderr

    (store / "seolog.toml").write_text('[report]\nprimary_color = "green"\n')
    r = cli("reports", "audit", "acme", "-f", "html", "-o", str(out))
    assert r.exit_code == ExitCode.CONFIG and "is not #rrggbb" in r.stderr


def test_report_errors(cli, store: Path):
    r = cli("reports", "audit", "nosuchsite")
    assert r.exit_code == ExitCode.CONFIG
    r = cli("reports", "audit", "acme", "--lang", "fr", "-o", str(store / "x.pdf"))
    assert r.exit_code == ExitCode.USAGE and "no report language 'fr'" in r.stderr
    r = cli("reports", "work", "Nobody")
    assert r.exit_code == ExitCode.CONFIG
