"""The work log as CSV, for people moving from (or back to) a spreadsheet, and for accounting.

Columns, in this order (a header row is required on import; extra columns are ignored):
  date, start, end, duration, client, project, site, type, description, billable, rate, tags,
  urls, fixes, id, uuid, author, minutes, currency, amount, invoice
date is YYYY-MM-DD; start/end are HH:MM, or YYYY-MM-DD HH:MM when the work ended on another
date (or empty, then duration like 1h30 is required); billable is yes/no; tags, urls and fixes
are separated by ';'. The columns after `fixes` came later (0.2), at the end so spreadsheets
reading columns by position go on working; on import `id`, `amount` and `invoice` are ignored
(the store's own), `uuid` makes a re-import of the same rows add nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from seolog.csvsafe import write_rows
from seolog.errors import UsageError
from seolog.services.logs import EntryInput, EntryRow
from seolog.worklog.parse import format_minutes, yes_no

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
    "id",
    "uuid",
    "author",
    "minutes",
    "currency",
    "amount",
    "invoice",
]
REQUIRED = {"date", "description"}


def export_csv(rows: Iterable[EntryRow]) -> str:
    """The entries as CSV, cells made safe to open in a spreadsheet (csvsafe); `import_csv`
    reads them back as they were."""
    return write_rows(COLUMNS, (_export_row(row) for row in rows))


def _moment(day: date, at: datetime | None) -> str:
    if at is None:
        return ""
    local = at.astimezone()
    return f"{local:%H:%M}" if local.date() == day else f"{local:%Y-%m-%d %H:%M}"


def _export_row(row: EntryRow) -> list[object]:
    e = row.entry
    return [
        e.day.isoformat(),
        _moment(e.day, e.started_at),
        _moment(e.day, e.ended_at),
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
        e.id,
        e.uuid,
        e.author,
        e.minutes,
        row.currency or "",
        str(row.amount) if row.amount is not None else "",
        row.invoice or "",
    ]


def _bool(text: str) -> bool | None:
    try:
        return yes_no(text)
    except ValueError:
        raise UsageError(f"billable must be yes or no, not {text!r}") from None


def _split(text: str) -> list[str] | None:
    parts = [p.strip() for p in text.split(";") if p.strip()]
    return parts or None


def record_input(record: dict[str, str]) -> EntryInput:
    """A row of seolog's CSV as the options of `logs add`."""

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
