"""The timer: one running per author, in the database (it survives closed terminals, and a team
on one PostgreSQL store each have their own). Start and stop times can be given after the fact
(`--at`), and a timer left running longer than a working day is not logged without a yes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from seolog.context import AppContext
from seolog.errors import UsageError
from seolog.services.logs import EntryInput, author, build_entry, get_entry, today
from seolog.storage import worklog as store
from seolog.storage.db import session_scope
from seolog.storage.models import Client, LogEntry, Project, Site, Timer
from seolog.worklog.parse import format_minutes, parse_moment

DEFAULT_MAX_HOURS = 10


class LongTimer(UsageError):
    """The timer ran longer than the maximum: the CLI asks on a terminal, scripts need
    --allow-long (or --at to say when the work really stopped)."""

    def __init__(self, minutes: int, started: datetime, limit: int) -> None:
        self.minutes, self.started = minutes, started
        local = started.astimezone()
        super().__init__(
            f"the timer ran {format_minutes(minutes)} since {local:%a %Y-%m-%d %H:%M}, "
            f"longer than {format_minutes(limit)}",
            hint=f'say when you stopped, e.g. --at "{local:%Y-%m-%d} 18:00", '
            "or pass --allow-long to log it all",
        )


def _moment(ctx: AppContext, at: str | None, what: str) -> datetime:
    now = ctx.clock()
    if at is None:
        return now
    moment = parse_moment(at, today(ctx), what)
    if moment > now:
        raise UsageError(
            f"the {what} time {at!r} is in the future ({moment:%Y-%m-%d %H:%M})",
            hint='give a time that has passed, e.g. --at 09:15 or --at "yesterday 17:30"',
        )
    return moment


def start_timer(ctx: AppContext, data: EntryInput, at: str | None = None) -> Timer:
    if data.time is not None or data.start is not None or data.end is not None:
        raise UsageError("a timer measures the time itself", hint="drop --time/--start/--end")
    me = author(ctx)
    started = _moment(ctx, at, "start")
    with session_scope(ctx.engine) as session:
        running = store.running_timer(session, me)
        if running is not None:
            raise _already_running(running)
        build_entry(ctx, session, EntryInput(**{**data.__dict__, "time": "1m"}))  # validates now
        timer = Timer(
            started_at=started,
            author=me,
            entry={k: v for k, v in data.__dict__.items() if v is not None},
        )
        session.add(timer)
        try:
            session.flush()
        except IntegrityError as e:  # another `logs start` of ours got in (uq_timers_author)
            session.rollback()
            raise _already_running(store.running_timer(session, me)) from e
        return timer


def restart_timer(ctx: AppContext, entry_id: int | None = None, at: str | None = None) -> Timer:
    """Time again what the author's latest entry (or entry `entry_id`) was about."""
    with session_scope(ctx.engine) as session:
        entry = get_entry(session, entry_id) if entry_id else store.last_entry(session, author(ctx))
        if entry is None:
            raise UsageError(
                "there is no entry of yours to restart",
                hint='start a timer with `seolog logs start "…" --site S`',
            )
        data = _input_of(session, entry)
    return start_timer(ctx, data, at)


def _input_of(session: Session, entry: LogEntry) -> EntryInput:
    """The entry's details as options: names for client and site, the id for the project (two
    clients may have a project of the same name)."""

    def name(model: type, ident: int | None) -> str | None:
        row = session.get(model, ident) if ident is not None else None
        if row is None:
            return None
        return str(ident) if model is Project else str(row.name)

    return EntryInput(
        description=entry.description,
        client=name(Client, entry.client_id),
        project=name(Project, entry.project_id),
        site=name(Site, entry.site_id),
        work_type=entry.work_type,
        billable=entry.billable,
        rate=str(entry.rate) if entry.rate_manual and entry.rate is not None else None,
        tags=list(entry.tags or []) or None,
        urls=list(entry.urls or []) or None,
        fixes=list(entry.fixes or []) or None,
    )


def _already_running(running: Timer | None) -> UsageError:
    hint = "stop it with `seolog logs stop`, or drop it with `seolog logs cancel`"
    if running is None:  # stopped again in the meantime
        return UsageError("another timer was started at the same moment", hint=hint)
    return UsageError(
        f"a timer of yours is already running since "
        f"{running.started_at.astimezone():%Y-%m-%d %H:%M} "
        f"for {running.entry.get('description')!r}",
        hint=hint,
    )


@dataclass
class Running:
    timer: Timer
    minutes: int  # so far


def timer_status(ctx: AppContext, everyone: bool = False) -> list[Running]:
    """The author's running timer (or every author's), with its minutes so far."""
    with session_scope(ctx.engine) as session:
        if everyone:
            timers = store.running_timers(session)
        else:
            mine = store.running_timer(session, author(ctx))
            timers = [mine] if mine is not None else []
        return [Running(t, _minutes(t.started_at, ctx.clock())) for t in timers]


def _minutes(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def stop_timer(
    ctx: AppContext,
    description: str | None = None,
    at: str | None = None,
    allow_long: bool = False,
    max_hours: float = DEFAULT_MAX_HOURS,
) -> LogEntry:
    me = author(ctx)
    ended = _moment(ctx, at, "stop")
    with session_scope(ctx.engine) as session:
        timer = store.running_timer(session, me)
        if timer is None:
            raise _none_running(session, me)
        if ended <= timer.started_at:
            raise UsageError(
                f"the stop time {ended.astimezone():%Y-%m-%d %H:%M} is not after the start "
                f"({timer.started_at.astimezone():%Y-%m-%d %H:%M})",
                hint='give the day too if it was another one, e.g. --at "2026-11-26 18:00"',
            )
        minutes = max(1, _minutes(timer.started_at, ended))  # stopped at once: still a minute
        limit = round(max_hours * 60)
        if minutes > limit and not allow_long:
            raise LongTimer(minutes, timer.started_at, limit)
        data = EntryInput(**timer.entry)
        if description:
            data.description = description
        # On the day the timer started (priced at the rate in force then), with the real
        # moments: a timer left running overnight starts on one date and ends on another
        data.day = timer.started_at.astimezone().date().isoformat()
        entry = build_entry(ctx, session, data, by=timer.author)
        entry.minutes = minutes
        entry.started_at = timer.started_at
        entry.ended_at = ended
        session.add(entry)
        session.delete(timer)
        session.flush()
        return entry


def _none_running(session: Session, me: str) -> UsageError:
    others = [t.author for t in store.running_timers(session)]
    if others:
        return UsageError(
            f"no timer of yours ({me}) is running; {', '.join(others)} has one",
            hint="set SEOLOG_USER to whose timer it is, or cancel theirs with "
            "`seolog logs cancel --author NAME`",
        )
    return UsageError("no timer is running", hint='start one with `seolog logs start "…" --site S`')


def cancel_timer(ctx: AppContext, of: str | None = None) -> Timer:
    """Drop the author's running timer, or (with `of`) another author's: never by accident."""
    me = author(ctx)
    whose = " ".join(of.split()) if of else me
    with session_scope(ctx.engine) as session:
        timer = store.running_timer(session, whose)
        if timer is None:
            if whose != me:
                raise UsageError(
                    f"{whose} has no running timer", hint="see `seolog logs status --all`"
                )
            raise _none_running(session, me)
        session.delete(timer)
        return timer
