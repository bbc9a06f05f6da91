"""CSV that is safe to open in a spreadsheet, written in one place for every CSV seolog makes
(scan issues, the work log export and summary, a report's issue list).

Cells come from crawled pages and from people (a page title, a log description), and a
spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula: `=HYPERLINK(…)` in a
page title would run on the consultant's machine ("CSV injection", OWASP). So, as OWASP
recommends:

- a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
  single quote, which spreadsheets show as text and do not display;
- control characters other than tab, newline and carriage return are removed (they are invisible,
  and some spreadsheets stop reading a file at one).

Decided: only text is neutralised. Numbers written as numbers (the summary's hours, amounts)
stay numbers, and so does text that is a plain decimal number (`-5`, `-1.25`), which no
spreadsheet can run. A text that already starts with quotes before a trigger (`'=x`) gets one
more, so `restore` gives back exactly what was written: `logs export` then `logs import` keeps
a description such as "- fixed titles" as it was.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

# OWASP's list of characters a spreadsheet may read as the start of a formula.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# C0 controls but tab, newline and carriage return; DEL; the C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def cell(value: object) -> object:
    """The value as a CSV cell a spreadsheet will not run (see the module docstring)."""
    if not isinstance(value, str):
        return value
    text = _CONTROLS.sub("", value)
    return QUOTE + text if _runnable(text) else text


def restore(text: str) -> str:
    """A cell read back from a CSV seolog wrote, as it was before `cell` quoted it."""
    if text.startswith(QUOTE) and _runnable(text[1:]):
        return text[1:]
    return text


def write_rows(header: Sequence[str], rows: Iterable[Iterable[object]]) -> str:
    """A whole CSV document (a header row, then `rows`), every cell through `cell`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return buf.getvalue()


def _runnable(text: str) -> bool:
    """Whether a spreadsheet could read `text` as a formula once the quotes before it go."""
    body = text.lstrip(QUOTE)
    return body.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(body)
