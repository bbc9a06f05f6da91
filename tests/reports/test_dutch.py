"""Dutch that is Dutch: every text a client reads comes from the catalogs (templates/locale), the
Dutch catalog translates all of it, and an NL audit and monthly report (HTML and PDF, the PDF's
text read back) contain no English catalog text."""

from __future__ import annotations

import re
import shutil
import string
import zipfile
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from seolog.checks.registry import catalog as check_catalog
from seolog.errors import ExitCode
from seolog.reports import catalog, labels, model
from seolog.reports.render import Branding, Renderer, package_templates, write_pdf
from tests import test_packaging
from tests.conftest import EXAMPLE_SITE
from tests.reports import test_reports as base

_pdf_text = base._pdf_text
wheel = test_packaging.wheel  # the fixture: the wheel `pip install .` would install
LOCALE = package_templates() / "locale"


def _po(path: Path) -> Any:
    with path.open("rb") as f:
        return read_po(f)


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


@pytest.mark.store_agnostic
def test_the_dutch_catalog_translates_every_message_keeping_its_placeholders():
    nl = _po(LOCALE / "nl.po")
    wanted = catalog.messages(package_templates())
    assert len(wanted) > 300  # the templates' texts and every check's title, why and fix
    untranslated = [m for m in wanted if not (nl.get(m) and nl.get(m).string)]
    fuzzy = [m for m in wanted if nl.get(m) is not None and nl.get(m).fuzzy]
    assert untranslated == [] and fuzzy == []
    broken = [m for m in wanted if _fields(m) != _fields(nl.get(m).string)]
    assert broken == []  # {client}, {date} … survive translation
    assert str(nl.locale) == "nl_NL"


@pytest.mark.store_agnostic
def test_the_pot_file_is_current():
    """A new template text or check text must reach the catalogs: `python -m
    seolog.reports.catalog` updates them, and this fails until someone has run it."""
    pot = _po(LOCALE / "seolog.pot")
    assert {m.id for m in pot if m.id} == set(catalog.messages(package_templates()))


@pytest.mark.store_agnostic
def test_pip_install_ships_the_catalogs(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    for po in LOCALE.glob("*.po*"):
        assert f"seolog/templates/locale/{po.name}" in names


def _agency_po(template_dir: Path, lang: str, locale: str, msgid: str, msgstr: str) -> None:
    """An agency's catalog for `lang` with one message translated."""
    folder = template_dir / "locale"
    folder.mkdir()
    (folder / f"{lang}.po").write_text(
        f'msgid ""\nmsgstr ""\n"Language: {locale}\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        f'msgid "{msgid}"\nmsgstr "{msgstr}"\n',
        encoding="utf-8",
    )


@pytest.mark.store_agnostic
def test_a_language_is_a_file(tmp_path: Path):
    """A translator adds a language by adding a .po file: here a German one in an agency's
    template folder, with one message translated; the rest falls back to English."""
    _agency_po(tmp_path, "de", "de_DE", "Summary", "Zusammenfassung")
    renderer = Renderer("de", Branding(template_dir=tmp_path))
    assert renderer.t("Summary") == "Zusammenfassung"
    assert renderer.t("Contents") == "Contents"
    assert renderer.t.date(datetime(2026, 3, 1).date(), "MMMM") == "März"


class _Text(HTMLParser):
    """The text a reader sees: no style sheet, no tags."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag == "style"

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _english_left(text: str, data: str = "") -> list[str]:
    """Catalog messages whose English shows in `text` although Dutch differs. A message that is
    also a word of the crawled data (`data`: page titles, URLs, findings) or of a Dutch
    translation is not a sign of anything and is skipped."""
    nl = _po(LOCALE / "nl.po")
    dutch = " ".join(str(m.string) for m in nl if m.id)
    text, allowed = _flat(text), _flat(data + " " + dutch)
    found = []
    for m in nl:
        if not m.id or m.string == m.id:
            continue
        # the text before the first placeholder: "Prepared for {client}" → "Prepared for"
        head = str(m.id).split("{")[0].strip(" :·")
        if len(head) < 4:
            continue
        pattern = r"(?<![\w-])" + re.escape(_flat(head)) + r"(?![\w-])"
        if re.search(pattern, text) and not re.search(pattern, allowed):
            found.append(head)
    return found


@pytest.fixture
def dutch_reports(cli, tmp_path: Path) -> dict[str, str]:
    """The example site scanned twice (a fix in between), a month of work of every default
    type, and the NL audit and monthly reports as HTML and PDF, as the text a reader sees; the
    "data" entry holds what came from the site and the work log (not to be translated)."""
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site)
    assert cli("scan", str(site), "--no-sitemaps").exit_code == 0
    about = site / "about" / "index.html"
    about.write_text(about.read_text().replace("<title>", "<title>Over ons – "))
    assert cli("scan", str(site)).exit_code == 0
    assert cli("clients", "add", "Bakkerij", "--rate", "80", "--site", "site.localhost").exit_code == 0  # fmt: skip
    for kind in labels.WORK_TYPES:
        r = cli("logs", "add", f"Werk: {kind}", "--time", "30m", "--type", kind, "--site", "site.localhost", "--date", "today")  # fmt: skip
        assert r.exit_code == 0, r.stderr
    text: dict[str, str] = {}
    for fmt in ("html", "pdf"):
        out = tmp_path / f"audit.{fmt}"
        r = cli("reports", "audit", "site.localhost", "--lang", "nl", "-f", fmt, "-o", str(out))
        assert r.exit_code == 0, r.stderr
        text[f"audit.{fmt}"] = _visible(out.read_text()) if fmt == "html" else _pdf_text(out)
        out = tmp_path / f"monthly.{fmt}"
        r = cli("reports", "monthly", "Bakkerij", "--month", "this-month", "--lang", "nl", "-f", fmt, "-o", str(out))  # fmt: skip
        assert r.exit_code == 0, r.stderr
        text[f"monthly.{fmt}"] = _visible(out.read_text()) if fmt == "html" else _pdf_text(out)
    doc = cli("scans", "show", "2", "--format", "json").json()
    # what the site says (URLs, titles) is not translated; the findings' messages are
    text["data"] = " ".join(
        [i["url"] for i in doc["issues"]]
        + [f"{p['url']} {p.get('title') or ''}" for p in doc["pages"]]
    )
    text["messages"] = "\n".join(sorted({i["message"] for i in doc["issues"]}))
    return text


def test_dutch_reports_have_no_english_catalog_text(dutch_reports: dict[str, str]):
    data = dutch_reports.pop("data")
    messages = dutch_reports.pop("messages").splitlines()
    audit_html = dutch_reports["audit.html"]
    nl = Renderer("nl", Branding()).t
    assert messages, "the example site has findings to translate"
    for message in messages:  # every finding of the example site, in Dutch in the appendix
        assert nl.finding(message) != message, message
        assert _flat(nl.finding(message)) in audit_html, message
    for name, text in dutch_reports.items():
        assert _english_left(text, data) == [], name
    audit = dutch_reports["audit.pdf"]
    for dutch in ("SEO-audit", "Samenvatting", "Belangrijkste problemen", "Waarom dit belangrijk is",
                  "Bijlage: alle problemen", "Links naar een kapotte interne URL"):  # fmt: skip
        assert dutch in audit, dutch
    monthly = dutch_reports["monthly.pdf"]
    for dutch in ("Maandelijks SEO-rapport", "Uitgevoerd werk", "Technische SEO", "Linkbuilding",
                  "Overleg", "Volgende stappen"):  # fmt: skip
        assert dutch in monthly, dutch
    month = Renderer("nl", Branding()).t.date(datetime.now().date(), "MMMM y")
    assert month.capitalize() in monthly  # the cover's month, in Dutch ("November 2026")


def _every_check_document() -> dict[str, Any]:
    """A scan document with one finding of every check in the catalog."""
    specs = list(check_catalog())
    issues = [
        {"code": s.code, "severity": s.severity.value, "url": f"https://shop.example/{s.code}",
         "message": ""}
        for s in specs
    ]  # fmt: skip
    by_severity: dict[str, int] = {}
    for i in issues:
        by_severity[i["severity"]] = by_severity.get(i["severity"], 0) + 1
    when = "2026-10-30T10:00:00+00:00"
    return {
        "scan": {"id": 2, "site": "shop", "url": "https://shop.example/", "score": 40,
                 "completed_at": when, "started_at": when, "pages_crawled": len(specs)},
        "summary": {"by_severity": by_severity},
        "issues": issues,
        "pages": [{"url": i["url"], "score": 50, "title": None} for i in issues],
    }  # fmt: skip


def test_every_checks_title_why_and_fix_render_in_dutch(tmp_path: Path, monkeypatch):
    """All 87 checks at once, each among the top issues (title, why it matters, how to fix), in
    the audit template, HTML and PDF."""
    monkeypatch.setattr(model.top_issues, "__defaults__", (200,))  # every check a top issue
    doc = _every_check_document()
    history = [{"id": 1, "score": 60, "completed_at": "2026-09-30T10:00:00+00:00"},
               {"id": 2, "score": 40, "completed_at": doc["scan"]["completed_at"]}]  # fmt: skip
    audit = model.site_audit(doc, history)
    assert len(audit.top) == len(doc["issues"])
    renderer = Renderer("nl", Branding())
    html = renderer.html(
        "audit.html.j2",
        audit=audit,
        client="Bakkerij",
        appendix=model.issue_groups(audit.issues),
        appendix_file=None,
        per_check=0,
    )
    assert _english_left(_visible(html)) == []
    pdf = tmp_path / "all.pdf"
    write_pdf(html, pdf)
    text = _flat(_pdf_text(pdf))
    assert _english_left(text) == []
    assert "Kapotte links verspillen crawlbudget" in text  # a why text, in Dutch
    assert "30 okt" in text  # a chart date, in Dutch


@pytest.mark.store_agnostic
def test_a_translation_with_a_misspelt_placeholder_falls_back_to_english(tmp_path: Path):
    _agency_po(tmp_path, "fr", "fr_FR", "Prepared for {client}", "Préparé pour {clent}")
    t = Renderer("fr", Branding(template_dir=tmp_path)).t
    assert t("Prepared for {client}", client="Acme") == "Prepared for Acme"  # not a crash


def test_a_language_file_without_its_locale_is_a_report_error(cli, tmp_path: Path):
    folder = tmp_path / "locale"
    folder.mkdir()
    (folder / "fr.po").write_text('msgid "Summary"\nmsgstr "Résumé"\n', encoding="utf-8")
    r = cli("reports", "audit", "1", "--lang", "fr", "--template-dir", str(tmp_path))
    assert r.exit_code == ExitCode.REPORT  # one line, not a traceback
    assert "fr.po names no language" in r.stderr and "Language: de_DE" in r.stderr
