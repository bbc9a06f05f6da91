"""The work log as CSV, for people moving from (or back to) a spreadsheet.

Columns, in this order (a header row is required on import; extra columns are ignored):
  date, start, end, duration, client, project, site, type, description, billable, rate, tags,
  urls, fixes
date is YYYY-MM-DD; start/end are HH:MM (or empty, then duration like 1h30 is required);
billable is yes/no; tags, urls and fixes are separated by ';'.

An import checks every row first and writes nothing when any row is bad: the errors name each
line, so the file can be fixed and imported again without duplicates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from seolog.context import AppContext
from seolog.csvsafe import restore, write_rows
from seolog.errors import SeologError, UsageError
from seolog.services.logs import EntryInput, EntryRow, build_entry
from seolog.storage.db import session_scope
from seolog.worklog.parse import format_minutes

COLUMNS = [
    "date",
    "start",
    "end",
    "duration",
    "client",
    "project",
    "site",
    "type",
    "description",
    "billable",
    "rate",
    "tags",
    "urls",
    "fixes",
]
REQUIRED = {"date", "description"}
MAX_ERRORS_LISTED = 20


def export_csv(rows: Iterable[EntryRow]) -> str:
    """The entries as CSV, cells made safe to open in a spreadsheet (csvsafe); `import_csv`
    reads them back as they were."""
    return write_rows(COLUMNS, (_export_row(row) for row in rows))


def _export_row(row: EntryRow) -> list[str]:
    e = row.entry
    return [
        e.day.isoformat(),
        e.started_at.astimezone().strftime("%H:%M") if e.started_at else "",
        e.ended_at.astimezone().strftime("%H:%M") if e.ended_at else "",
        format_minutes(e.minutes),
        row.client or "",
        row.project or "",
        row.site or "",
        e.work_type,
        e.description,
        "yes" if e.billable else "no",
        str(e.rate) if e.rate is not None else "",
        ";".join(e.tags or []),
        ";".join(e.urls or []),
        ";".join(e.fixes or []),
    ]


def _bool(text: str) -> bool | None:
    value = text.strip().lower()
    if not value:
        return None
    if value in ("yes", "y", "true", "1"):
        return True
    if value in ("no", "n", "false", "0"):
        return False
    raise UsageError(f"billable must be yes or no, not {text!r}")


def _split(text: str) -> list[str] | None:
    parts = [p.strip() for p in text.split(";") if p.strip()]
    return parts or None


def _input(record: dict[str, str]) -> EntryInput:
    def get(name: str) -> str | None:
        value = (record.get(name) or "").strip()
        return value or None

    timed = get("start") is not None or get("end") is not None
    return EntryInput(
        description=get("description"),
        client=get("client"),
        project=get("project"),
        site=get("site"),
        work_type=get("type") or "other",
        time=None if timed else get("duration"),
        start=get("start"),
        end=get("end"),
        day=get("date"),
        billable=_bool(record.get("billable") or ""),
        rate=get("rate"),
        tags=_split(record.get("tags") or ""),
        urls=_split(record.get("urls") or ""),
        fixes=_split(record.get("fixes") or ""),
    )


def import_csv(ctx: AppContext, path: Path) -> int:
    """Import every row, or none; returns how many entries were added."""
    text = _read_text(path)
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _import_rows(ctx, path, reader)
    except csv.Error as e:  # a field past the csv module's size limit, a stray quote at the end
        raise UsageError(
            f"{path} is not a CSV file seolog can read: line {reader.line_num}: {e}",
            hint="export it from the spreadsheet again as CSV (UTF-8)",
        ) from e


def _read_text(path: Path) -> str:
    """The file's text: a missing, unreadable or binary file (a spreadsheet's .xlsx, an image)
    is one usage error naming it, not a decoding traceback."""
    not_text = UsageError(
        f"{path} is not a UTF-8 text file, so not a CSV export",
        hint="save it from the spreadsheet as CSV (UTF-8); `seolog logs export` writes one",
    )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}", hint="check the path") from e
    except UnicodeDecodeError as e:
        raise not_text from e
    if "\x00" in text:  # UTF-16, or binary that happens to decode: no CSV holds a NUL
        raise not_text
    return text


def _import_rows(ctx: AppContext, path: Path, reader: csv.DictReader[str]) -> int:
    header = {h.strip().lower() for h in reader.fieldnames or []}
    missing = REQUIRED - header
    if missing:
        raise UsageError(
            f"{path} has no {', '.join(sorted(missing))} column",
            hint=f"the columns are: {', '.join(COLUMNS)} (see `seolog logs export`)",
        )
    errors: list[str] = []
    with session_scope(ctx.engine) as session:
        entries = []
        for line, raw in enumerate(reader, start=2):
            # Cells beyond the header (DictReader's key None, a list) are extra columns: ignored.
            record = {k.strip().lower(): restore(v or "") for k, v in raw.items() if k is not None}
            if not any(v.strip() for v in record.values()):
                continue  # blank line
            try:
                data = _input(record)
                if data.time is None and data.start is None:
                    raise UsageError("no duration and no start/end time")
                entries.append(build_entry(ctx, session, data))
            except SeologError as e:
                errors.append(f"line {line}: {e.message}")
        if errors:
            shown = errors[:MAX_ERRORS_LISTED]
            more = len(errors) - len(shown)
            raise UsageError(
                f"{len(errors)} bad row(s) in {path}, nothing imported: "
                + "; ".join(shown)
                + (f"; and {more} more" if more > 0 else ""),
                hint="fix those lines and import the file again",
            )
        session.add_all(entries)
        added = len(entries)
    return added
