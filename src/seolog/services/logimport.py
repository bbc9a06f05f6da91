"""Importing hours: seolog's own CSV (`logs export`), and Toggl Track, Clockify and Harvest
exports as those products write them (`worklog.sources`).

Imports are idempotent: every row has a stable id (its uuid in seolog's export; the source's
entry id where it has one; else a hash of its content) kept with the entry, so importing the
same file twice adds nothing the second time ("0 new, 6 already imported") and an invoice total
never changes by a re-import. A file is imported whole or not at all: every bad line is named.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from sqlmodel import Session

from seolog.context import AppContext
from seolog.csvsafe import restore
from seolog.errors import SeologError, UsageError
from seolog.services.clients import get_client, get_project
from seolog.services.logcsv import COLUMNS, REQUIRED, record_input
from seolog.services.logs import EntryInput, author, build_entry, work_types
from seolog.services.rates import price_entry
from seolog.storage import worklog as store
from seolog.storage.db import session_scope
from seolog.storage.models import Client, LogEntry, Project
from seolog.worklog import sources
from seolog.worklog.money import check_currency

MAX_ERRORS_LISTED = 20
FORMATS = ("seolog", *sources.SOURCES)


@dataclass
class ImportOptions:
    source: str | None = None  # None: told by the header
    date_order: str | None = None  # dmy | mdy | ymd, for slash dates
    create_clients: bool = False
    client: str | None = None  # for rows that name none
    dry_run: bool = False


@dataclass
class ImportResult:
    file: str
    source: str
    new: int = 0
    already: int = 0  # imported before (or twice in this file)
    clients_created: list[str] = field(default_factory=list)
    projects_created: list[str] = field(default_factory=list)
    dry_run: bool = False


@dataclass
class _Row:
    """One row, read: what to log, and the key that makes a second import skip it."""

    line: int
    key: str
    data: EntryInput
    by: str | None = None
    uuid: str | None = None
    minutes: int | None = None  # foreign rows: the source's duration, over a day allowed
    start: datetime | None = None
    end: datetime | None = None
    currency: str | None = None
    problem: str | None = None  # why the row cannot be read, said with the other bad rows
    source: str = "seolog"


def read_text(path: Path) -> str:
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


def import_file(ctx: AppContext, path: Path, opts: ImportOptions) -> ImportResult:
    text = read_text(path)
    if opts.source not in (None, *FORMATS):
        raise UsageError(
            f"unknown format {opts.source!r}", hint=f"use one of: {', '.join(FORMATS)}"
        )
    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as e:
        raise _not_csv(path, 1, e) from e
    source = opts.source or sources.detect(header) or "seolog"
    if source == "seolog":
        rows = _seolog_rows(path, text)
    else:
        try:
            _, found = sources.read(text, source, opts.date_order)
        except sources.SourceError as e:
            raise UsageError(f"{path}: {e}", hint=_source_hint(source)) from e
        rows = [_foreign(r) for r in found]
    return _store(ctx, path, source, rows, opts)


def _source_hint(source: str) -> str:
    return (
        f"export the {source.capitalize()} detailed report as CSV again, or pass "
        "--from seolog|toggl|clockify|harvest if the format was guessed wrong"
    )


def _not_csv(path: Path, line: int, e: Exception) -> UsageError:
    return UsageError(
        f"{path} is not a CSV file seolog can read: line {line}: {e}",
        hint="export it from the spreadsheet again as CSV (UTF-8)",
    )


def _seolog_rows(path: Path, text: str) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text))
    header = {h.strip().lower() for h in reader.fieldnames or []}
    missing = REQUIRED - header
    if missing:
        raise UsageError(
            f"{path} has no {', '.join(sorted(missing))} column, and is no Toggl, Clockify or "
            "Harvest export either",
            hint=f"seolog's columns are: {', '.join(COLUMNS)} (see `seolog logs export`); "
            "for another tool's export pass --from toggl|clockify|harvest",
        )
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    try:
        for line, raw in enumerate(reader, start=2):
            # Cells beyond the header (DictReader's key None, a list) are extra columns: ignored.
            record = {k.strip().lower(): restore(v or "") for k, v in raw.items() if k is not None}
            if not any(v.strip() for v in record.values()):
                continue  # blank line
            uuid = record.get("uuid", "").strip() or None
            if uuid:
                key = f"seolog:{uuid}"
            else:
                fields = [record.get(c, "").strip() for c in COLUMNS if c != "id"]
                digest = hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:32]
                seen[digest] = seen.get(digest, 0) + 1
                key = f"seolog:{digest}" + (f"#{seen[digest]}" if seen[digest] > 1 else "")
            problem: str | None = None
            try:
                data = record_input(record)
            except SeologError as e:  # a cell no entry can hold: named with the others
                data, problem = EntryInput(), e.message
            row = _Row(
                line,
                key,
                data,
                problem=problem,
                by=record.get("author", "").strip() or None,
                uuid=uuid,
                currency=record.get("currency", "").strip() or None,
            )
            _across_days(row, record)
            rows.append(row)
    except csv.Error as e:  # a field past the csv module's size limit, a stray quote at the end
        raise _not_csv(path, reader.line_num, e) from e
    return rows


def _across_days(row: _Row, record: dict[str, str]) -> None:
    """Timed rows of seolog's export keep their minutes (a timer counts seconds: 09:00:40 to
    09:02 is one minute, not the two its HH:MM times say), and work that ended on another date
    (`2026-11-27 01:30`) keeps its moments, not two clock times of one day."""
    data = row.data
    minutes = record.get("minutes", "").strip()
    if not data.start or not data.end or not data.day:
        return
    if len(data.end.strip()) <= 5 and not minutes.isdigit():
        return
    try:
        day = date.fromisoformat(data.day.strip())
        start = _wall(day, data.start)
        end = _wall(day, data.end)
    except ValueError:
        return  # left to the usual checks, which name the line
    row.start, row.end = start, end
    row.minutes = int(minutes) if minutes.isdigit() else int((end - start).total_seconds() // 60)
    data.start = data.end = None


def _wall(day: date, text: str) -> datetime:
    value = text.strip()
    if len(value) <= 5:
        return datetime.combine(day, time.fromisoformat(value.zfill(5)))
    return datetime.fromisoformat(value)


def _foreign(r: sources.SourceRow) -> _Row:
    return _Row(
        r.line,
        r.key,
        EntryInput(
            description=r.description,
            client=r.client,
            project=r.project,
            work_type=r.task,
            day=r.day.isoformat(),
            billable=r.billable,
            rate=str(r.rate) if r.rate is not None else None,
            tags=list(r.tags) or None,
        ),
        by=r.author,
        minutes=r.minutes,
        start=r.start,
        end=r.end,
        currency=r.currency,
        source=r.source,
    )


def _store(
    ctx: AppContext, path: Path, source: str, rows: list[_Row], opts: ImportOptions
) -> ImportResult:
    result = ImportResult(str(path), source, dry_run=opts.dry_run)
    errors: list[str] = []
    me = author(ctx)
    types = work_types(ctx)
    with session_scope(ctx.engine) as session:
        keys = [r.key for r in rows]
        done = store.existing(session, LogEntry.import_key, keys)
        uuids = [r.uuid for r in rows if r.uuid]
        done |= {f"seolog:{u}" for u in store.existing(session, LogEntry.uuid, uuids)}
        entries: list[LogEntry] = []
        for row in rows:
            if row.key in done:
                result.already += 1
                continue
            done.add(row.key)
            try:
                if row.problem:
                    raise UsageError(row.problem)
                _owners(session, row, opts, result)
                task = (row.data.work_type or "").strip().lower()
                if row.source != "seolog" and task not in types:
                    row.data.work_type = "other"  # a Toggl or Harvest task is rarely a type
                row.data.work_type = row.data.work_type or "other"
                entries.append(_entry(ctx, session, row, me))
            except SeologError as e:
                errors.append(f"line {row.line}: {e.message}")
        if errors:
            session.rollback()
            shown = errors[:MAX_ERRORS_LISTED]
            more = len(errors) - len(shown)
            raise UsageError(
                f"{len(errors)} bad row(s) in {path}, nothing imported: "
                + "; ".join(shown)
                + (f"; and {more} more" if more > 0 else ""),
                hint="fix those lines and import the file again"
                + (
                    "; --create-clients adds unknown clients and projects"
                    if not opts.create_clients
                    else ""
                ),
            )
        result.new = len(entries)
        if opts.dry_run:
            session.rollback()
            return result
        session.add_all(entries)
    return result


def _owners(session: Session, row: _Row, opts: ImportOptions, result: ImportResult) -> None:
    """Rows name clients and projects by name; with --create-clients the missing ones are made
    (in the row's currency, when the file says it)."""
    data = row.data
    if data.client is None and data.site is None and opts.client:
        data.client = opts.client
    data.client = " ".join(data.client.split()) if data.client else data.client
    data.project = " ".join(data.project.split()) if data.project else data.project
    if not opts.create_clients:
        return
    if data.client and store.client_by_name(session, data.client) is None:
        currency = check_currency(row.currency) if row.currency else "EUR"
        session.add(Client(name=" ".join(data.client.split()), currency=currency))
        session.flush()
        result.clients_created.append(data.client)
    if data.project and data.client and not data.project.isdigit():
        client = get_client(session, data.client)
        mine = [p for p in store.projects_named(session, data.project) if p.client_id == client.id]
        if not mine:
            session.add(Project(client_id=client.id or 0, name=" ".join(data.project.split())))
            session.flush()
            result.projects_created.append(f"{client.name}: {data.project}")
    elif data.project and data.client is None:
        get_project(session, data.project)  # unknown: the usual "no project named" line


def _manual_only_if_own(session: Session, entry: LogEntry) -> None:
    """seolog's export writes every entry's rate; one that is the rate in force on its day was
    not typed for the entry, and a later rate change may re-price it as before the export."""
    rate, currency = entry.rate, entry.currency
    entry.rate_manual = False
    price_entry(session, entry)
    if (entry.rate, entry.currency) != (rate, currency):
        entry.rate, entry.currency, entry.rate_manual = rate, currency, True


def _entry(ctx: AppContext, session: Session, row: _Row, me: str) -> LogEntry:
    if row.minutes is None and row.data.time is None and row.data.start is None:
        raise UsageError("no duration and no start/end time")
    entry = build_entry(ctx, session, row.data, by=row.by or me)
    entry.import_key = row.key
    if row.uuid:
        entry.uuid = row.uuid
    if row.currency and entry.rate_manual:
        entry.currency = check_currency(row.currency)
    if row.source == "seolog" and entry.rate_manual:
        _manual_only_if_own(session, entry)
    if row.minutes is not None:  # the source's duration; its moments are wall-clock, local
        entry.minutes = row.minutes
        entry.started_at = row.start.astimezone() if row.start else None
        entry.ended_at = row.end.astimezone() if row.end else None
    return entry
