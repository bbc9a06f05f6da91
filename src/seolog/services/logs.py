"""The log of SEO work: entries, the timer, summaries, and CSV in and out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from seolog.context import AppContext
from seolog.errors import NotFoundError, UsageError
from seolog.services.clients import get_client, get_project
from seolog.services.sites import get_site
from seolog.storage import worklog as store
from seolog.storage.db import session_scope
from seolog.storage.models import LogEntry, Project, Site, Timer, utcnow
from seolog.worklog.money import amount, parse_rate
from seolog.worklog.parse import parse_clock, parse_date, parse_duration, span_minutes

DEFAULT_WORK_TYPES = (
    "technical",
    "on-page",
    "content",
    "links",
    "local",
    "analytics",
    "reporting",
    "research",
    "meeting",
    "other",
)


def work_types(ctx: AppContext) -> tuple[str, ...]:
    """The allowed work types: SEOLOG_WORK_TYPES (comma-separated) replaces the defaults."""
    custom = ctx.env.get("SEOLOG_WORK_TYPES", "")
    listed = tuple(t.strip().lower() for t in custom.split(",") if t.strip())
    return listed or DEFAULT_WORK_TYPES


def today(ctx: AppContext) -> date:
    return ctx.clock().astimezone().date()


@dataclass
class EntryInput:
    description: str | None = None
    client: str | None = None
    project: str | None = None
    site: str | None = None
    work_type: str | None = None
    time: str | None = None  # a duration: 90m, 1h30, 1.5h
    start: str | None = None  # HH:MM
    end: str | None = None
    day: str | None = None
    billable: bool | None = None
    rate: str | None = None
    tags: list[str] | None = None
    urls: list[str] | None = None
    fixes: list[str] | None = None


@dataclass
class EntryRow:
    """An entry with the names and money a person reads."""

    entry: LogEntry
    client: str | None
    project: str | None
    site: str | None
    rate: Decimal | None
    currency: str | None

    @property
    def amount(self) -> Decimal | None:
        return amount(self.entry.minutes, self.rate) if self.entry.billable else None


# --- building an entry -------------------------------------------------------------------------


def _work_type(ctx: AppContext, value: str) -> str:
    value = value.strip().lower()
    allowed = work_types(ctx)
    if value not in allowed:
        raise UsageError(f"unknown work type {value!r}", hint=f"use one of: {', '.join(allowed)}")
    return value


def _fixes(codes: list[str]) -> list[str]:
    from seolog.checks.registry import code_hint, get_check

    cleaned = [c.strip().lower() for c in codes if c.strip()]
    unknown = [c for c in cleaned if get_check(c) is None]
    if unknown:
        raise NotFoundError(
            f"unknown check code {unknown[0]!r} in --fixes", hint=code_hint(unknown[0])
        )
    return list(dict.fromkeys(cleaned))


def _owners(session: Session, data: EntryInput, entry: LogEntry) -> None:
    """An unknown client, project or site is the "not found" error (exit 3), as in every other
    command (it was exit 2 in the work log alone)."""
    _resolve_owners(session, data, entry)


def _resolve_owners(session: Session, data: EntryInput, entry: LogEntry) -> None:
    """Resolve --client/--project/--site; a project implies its client (and site), a site its
    client. Contradictions are errors, not guesses."""
    client = get_client(session, data.client) if data.client else None
    if data.project is not None:
        project = get_project(session, data.project, client) if data.project else None
        entry.project_id = project.id if project else None
        if project is not None:
            if client is not None and client.id != project.client_id:
                raise UsageError(
                    f"project {project.name!r} belongs to another client",
                    hint="drop --client, or pick that client's project",
                )
            entry.client_id = project.client_id
            if data.site is None and project.site_id is not None:
                entry.site_id = project.site_id
    if data.site is not None:
        site = get_site(session, data.site) if data.site else None
        entry.site_id = site.id if site else None
        if site is not None and entry.client_id is None and client is None:
            entry.client_id = site.client_id
    if client is not None:
        entry.client_id = client.id


def _timing(ctx: AppContext, data: EntryInput, entry: LogEntry) -> None:
    if data.day is not None:
        entry.day = parse_date(data.day, today(ctx))
        if entry.started_at is not None and entry.ended_at is not None:
            # A timed entry moved to another day keeps its clock times on that day.
            start, end = entry.started_at.astimezone(), entry.ended_at.astimezone()
            entry.started_at = _local(entry.day, start.time())
            entry.ended_at = entry.started_at + (end - start)
    if data.time is not None and (data.start is not None or data.end is not None):
        raise UsageError("give either --time or --start/--end, not both", hint="e.g. --time 1h30")
    if data.time is not None:
        entry.minutes = parse_duration(data.time)
        entry.started_at = entry.ended_at = None
    elif data.start is not None or data.end is not None:
        if data.start is None or data.end is None:
            raise UsageError("--start and --end go together", hint="e.g. --start 09:00 --end 10:30")
        clock_start, clock_end = parse_clock(data.start, "start"), parse_clock(data.end, "end")
        entry.minutes = span_minutes(entry.day, clock_start, clock_end)
        entry.started_at = _local(entry.day, clock_start)
        entry.ended_at = _local(entry.day, clock_end)


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at).astimezone()  # the machine's time zone, stored as UTC


def _apply(ctx: AppContext, session: Session, data: EntryInput, entry: LogEntry) -> None:
    if data.description is not None:
        text = " ".join(data.description.split())
        if not text:
            raise UsageError(
                "the description is empty", hint='say what was done, e.g. "Fixed 12 broken links"'
            )
        entry.description = text
    if data.work_type is not None:
        entry.work_type = _work_type(ctx, data.work_type)
    if data.billable is not None:
        entry.billable = data.billable
    if data.rate is not None:
        entry.rate = parse_rate(data.rate) if data.rate else None
    if data.tags is not None:
        entry.tags = sorted({t.strip().lower() for t in data.tags if t.strip()}) or None
    if data.urls is not None:
        entry.urls = [u.strip() for u in data.urls if u.strip()] or None
    if data.fixes is not None:
        entry.fixes = _fixes(data.fixes) or None
    _owners(session, data, entry)
    _timing(ctx, data, entry)


def build_entry(ctx: AppContext, session: Session, data: EntryInput) -> LogEntry:
    entry = LogEntry(day=today(ctx), minutes=0, work_type="other", description="")
    _apply(ctx, session, data, entry)
    if not entry.description:
        raise UsageError(
            "the description is empty", hint='say what was done, e.g. "Fixed 12 broken links"'
        )
    if entry.client_id is None and entry.project_id is None and entry.site_id is None:
        raise UsageError("say who the work was for", hint="pass --client, --project or --site")
    return entry


def add_entry(ctx: AppContext, data: EntryInput) -> LogEntry:
    if data.time is None and data.start is None and data.end is None:
        raise UsageError(
            "say how long the work took",
            hint="pass --time 1h30, or --start 09:00 --end 10:30, or time it with `seolog logs start`",
        )
    with session_scope(ctx.engine) as session:
        entry = build_entry(ctx, session, data)
        session.add(entry)
        session.flush()
        return entry


def get_entry(session: Session, entry_id: int) -> LogEntry:
    entry = store.entry_by_id(session, entry_id)
    if entry is None:
        raise NotFoundError(f"no log entry with id {entry_id}", hint="see `seolog logs list`")
    return entry


def edit_entry(ctx: AppContext, entry_id: int, data: EntryInput) -> LogEntry:
    with session_scope(ctx.engine) as session:
        entry = get_entry(session, entry_id)
        _apply(ctx, session, data, entry)
        entry.updated_at = utcnow()
        return entry


def remove_entry(ctx: AppContext, entry_id: int) -> LogEntry:
    with session_scope(ctx.engine) as session:
        entry = get_entry(session, entry_id)
        session.delete(entry)
        return entry


# --- reading entries ---------------------------------------------------------------------------


@dataclass
class ListFilter:
    client: str | None = None
    project: str | None = None
    site: str | None = None
    work_type: str | None = None
    tag: str | None = None
    since: str | None = None
    until: str | None = None
    period: str | None = None
    billable: bool | None = None


def _entry_filter(ctx: AppContext, session: Session, f: ListFilter) -> store.EntryFilter:
    from seolog.worklog.parse import parse_period

    since = parse_date(f.since, today(ctx)) if f.since else None
    until = parse_date(f.until, today(ctx)) if f.until else None
    if f.period:
        if since or until:
            raise UsageError(
                "give --period or --since/--until, not both", hint="e.g. --period last-month"
            )
        since, until = parse_period(f.period, today(ctx))
    if since and until and until < since:
        raise UsageError(f"--until {until} is before --since {since}", hint="swap them")
    client = get_client(session, f.client) if f.client else None
    project = get_project(session, f.project, client) if f.project else None
    site = get_site(session, f.site) if f.site else None
    return store.EntryFilter(
        client_id=client.id if client else None,
        project_id=project.id if project else None,
        site_id=site.id if site else None,
        work_type=_work_type(ctx, f.work_type) if f.work_type else None,
        tag=f.tag.strip().lower() if f.tag else None,
        since=since,
        until=until,
        billable=f.billable,
    )


def _rows(session: Session, entries: list[LogEntry]) -> list[EntryRow]:
    clients = {c.id: c for c in store.list_clients(session)}
    projects = store.names(session, Project, {e.project_id for e in entries if e.project_id})
    sites = store.names(session, Site, {e.site_id for e in entries if e.site_id})
    rows = []
    for e in entries:
        client = clients.get(e.client_id or 0)
        rows.append(
            EntryRow(
                e,
                client.name if client else None,
                projects.get(e.project_id or 0),
                sites.get(e.site_id or 0),
                e.rate if e.rate is not None else (client.hourly_rate if client else None),
                client.currency if client else None,
            )
        )
    return rows


def list_entries(ctx: AppContext, f: ListFilter, limit: int | None = None) -> list[EntryRow]:
    with session_scope(ctx.engine) as session:
        return _rows(session, store.entries(session, _entry_filter(ctx, session, f), limit))


def show_entry(ctx: AppContext, entry_id: int) -> EntryRow:
    with session_scope(ctx.engine) as session:
        return _rows(session, [get_entry(session, entry_id)])[0]


def entry_document(row: EntryRow) -> dict[str, Any]:
    e = row.entry
    return {
        "id": e.id,
        "date": e.day.isoformat(),
        "start": e.started_at.astimezone().strftime("%H:%M") if e.started_at else None,
        "end": e.ended_at.astimezone().strftime("%H:%M") if e.ended_at else None,
        "minutes": e.minutes,
        "client": row.client,
        "project": row.project,
        "site": row.site,
        "type": e.work_type,
        "description": e.description,
        "billable": e.billable,
        "rate": str(row.rate) if row.rate is not None else None,
        "amount": str(row.amount) if row.amount is not None else None,
        "currency": row.currency,
        "tags": e.tags or [],
        "urls": e.urls or [],
        "fixes": e.fixes or [],
    }


# --- the timer ---------------------------------------------------------------------------------


def _timer_input(timer: Timer) -> EntryInput:
    return EntryInput(**timer.entry)


def start_timer(ctx: AppContext, data: EntryInput) -> Timer:
    if data.time is not None or data.start is not None or data.end is not None:
        raise UsageError("a timer measures the time itself", hint="drop --time/--start/--end")
    with session_scope(ctx.engine) as session:
        running = store.running_timer(session)
        if running is not None:
            raise _already_running(running)
        build_entry(ctx, session, EntryInput(**{**data.__dict__, "time": "1m"}))  # validates now
        timer = Timer(
            started_at=ctx.clock(), entry={k: v for k, v in data.__dict__.items() if v is not None}
        )
        session.add(timer)
        try:
            session.flush()
        except IntegrityError as e:  # another `logs start` got in between (uq_timers_slot)
            session.rollback()
            raise _already_running(store.running_timer(session)) from e
        return timer


def _already_running(running: Timer | None) -> UsageError:
    hint = "stop it with `seolog logs stop`, or drop it with `seolog logs cancel`"
    if running is None:  # stopped again in the meantime
        return UsageError("another timer was started at the same moment", hint=hint)
    return UsageError(
        f"a timer is already running since {running.started_at.astimezone():%H:%M} "
        f"for {running.entry.get('description')!r}",
        hint=hint,
    )


def timer_status(ctx: AppContext) -> tuple[Timer, int] | None:
    """The running timer and its minutes so far, or None."""
    with session_scope(ctx.engine) as session:
        timer = store.running_timer(session)
        if timer is None:
            return None
        return timer, _elapsed(ctx, timer)


def _elapsed(ctx: AppContext, timer: Timer) -> int:
    return max(0, int((ctx.clock() - timer.started_at).total_seconds() // 60))


def stop_timer(ctx: AppContext, description: str | None = None) -> LogEntry:
    with session_scope(ctx.engine) as session:
        timer = store.running_timer(session)
        if timer is None:
            raise UsageError(
                "no timer is running", hint='start one with `seolog logs start "…" --site S`'
            )
        data = _timer_input(timer)
        if description:
            data.description = description
        minutes = max(1, _elapsed(ctx, timer))  # a timer stopped at once still logs a minute
        entry = build_entry(ctx, session, EntryInput(**{**data.__dict__, "time": None}))
        started = timer.started_at.astimezone()
        entry.day = started.date()
        entry.minutes = minutes
        entry.started_at = timer.started_at
        entry.ended_at = ctx.clock()
        session.add(entry)
        session.delete(timer)
        session.flush()
        return entry


def cancel_timer(ctx: AppContext) -> Timer:
    with session_scope(ctx.engine) as session:
        timer = store.running_timer(session)
        if timer is None:
            raise UsageError("no timer is running", hint="nothing to cancel")
        session.delete(timer)
        return timer


# --- summaries ---------------------------------------------------------------------------------

GROUPS = ("client", "project", "site", "type", "week", "month")


@dataclass
class SummaryRow:
    group: str
    currency: str | None
    entries: int = 0
    minutes: int = 0
    billable_minutes: int = 0
    amount: Decimal = Decimal("0.00")
    unpriced_minutes: int = 0  # billable time with no rate anywhere: an invoice would miss it


@dataclass
class Summary:
    by: str
    since: date | None
    until: date | None
    rows: list[SummaryRow] = field(default_factory=list)
    totals: list[SummaryRow] = field(default_factory=list)  # one per currency


def _group_key(by: str, row: EntryRow) -> str:
    e = row.entry
    if by == "client":
        return row.client or "(no client)"
    if by == "project":
        return f"{row.client}: {row.project}" if row.project else "(no project)"
    if by == "site":
        return row.site or "(no site)"
    if by == "type":
        return e.work_type
    if by == "week":
        year, week, _ = e.day.isocalendar()
        return f"{year}-W{week:02d}"
    return e.day.strftime("%Y-%m")


def summarize(ctx: AppContext, by: str, f: ListFilter) -> Summary:
    if by not in GROUPS:
        raise UsageError(f"cannot group by {by!r}", hint=f"use one of: {', '.join(GROUPS)}")
    with session_scope(ctx.engine) as session:
        ef = _entry_filter(ctx, session, f)
        rows = _rows(session, store.entries(session, ef))
    groups: dict[tuple[str, str | None], SummaryRow] = {}
    totals: dict[str | None, SummaryRow] = {}
    for row in rows:
        key = (_group_key(by, row), row.currency)
        for target in (
            groups.setdefault(key, SummaryRow(key[0], row.currency)),
            totals.setdefault(row.currency, SummaryRow("Total", row.currency)),
        ):
            target.entries += 1
            target.minutes += row.entry.minutes
            if row.entry.billable:
                target.billable_minutes += row.entry.minutes
                if row.amount is None:
                    target.unpriced_minutes += row.entry.minutes
                else:
                    target.amount += row.amount
    return Summary(
        by,
        ef.since,
        ef.until,
        sorted(groups.values(), key=lambda r: (r.group, r.currency or "")),
        sorted(totals.values(), key=lambda r: r.currency or ""),
    )


def summary_row_document(row: SummaryRow) -> dict[str, Any]:
    return {
        "group": row.group,
        "entries": row.entries,
        "hours": round(row.minutes / 60, 2),
        "billable_hours": round(row.billable_minutes / 60, 2),
        "amount": str(row.amount),
        "currency": row.currency,
        "unpriced_billable_hours": round(row.unpriced_minutes / 60, 2),
    }
