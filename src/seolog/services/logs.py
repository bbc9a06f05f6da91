"""The log of SEO work: entries, the timer, summaries, and CSV in and out."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from seolog.context import AppContext
from seolog.errors import NotFoundError, UsageError
from seolog.services.clients import get_client, get_project
from seolog.services.rates import price_entry
from seolog.services.sites import get_site
from seolog.storage import worklog as store
from seolog.storage.db import session_scope
from seolog.storage.models import Client, LogEntry, Project, Site, utcnow
from seolog.worklog.money import amount, parse_rate
from seolog.worklog.parse import (
    parse_clock,
    parse_date,
    parse_duration,
    span_minutes,
)

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


def author(ctx: AppContext) -> str:
    """Who is working: SEOLOG_USER, else the login name. Every entry and timer carries it, so a
    team sharing one PostgreSQL store each keep their own timer and hours."""
    name = " ".join(ctx.env.get("SEOLOG_USER", "").split())
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # a container's uid with no name
            raise UsageError(
                "cannot tell who you are: there is no login name",
                hint="set SEOLOG_USER to your name, e.g. export SEOLOG_USER=anna",
            ) from None
    if len(name) > 200:
        raise UsageError("SEOLOG_USER is longer than 200 characters", hint="use a short name")
    return name


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
    tags: list[str] | None = None  # added to the entry's tags
    untags: list[str] | None = None  # removed from them
    urls: list[str] | None = None
    fixes: list[str] | None = None


@dataclass
class EntryRow:
    """An entry with the names and money a person reads."""

    entry: LogEntry
    client: str | None
    project: str | None
    site: str | None
    invoice: str | None = None  # the invoice number, when invoiced

    @property
    def rate(self) -> Decimal | None:
        """The rate the entry was priced at (kept with it: see services.rates)."""
        return self.entry.rate

    @property
    def currency(self) -> str | None:
        return self.entry.currency

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
    """Resolve --client/--project/--site; a project implies its client (and site), a site its
    client. An unknown name is the "not found" error (exit 3); a site, project and client that do
    not belong together are refused (exit 2) naming the owner: the entry would show up in
    another client's monthly report."""
    client = get_client(session, data.client) if data.client else None
    if data.project is not None:
        project = get_project(session, data.project, client) if data.project else None
        entry.project_id = project.id if project else None
        if project is not None:
            if client is not None and client.id != project.client_id:
                raise _not_its_project(
                    session, project, client.id, "drop --client, or pick that client's project"
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
    if data.client is not None or data.project is not None or data.site is not None:
        # checked when the owners change: an entry of a site since moved to another client
        # keeps its history, and its description or time can still be corrected
        _check_owners(session, entry)


def _client_name(session: Session, client_id: int | None) -> str:
    found = store.client_by_id(session, client_id) if client_id else None
    return found.name if found else "no client"


def _not_its_project(
    session: Session, project: Project, client_id: int | None, hint: str
) -> UsageError:
    return UsageError(
        f"project {project.name!r} belongs to {_client_name(session, project.client_id)}, "
        f"not {_client_name(session, client_id)}",
        hint=hint,
    )


def _check_owners(session: Session, entry: LogEntry) -> None:
    project = session.get(Project, entry.project_id) if entry.project_id else None
    if project is not None and entry.client_id not in (None, project.client_id):
        raise _not_its_project(
            session,
            project,
            entry.client_id,
            "give the project too (--project), or clear it with --project ''",
        )
    site = session.get(Site, entry.site_id) if entry.site_id else None
    if site is None:
        return
    if entry.client_id is not None and site.client_id != entry.client_id:
        owner = _client_name(session, site.client_id)
        raise UsageError(
            f"site {site.name!r} belongs to {owner}, not {_client_name(session, entry.client_id)}",
            hint=f"log it for {owner}, or link the site to this client with "
            f"`seolog clients edit CLIENT --site {site.name}`"
            if site.client_id
            else f"link it first: `seolog clients edit CLIENT --site {site.name}`",
        )
    if project is not None and project.site_id not in (None, site.id):
        other = session.get(Site, project.site_id)
        raise UsageError(
            f"project {project.name!r} is for site {other.name if other else '?'!r}, "
            f"not {site.name!r}",
            hint="drop --site (the project's site is used), or pick another project",
        )


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
    _not_future(ctx, entry.day)


def _not_future(ctx: AppContext, day: date) -> None:
    """Work is logged once done: a date after today is a typo (2026-12-11 for 2026-11-12)."""
    now = today(ctx)
    if day > now:
        raise UsageError(
            f"the date {day} is in the future (today is {now})",
            hint="log work once it is done; check the date, e.g. --date yesterday",
        )


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
        entry.rate_manual = bool(data.rate)
    if data.tags is not None or data.untags is not None:
        tags = set(entry.tags or []) | _tags(data.tags)
        entry.tags = sorted(tags - _tags(data.untags)) or None
    if data.urls is not None:
        entry.urls = [u.strip() for u in data.urls if u.strip()] or None
    if data.fixes is not None:
        entry.fixes = _fixes(data.fixes) or None
    _owners(session, data, entry)
    _timing(ctx, data, entry)
    if data.rate is not None and entry.rate_manual:
        entry.currency = None  # the client's, set by price_entry
    price_entry(session, entry)


def _tags(values: list[str] | None) -> set[str]:
    return {t.strip().lower() for t in values or [] if t.strip()}


def build_entry(
    ctx: AppContext, session: Session, data: EntryInput, by: str | None = None
) -> LogEntry:
    entry = LogEntry(
        day=today(ctx), minutes=0, work_type="other", description="", author=by or author(ctx)
    )
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


def get_entry(session: Session, entry_id: int, lock: bool = False) -> LogEntry:
    entry = store.entry_by_id(session, entry_id, lock)
    if entry is None:
        raise NotFoundError(f"no log entry with id {entry_id}", hint="see `seolog logs list`")
    return entry


def _unlocked(session: Session, entry: LogEntry, doing: str) -> None:
    """An invoiced entry is part of what the client was billed: it changes only once the
    invoice is voided."""
    if entry.invoice_id is None:
        return
    number = store.invoice_numbers(session, {entry.invoice_id}).get(entry.invoice_id, "?")
    raise UsageError(
        f"entry {entry.id} is on invoice {number}, so it cannot be {doing}",
        hint=f"void the invoice first (`seolog invoices void {number}`), then invoice again",
    )


def edit_entry(ctx: AppContext, entry_id: int, data: EntryInput) -> LogEntry:
    with session_scope(ctx.engine) as session:
        entry = get_entry(session, entry_id, lock=True)
        _unlocked(session, entry, "changed")
        _apply(ctx, session, data, entry)
        entry.updated_at = utcnow()
        return entry


def remove_entry(ctx: AppContext, entry_id: int) -> LogEntry:
    with session_scope(ctx.engine) as session:
        entry = get_entry(session, entry_id, lock=True)
        _unlocked(session, entry, "deleted")
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
    author: str | None = None


def entry_filter(ctx: AppContext, session: Session, f: ListFilter) -> store.EntryFilter:
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
        author=" ".join(f.author.split()) if f.author else None,
    )


def rows_of(session: Session, entries: list[LogEntry]) -> list[EntryRow]:
    clients = store.names(session, Client, {e.client_id for e in entries if e.client_id})
    projects = store.names(session, Project, {e.project_id for e in entries if e.project_id})
    sites = store.names(session, Site, {e.site_id for e in entries if e.site_id})
    numbers = store.invoice_numbers(session, {e.invoice_id for e in entries if e.invoice_id})
    return [
        EntryRow(
            e,
            clients.get(e.client_id or 0),
            projects.get(e.project_id or 0),
            sites.get(e.site_id or 0),
            numbers.get(e.invoice_id or 0),
        )
        for e in entries
    ]


def list_entries(ctx: AppContext, f: ListFilter, limit: int | None = None) -> list[EntryRow]:
    with session_scope(ctx.engine) as session:
        return rows_of(session, store.entries(session, entry_filter(ctx, session, f), limit))


def show_entry(ctx: AppContext, entry_id: int) -> EntryRow:
    with session_scope(ctx.engine) as session:
        return rows_of(session, [get_entry(session, entry_id)])[0]


def entry_document(row: EntryRow) -> dict[str, Any]:
    e = row.entry
    return {
        "id": e.id,
        "uuid": e.uuid,
        "author": e.author,
        "date": e.day.isoformat(),
        "start": e.started_at.astimezone().strftime("%H:%M") if e.started_at else None,
        "end": e.ended_at.astimezone().strftime("%H:%M") if e.ended_at else None,
        # the whole moments: a timer left running overnight ends on another date
        "started_at": e.started_at.astimezone().isoformat() if e.started_at else None,
        "ended_at": e.ended_at.astimezone().isoformat() if e.ended_at else None,
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
        "invoice": row.invoice,
        "tags": e.tags or [],
        "urls": e.urls or [],
        "fixes": e.fixes or [],
    }
