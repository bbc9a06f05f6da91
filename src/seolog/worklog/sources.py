"""Time-tracking exports from Toggl Track, Clockify and Harvest, read as the products write them.

Consultants moving to seolog bring months of hours from another tracker; re-typing them is
where mistakes happen. This module turns each product's "detailed" CSV export into plain rows
(`SourceRow`) and nothing else: no database, no printing. The caller decides what to store.

The formats, as the products export them (checked against real exports in public code; see
tests/worklog/samples/ for one of each):

Toggl Track, Reports > Detailed > Export CSV (UTF-8 with a BOM; ISO dates; HH:MM:SS)::

    User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,
    End time,Duration,Tags,Amount (EUR)

  "Amount ()" when the workspace has no currency; newer exports may say Member for User and
  Stop date/Stop time for End date/End time, and let people drop or reorder columns.

Clockify, Reports > Detailed > Export CSV (every cell quoted; dates and times follow each
user's settings: MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY or YYYY-MM-DD, 24h or "02:00:00 PM";
Duration (h) is 01:30:00, 1:30 or 1.50 by the duration-format setting)::

    Project,Client,Description,Task,User,Group,Email,Tags,Billable,Start Date,Start Time,
    End Date,End Time,Duration (h),Duration (decimal),Billable Rate (USD),Billable Amount (USD)

  The currency in brackets is the workspace's own text ("EUR", sometimes "EURO"); extra
  columns such as "Date of creation" or "Type" may follow.

Harvest, Reports > Detailed time > Export CSV (no BOM; CRLF; ISO dates; decimal hours; no
start or end times)::

    Date,Client,Project,Project Code,Task,Notes,Hours,Hours Rounded,Billable?,Invoiced?,
    Approved?,First Name,Last Name,Employee Id,Roles,Employee?,Billable Rate,Billable Amount,
    Cost Rate,Cost Amount,Currency,External Reference URL

  "Hours Rounded" appears with time rounding on; older exports say Department for Roles.
  Currency is per row, e.g. "Euro - EUR". External Reference URL is the linked Jira/Trello
  item, not the entry, so Harvest rows are keyed by their content.

Minutes come from the duration column, never from start/end: that is the number the product
bills, and a DST change or a manual edit can make the two disagree.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from seolog.worklog.parse import yes_no

SOURCES = ("toggl", "clockify", "harvest")
DATE_ORDERS = ("dmy", "mdy", "ymd")
MAX_ERRORS_LISTED = 20

_NAMES = {"toggl": "Toggl Track", "clockify": "Clockify", "harvest": "Harvest"}
_CENT = Decimal("0.01")
_SECONDS_PER_HOUR = Decimal(3600)


@dataclass(frozen=True)
class SourceRow:
    line: int  # 1-based line number in the file (header is line 1)
    source: str  # "toggl" | "clockify" | "harvest"
    key: str  # stable import id: "<source>:<entry id>" or "<source>:<content hash>[#n]"
    day: date  # the date the work started
    start: datetime | None  # naive wall-clock datetime as written (None if the file has no times)
    end: datetime | None  # naive; may be on a later date than `day` (overnight)
    minutes: int  # from the duration column, to the nearest minute, at least 1
    description: str  # the entry's text; else the task name; else "(no description)"
    client: str | None
    project: str | None
    task: str | None
    author: str | None  # Toggl User/Member, Clockify User, Harvest "First Last"
    billable: bool | None
    rate: Decimal | None  # hourly rate; Toggl has none, so Amount / hours (billable rows only)
    currency: str | None  # ISO code when the file names one
    amount: Decimal | None  # the file's own amount column
    tags: tuple[str, ...]


class SourceError(Exception):
    """The file cannot be read as an export: one message naming each bad line and its problem,
    so the user fixes the file (or the flag) and runs the same import again."""


# --- columns -----------------------------------------------------------------------------------

# Each field lists the header names that carry it, normalised (lower case, single spaces).
_TOGGL: dict[str, tuple[str, ...]] = {
    "id": ("id", "time entry id", "entry id"),
    "author": ("user", "member"),
    "client": ("client",),
    "project": ("project",),
    "task": ("task",),
    "description": ("description",),
    "billable": ("billable",),
    "start_date": ("start date",),
    "start_time": ("start time",),
    "end_date": ("end date", "stop date"),
    "end_time": ("end time", "stop time"),
    "duration": ("duration",),
    "tags": ("tags",),
}
_CLOCKIFY: dict[str, tuple[str, ...]] = {
    "id": ("id", "time entry id", "entry id"),
    "author": ("user",),
    "client": ("client",),
    "project": ("project",),
    "task": ("task",),
    "description": ("description",),
    "billable": ("billable",),
    "start_date": ("start date",),
    "start_time": ("start time",),
    "end_date": ("end date",),
    "end_time": ("end time",),
    "duration": ("duration (h)",),
    "duration_decimal": ("duration (decimal)",),
    "tags": ("tags",),
}
_HARVEST: dict[str, tuple[str, ...]] = {
    "start_date": ("date",),
    "client": ("client",),
    "project": ("project",),
    "task": ("task",),
    "description": ("notes",),
    "duration": ("hours",),
    "billable": ("billable?",),
    "first_name": ("first name",),
    "last_name": ("last name",),
    "rate": ("billable rate",),
    "amount": ("billable amount",),
    "currency": ("currency",),
}
_FIELDS = {
    "toggl": _TOGGL,
    "clockify": _CLOCKIFY,
    "harvest": _HARVEST,
}
# Money columns whose header carries the currency: "Amount (EUR)", "Billable Rate (USD)".
_MONEY: dict[str, dict[str, str]] = {
    "toggl": {"amount": "amount"},
    "clockify": {"rate": "billable rate", "amount": "billable amount"},
    "harvest": {},
}
# What a header must have to be that product's export, as alternatives per requirement, in the
# product's own spelling. Few on purpose: Toggl's newer reports let people drop columns. The
# sets do not overlap (Clockify's "Duration (h)" is not Toggl's "Duration"; only Harvest has
# "Date" and "Hours"), so detection never has to choose.
_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "toggl": (("Start date",), ("Duration",), ("Description",)),
    "clockify": (("Start Date",), ("Duration (h)", "Duration (decimal)"), ("Description",)),
    "harvest": (("Date",), ("Hours",), ("Project",)),
}
# Workspace currencies Clockify lets people type freely; only unambiguous ones are mapped.
_CURRENCY_ALIASES = {"EURO": "EUR", "EUROS": "EUR", "€": "EUR", "£": "GBP", "US$": "USD"}


def _norm_header(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).lower()


def _missing(source: str, header: Sequence[str]) -> list[str]:
    names = {_norm_header(h) for h in header}
    return [
        " or ".join(choices)
        for choices in _REQUIRED[source]
        if not any(c.lower() in names for c in choices)
    ]


def detect(header: list[str]) -> str | None:
    """The source whose export has this header (case/whitespace-insensitive, BOM stripped), or
    None (then the caller treats it as seolog's own CSV)."""
    for source in SOURCES:
        if not _missing(source, header):
            return source
    return None


# --- reading -------------------------------------------------------------------------------------


def read(
    text: str, source: str | None = None, date_order: str | None = None
) -> tuple[str, list[SourceRow]]:
    """Parse a whole export. `source` None detects it from the header; `date_order` ("dmy",
    "mdy" or "ymd") says how to read slash dates such as 03/04/2026, None infers it from every
    date in the file and refuses to guess when all of them could be either. All row problems
    are collected and raised together, so one run shows everything to fix. Returns
    (source, rows)."""
    if source is not None and source not in SOURCES:
        raise SourceError(f"unknown source {source!r}: use one of {', '.join(SOURCES)}")
    if date_order is not None and date_order not in DATE_ORDERS:
        raise SourceError(f"unknown date order {date_order!r}: use dmy, mdy or ymd")

    records = _records(text)
    if not records:
        raise SourceError("the file is empty: expected a Toggl, Clockify or Harvest CSV export")
    _, header = records[0]
    if source is None:
        source = detect(header)
        if source is None:
            raise SourceError(
                "not a Toggl, Clockify or Harvest export: the header has none of their columns "
                "(Toggl: Start date, Duration; Clockify: Start Date, Duration (h); "
                "Harvest: Date, Hours)"
            )
    else:
        missing = _missing(source, header)
        if missing:
            raise SourceError(
                f"not a {_NAMES[source]} export: the header has no {', '.join(missing)} column"
                + ("s" if len(missing) > 1 else "")
            )

    columns = _Columns(source, header)
    body = records[1:]
    order = date_order or _infer_date_order(columns, body)

    parsed: list[tuple[SourceRow, str]] = []
    errors: list[str] = []
    for line, cells in body:
        try:
            parsed.append((_row(columns, line, cells, order), columns.get(cells, "id")))
        except _RowError as e:
            errors.append(f"line {line}: {e}")
    rows, key_errors = _with_keys(source, parsed)
    errors += key_errors
    if errors:
        errors.sort(key=lambda e: int(e.split(":")[0].removeprefix("line ")))
        raise SourceError(_error_list(errors))
    return source, rows


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(line, cells) for each non-blank record; `line` is where the record starts, so a quoted
    description over three lines is still named by its first."""
    text = text.removeprefix("\ufeff")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    # Exports are comma-separated; a file re-saved by a spreadsheet in a comma-decimal locale
    # comes back with semicolons (or tabs), which is still the same export.
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for cells in reader:
            start = previous + 1
            previous = reader.line_num
            if any(cell.strip() for cell in cells):
                out.append((start, cells))
    except csv.Error as e:
        raise SourceError(f"line {reader.line_num}: the CSV is malformed ({e})") from None
    return out


class _RowError(Exception):
    """One problem on one line; `read` collects them."""


class _Columns:
    """Where each field is in this file's header, and the currency its money columns name."""

    def __init__(self, source: str, header: Sequence[str]) -> None:
        self.source = source
        names = [_norm_header(h) for h in header]
        self.index: dict[str, int] = {}
        for field, choices in _FIELDS[source].items():
            for choice in choices:
                if choice in names:
                    self.index[field] = names.index(choice)
                    break
        self.header_currency: str | None = None
        for field, base in _MONEY[source].items():
            for i, name in enumerate(names):
                m = re.fullmatch(rf"{re.escape(base)}(?: \((?P<cur>[^)]*)\))?", name)
                if m:
                    self.index[field] = i
                    self.header_currency = self.header_currency or _currency(m["cur"] or "")
                    break

    def get(self, cells: Sequence[str], field: str) -> str:
        i = self.index.get(field)
        if i is None or i >= len(cells):
            return ""
        return cells[i].strip()

    def has(self, field: str) -> bool:
        return field in self.index


def _row(columns: _Columns, line: int, cells: list[str], order: str) -> SourceRow:
    source = columns.source
    get = columns.get

    raw_day = get(cells, "start_date")
    if not raw_day:
        raise _RowError("no date")
    day = _date(raw_day, order)

    seconds = _row_seconds(columns, cells)
    minutes = max(1, int((seconds / 60).to_integral_value(ROUND_HALF_UP)))

    start = end = None
    raw_start = get(cells, "start_time")
    if raw_start:
        start = datetime.combine(day, _clock(raw_start))
    raw_end = get(cells, "end_time")
    if raw_end:
        raw_end_day = get(cells, "end_date")
        end_day = _date(raw_end_day, order) if raw_end_day else day
        end = datetime.combine(end_day, _clock(raw_end))
        if not raw_end_day and start is not None and end < start:
            end += timedelta(days=1)  # no end date written: a time before the start is overnight

    task = get(cells, "task") or None
    description = get(cells, "description") or task or "(no description)"
    if source == "harvest":
        author = " ".join(p for p in (get(cells, "first_name"), get(cells, "last_name")) if p)
        currency = _currency(get(cells, "currency"))
    else:
        author = get(cells, "author")
        currency = columns.header_currency
    billable = _billable(get(cells, "billable"))
    amount = _money(get(cells, "amount"), "amount")
    rate = _money(get(cells, "rate"), "rate")
    if not rate:
        # A 0 rate is how Clockify and Harvest write "no rate set" (and every non-billable
        # row): storing it would price the work at nothing instead of the client's rate.
        rate = None
    if source == "toggl" and billable and amount:
        rate = (amount * _SECONDS_PER_HOUR / seconds).quantize(_CENT, ROUND_HALF_UP)
    tags = tuple(t.strip() for t in get(cells, "tags").split(",") if t.strip())

    return SourceRow(
        line=line,
        source=source,
        key="",  # set once the whole file is read: duplicates are numbered across it
        day=day,
        start=start,
        end=end,
        minutes=minutes,
        description=description,
        client=get(cells, "client") or None,
        project=get(cells, "project") or None,
        task=task,
        author=author or None,
        billable=billable,
        rate=rate,
        currency=currency,
        amount=amount,
        tags=tags,
    )


def _row_seconds(columns: _Columns, cells: Sequence[str]) -> Decimal:
    raw = columns.get(cells, "duration")
    if not raw and columns.has("duration_decimal"):
        raw = columns.get(cells, "duration_decimal")
    if not raw:
        raise _RowError("no duration")
    seconds = _duration_seconds(raw)
    if seconds <= 0:
        raise _RowError(f"the duration {raw!r} is not more than zero")
    return seconds


def _with_keys(
    source: str, parsed: list[tuple[SourceRow, str]]
) -> tuple[list[SourceRow], list[str]]:
    """Each row with its key: the product's entry id when the file has one, else a hash of what
    the entry says, numbered #2, #3… when identical rows repeat, so two genuinely identical
    entries both import and reading the same file again gives the same keys."""
    rows: list[SourceRow] = []
    errors: list[str] = []
    id_lines: dict[str, int] = {}
    seen: dict[str, int] = {}
    for row, entry_id in parsed:
        if entry_id:
            first = id_lines.setdefault(entry_id, row.line)
            if first != row.line:
                errors.append(f"line {row.line}: the entry id {entry_id!r} is also on line {first}")
                continue
            key = f"{source}:{entry_id}"
        else:
            digest = _content_hash(row)
            seen[digest] = n = seen.get(digest, 0) + 1
            key = f"{source}:{digest}" + (f"#{n}" if n > 1 else "")
        rows.append(replace(row, key=key))
    return rows, errors


def _content_hash(row: SourceRow) -> str:
    """The first 32 hex digits of a SHA-256 over what identifies the work, not over what is
    billed: re-reading an export after a rate change still finds the same entries."""
    fields = (
        row.day.isoformat(),
        row.start.isoformat() if row.start else "",
        row.end.isoformat() if row.end else "",
        str(row.minutes),
        row.description,
        row.client or "",
        row.project or "",
        row.task or "",
        row.author or "",
    )
    text = "\x1f".join(unicodedata.normalize("NFC", " ".join(f.split())) for f in fields)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# --- values --------------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([AaPp])\.?[Mm]\.?)?$")
_HMS = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d(?:[.,]\d+)?))?$")
_DECIMAL_HOURS = re.compile(r"^\d+(?:[.,]\d+)?$|^[.,]\d+$")


def _date(text: str, order: str) -> date:
    m = _DATE.match(text)
    if not m:
        raise _RowError(f"cannot read the date {text!r}")
    first, _, second, third = m.groups()
    if len(first) == 4:
        y, mo, d = first, second, third  # 2026-11-02, 2026/11/02
    elif len(third) != 4:
        raise _RowError(f"cannot read the date {text!r}")
    elif order == "mdy":
        mo, d, y = first, second, third
    elif order == "dmy":
        d, mo, y = first, second, third
    else:
        raise _RowError(f"cannot read the date {text!r} as year-month-day")
    try:
        return date(int(y), int(mo), int(d))
    except ValueError:
        raise _RowError(f"cannot read the date {text!r}") from None


def _infer_date_order(columns: _Columns, body: Iterable[tuple[int, list[str]]]) -> str:
    """dmy when some date's first part is over 12, mdy when some second part is; a file whose
    dates could all be either is refused rather than read a month wrong."""
    day_first: tuple[int, str] | None = None
    month_first: tuple[int, str] | None = None
    undecided: tuple[int, str] | None = None
    all_dotted = True
    for line, cells in body:
        for field in ("start_date", "end_date"):
            text = columns.get(cells, field)
            m = _DATE.match(text)
            if not m or len(m[1]) == 4:
                continue
            all_dotted = all_dotted and m[2] == "."
            if int(m[1]) > 12:
                day_first = day_first or (line, text)
            elif int(m[3]) > 12:
                month_first = month_first or (line, text)
            else:
                undecided = undecided or (line, text)
    if day_first and month_first:
        raise SourceError(
            f"the dates mix day-first (line {day_first[0]}: {day_first[1]!r}) and month-first "
            f"(line {month_first[0]}: {month_first[1]!r}); fix the file or pass "
            "--date-order dmy or --date-order mdy"
        )
    if day_first:
        return "dmy"
    if month_first:
        return "mdy"
    if undecided and not all_dotted:
        raise SourceError(
            f"the dates could be day/month or month/day (line {undecided[0]}: {undecided[1]!r}): "
            "pass --date-order dmy or --date-order mdy"
        )
    return "dmy"  # only ISO dates, or 02.11.2026: nobody writes month-first with dots


def _clock(text: str) -> time:
    m = _CLOCK.match(text)
    if not m:
        raise _RowError(f"cannot read the time {text!r}")
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    if m[4]:
        if not 1 <= hour <= 12:
            raise _RowError(f"cannot read the time {text!r}")
        hour = hour % 12 + (12 if m[4] in "Pp" else 0)  # 12:30 AM is 00:30, 12:30 PM is 12:30
    if hour > 23 or minute > 59 or second > 59:
        raise _RowError(f"cannot read the time {text!r}")
    return time(hour, minute, second)


def _duration_seconds(text: str) -> Decimal:
    """Seconds in "01:30:00", "1:30:00", "1:30" (hours:minutes) or decimal hours "1.5"/"1,5"."""
    value = text.strip()
    m = _HMS.match(value)
    if m:
        seconds = Decimal((m[3] or "0").replace(",", "."))
        return int(m[1]) * _SECONDS_PER_HOUR + int(m[2]) * 60 + seconds
    if _DECIMAL_HOURS.match(value):
        return Decimal(value.replace(",", ".")) * _SECONDS_PER_HOUR
    if value.startswith("-"):
        raise _RowError(f"the duration {text!r} is not more than zero")
    raise _RowError(f"cannot read the duration {text!r}")


def _billable(text: str) -> bool | None:
    try:
        return yes_no(text)
    except ValueError:
        raise _RowError(f"cannot read billable {text!r} (Yes or No)") from None


def _money(text: str, what: str) -> Decimal | None:
    """A rate or amount as the products write it: 135.00, 135.0, 1,234.50, 1.234,50, 135,50."""
    value = text.replace("\u00a0", "").replace(" ", "").lstrip("€$£")
    if not value:
        return None
    if "," in value and "." in value:
        thousands = "," if value.index(",") < value.index(".") else "."
        value = value.replace(thousands, "").replace(",", ".")
    elif "," in value:
        # 135,50 is a decimal comma; 1,234 is a thousands separator.
        value = (
            value.replace(",", ".")
            if re.fullmatch(r"\d+,\d{1,2}", value)
            else value.replace(",", "")
        )
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _RowError(f"cannot read the {what} {text!r}") from None
    if not number.is_finite() or number < 0:
        raise _RowError(f"cannot read the {what} {text!r}")
    return number


def _currency(text: str) -> str | None:
    """The ISO code in "EUR", "Euro - EUR", "United States Dollar - USD"; None if none."""
    value = text.strip()
    if not value:
        return None
    alias = _CURRENCY_ALIASES.get(value.upper())
    if alias:
        return alias
    m = re.fullmatch(r"(?:.*\s-\s)?([A-Za-z]{3})", value)
    return m[1].upper() if m else None


def _error_list(errors: list[str]) -> str:
    shown = "; ".join(errors[:MAX_ERRORS_LISTED])
    more = len(errors) - MAX_ERRORS_LISTED
    return f"{shown}; and {more} more" if more > 0 else shown
