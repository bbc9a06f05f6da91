"""`seolog logs …`: the log of SEO work, with a timer, summaries and CSV in and out."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seolog.cli import options as o
from seolog.cli.state import State

if TYPE_CHECKING:
    from seolog.services.logs import EntryInput, EntryRow, ListFilter

app = typer.Typer(help="Log SEO work: hours per client, project and site.", no_args_is_help=True)

ENTRY = "The work"
FILTERS = "Filters"


class LogFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[
    LogFormat, typer.Option("--format", "-f", help="A table for people; JSON or CSV for scripts.")
]
IdArg = Annotated[
    int, typer.Argument(help="Entry ID (see `seolog logs list`).", show_default=False)
]
DescArg = Annotated[str, typer.Argument(help='What was done, e.g. "Rewrote 14 meta descriptions".')]
ClientOpt = Annotated[
    str | None, typer.Option("--client", help="Client name.", rich_help_panel=ENTRY)
]
ProjectOpt = Annotated[
    str | None, typer.Option("--project", help="Project name or ID.", rich_help_panel=ENTRY)
]
SiteOpt = Annotated[str | None, typer.Option("--site", help="Site name.", rich_help_panel=ENTRY)]
TypeOpt = Annotated[
    str | None,
    typer.Option(
        "--type",
        help="Work type: technical, on-page, content, links, local, analytics, "
        "reporting, research, meeting, other.",
        rich_help_panel=ENTRY,
    ),
]
TimeOpt = Annotated[
    str | None,
    typer.Option("--time", help="How long: 90m, 1h30, 1.5h, 1:30.", rich_help_panel=ENTRY),
]
StartOpt = Annotated[
    str | None,
    typer.Option("--start", help="Start time, HH:MM (with --end).", rich_help_panel=ENTRY),
]
EndOpt = Annotated[
    str | None, typer.Option("--end", help="End time, HH:MM.", rich_help_panel=ENTRY)
]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date", help="today (default), yesterday, mon…sun or YYYY-MM-DD.", rich_help_panel=ENTRY
    ),
]
BillableOpt = Annotated[
    bool | None,
    typer.Option(
        "--billable/--non-billable",
        " /--no-billable",  # the spelling before 0.2: still read
        help="Bill it (default: billable).",
        rich_help_panel=ENTRY,
    ),
]
RateOpt = Annotated[
    str | None,
    typer.Option("--rate", help="Hourly rate for this entry only.", rich_help_panel=ENTRY),
]
TagOpt = Annotated[
    list[str] | None,
    typer.Option("--tag", help="Add a tag (repeatable).", rich_help_panel=ENTRY),
]
UntagOpt = Annotated[
    list[str] | None,
    typer.Option("--untag", help="Remove a tag (repeatable).", rich_help_panel=ENTRY),
]
UrlOpt = Annotated[
    list[str] | None,
    typer.Option("--url", help="A URL worked on (repeatable).", rich_help_panel=ENTRY),
]
FixesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--fixes",
        help="A check code the work addressed, e.g. link-broken (repeatable).",
        rich_help_panel=ENTRY,
    ),
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="From this date (inclusive).", rich_help_panel=FILTERS)
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help="Up to this date (inclusive).", rich_help_panel=FILTERS),
]
PeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period",
        help="this-month, last-month, this-week, last-week, this-year, 2026-10, 2026.",
        rich_help_panel=FILTERS,
    ),
]
FClientOpt = Annotated[
    str | None, typer.Option("--client", help="Only this client.", rich_help_panel=FILTERS)
]
FProjectOpt = Annotated[
    str | None, typer.Option("--project", help="Only this project.", rich_help_panel=FILTERS)
]
FSiteOpt = Annotated[
    str | None, typer.Option("--site", help="Only this site.", rich_help_panel=FILTERS)
]
FTypeOpt = Annotated[
    str | None, typer.Option("--type", help="Only this work type.", rich_help_panel=FILTERS)
]
FTagOpt = Annotated[
    str | None, typer.Option("--tag", help="Only entries with this tag.", rich_help_panel=FILTERS)
]
FAuthorOpt = Annotated[
    str | None,
    typer.Option(
        "--author", help="Only this consultant's entries (SEOLOG_USER).", rich_help_panel=FILTERS
    ),
]
FBillableOpt = Annotated[
    bool | None,
    typer.Option(
        "--billable/--non-billable", help="Only (non-)billable entries.", rich_help_panel=FILTERS
    ),
]


def _entry_input(**fields: Any) -> EntryInput:
    from seolog.services.logs import EntryInput

    return EntryInput(**fields)


def _common(
    client: str | None,
    project: str | None,
    site: str | None,
    billable: bool | None,
    rate: str | None,
    tag: list[str] | None,
    url: list[str] | None,
    fixes: list[str] | None,
) -> dict[str, Any]:
    """The entry options `add`, `start` and `edit` share, under EntryInput's names."""
    return {
        "client": client,
        "project": project,
        "site": site,
        "billable": billable,
        "rate": rate,
        "tags": tag,
        "urls": url,
        "fixes": fixes,
    }


def _hm(minutes: int) -> str:
    from seolog.worklog.parse import format_minutes

    return format_minutes(minutes)


def _show_rows(
    state: State, rows: list[EntryRow], fmt: LogFormat, output: Path | None = None
) -> None:
    from seolog.cli import render
    from seolog.services.logcsv import export_csv
    from seolog.services.logs import entry_document

    if fmt is LogFormat.json:
        render.emit_json([entry_document(r) for r in rows], output)
        return
    if fmt is LogFormat.csv:
        text = export_csv(rows)
        if output is None:
            render.emit_text(text)
        else:
            render.write_file(output, text)
            render.note(
                f"Wrote {len(rows)} entries to {output}", state.quiet, state.no_color, "green"
            )
        return
    if not rows:
        render.note(
            'No log entries match. Add one with: seolog logs add "…" --site S --time 1h',
            state.quiet,
            state.no_color,
        )
        return
    team = len({r.entry.author for r in rows}) > 1  # whose work, once there is more than one
    render.table(
        None,
        [
            "ID",
            "Date",
            "Time",
            *(["Author"] if team else []),
            "Client",
            "Project / site",
            "Type",
            "Description",
            "Amount",
        ],
        [
            [
                r.entry.id,
                r.entry.day.isoformat(),
                _hm(r.entry.minutes),
                *([r.entry.author] if team else []),
                r.client,
                " / ".join(x for x in (r.project, r.site) if x) or None,
                r.entry.work_type,
                r.entry.description,
                (
                    f"{r.amount} {r.currency}"
                    if r.amount is not None
                    else ("-" if r.entry.billable else "not billed")
                )
                + (f" ({r.invoice})" if r.invoice else ""),
            ]
            for r in rows
        ],
        state.no_color,
    )
    total = sum(r.entry.minutes for r in rows)
    render.note(f"{len(rows)} entries, {_hm(total)}", state.quiet, state.no_color, "dim")


@app.command(
    "add",
    epilog="Examples: seolog logs add 'Rewrote 14 meta descriptions' --site acme --type on-page --time 1h30 "
    "--fixes meta-description-missing · seolog logs add 'Call with client' --client 'Acme Ltd' --type meeting "
    "--start 14:00 --end 14:45 --date yesterday",
)
def add(
    ctx: typer.Context,
    description: DescArg,
    client: ClientOpt = None,
    project: ProjectOpt = None,
    site: SiteOpt = None,
    work_type: TypeOpt = None,
    time: TimeOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    day: DateOpt = None,
    billable: BillableOpt = None,
    rate: RateOpt = None,
    tag: TagOpt = None,
    url: UrlOpt = None,
    fixes: FixesOpt = None,
    fmt: FormatOpt = LogFormat.table,
) -> None:
    """Log a piece of work done: for whom, what, how long."""
    from seolog.cli import render
    from seolog.services.logs import add_entry

    state: State = ctx.obj
    data = _entry_input(
        description=description,
        work_type=work_type or "other",
        time=time,
        start=start,
        end=end,
        day=day,
        **_common(client, project, site, billable, rate, tag, url, fixes),
    )
    entry = add_entry(state.app, data)
    if fmt is LogFormat.json:
        _emit_entry(state, entry.id or 0)
        return
    render.note(
        f"Logged {_hm(entry.minutes)} on {entry.day} (entry {entry.id}).",
        state.quiet,
        state.no_color,
        "green",
    )


AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        help='When, if not now: 09:15 (today), "yesterday 17:30", "2026-11-26 18:00".',
    ),
]


@app.command(
    "start",
    epilog="Examples: seolog logs start 'Fixing redirect chains' --site acme --type technical --fixes redirect-chain · "
    "seolog logs start 'Keyword research' --client 'Acme Ltd' --at 09:15",
)
def start_(
    ctx: typer.Context,
    description: DescArg,
    client: ClientOpt = None,
    project: ProjectOpt = None,
    site: SiteOpt = None,
    work_type: TypeOpt = None,
    billable: BillableOpt = None,
    rate: RateOpt = None,
    tag: TagOpt = None,
    url: UrlOpt = None,
    fixes: FixesOpt = None,
    at: AtOpt = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Start your timer (one per consultant); `seolog logs stop` logs it.

    It keeps running when the terminal closes. Whose it is: SEOLOG_USER, else the login name."""
    from seolog.services.timer import start_timer

    state: State = ctx.obj
    data = _entry_input(
        description=description,
        work_type=work_type or "other",
        **_common(client, project, site, billable, rate, tag, url, fixes),
    )
    _started(state, start_timer(state.app, data, at), fmt)


def _started(state: State, timer: Any, fmt: o.Format) -> None:
    from seolog.cli import render

    if fmt is o.Format.json:
        render.emit_json(_timer_document(timer, 0))
        return
    render.note(
        f"Timer started at {timer.started_at.astimezone():%H:%M} for {timer.entry.get('description')!r}. "
        "Stop it with: seolog logs stop",
        state.quiet,
        state.no_color,
        "green",
    )


@app.command(
    "restart",
    epilog="Examples: seolog logs restart · seolog logs restart 42 --at 13:30",
)
def restart(
    ctx: typer.Context,
    entry_id: Annotated[
        int | None,
        typer.Argument(help="The entry to time again (default: your latest).", show_default=False),
    ] = None,
    at: AtOpt = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Start a timer for the same work as your latest entry (or entry ID): after a break."""
    from seolog.services.timer import restart_timer

    state: State = ctx.obj
    _started(state, restart_timer(state.app, entry_id, at), fmt)


@app.command(
    "stop",
    epilog="Examples: seolog logs stop --description 'Fixed 9 redirect chains' · "
    "seolog logs stop --at 17:30 · seolog logs stop --at '2026-11-26 18:00'",
)
def stop(
    ctx: typer.Context,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="Replace the description.")
    ] = None,
    at: AtOpt = None,
    allow_long: Annotated[
        bool,
        typer.Option(
            "--allow-long",
            help="Log a timer that ran longer than [worklog] max_timer_hours (default 10) "
            "without asking.",
        ),
    ] = False,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Stop your timer and log the time.

    A timer left running over the maximum is not logged without a yes (on a terminal) or
    --allow-long (in scripts): say when you stopped with --at."""
    from seolog.cli import render
    from seolog.services.timer import LongTimer, stop_timer

    state: State = ctx.obj
    limit = _max_timer_hours(state)
    try:
        entry = stop_timer(state.app, description, at, allow_long, limit)
    except LongTimer as e:
        if not render.interactive():
            raise
        if not typer.confirm(
            f"The timer ran {_hm(e.minutes)} since {e.started.astimezone():%a %Y-%m-%d %H:%M}. Log all of it?",
            default=False,
            err=True,
        ):
            raise typer.Abort() from None
        entry = stop_timer(state.app, description, at, True, limit)
    if fmt is o.Format.json:
        _emit_entry(state, entry.id or 0)
        return
    render.note(
        f"Logged {_hm(entry.minutes)}: {entry.description} (entry {entry.id}).",
        state.quiet,
        state.no_color,
        "green",
    )


def _max_timer_hours(state: State) -> float:
    from seolog.projectconfig import load_config
    from seolog.services.timer import DEFAULT_MAX_HOURS

    return float(load_config(state.config).worklog.get("max_timer_hours", DEFAULT_MAX_HOURS))


@app.command("status", epilog="Examples: seolog logs status · seolog logs status --all")
def status(
    ctx: typer.Context,
    everyone: Annotated[
        bool, typer.Option("--all", help="Every consultant's running timer, not only yours.")
    ] = False,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Is your timer running, since when, for what."""
    from seolog.cli import render
    from seolog.services.timer import timer_status

    state: State = ctx.obj
    found = timer_status(state.app, everyone)
    if fmt is o.Format.json:
        docs = [_timer_document(r.timer, r.minutes) for r in found]
        render.emit_json(docs if everyone else (docs[0] if docs else None))
        return
    if not found:
        render.out(state.no_color).print("No timer is running.")
        return
    for r in found:
        who = f"{r.timer.author}: " if everyone else ""
        render.out(state.no_color).print(
            render.cell(
                f"{who}Running for {_hm(r.minutes)} since {r.timer.started_at.astimezone():%Y-%m-%d %H:%M}: "
                f"{r.timer.entry.get('description')}"
            )
        )


def _timer_document(timer: Any, minutes: int) -> dict[str, Any]:
    """A running timer as scripts read it (`logs start`, `logs status --format json`)."""
    return {
        "started_at": timer.started_at.isoformat(),
        "minutes": minutes,
        "author": timer.author,
        **timer.entry,
    }


def _emit_entry(state: State, entry_id: int) -> None:
    """One entry as `logs show --format json` prints it, after a command changed it."""
    from seolog.cli import render
    from seolog.services.logs import entry_document, show_entry

    render.emit_json(entry_document(show_entry(state.app, entry_id)))


@app.command("cancel", epilog="Examples: seolog logs cancel · seolog logs cancel --author anna")
def cancel(
    ctx: typer.Context,
    of: Annotated[
        str | None,
        typer.Option("--author", help="Cancel this consultant's timer instead of yours."),
    ] = None,
) -> None:
    """Drop your running timer without logging it."""
    from seolog.cli import render
    from seolog.services.timer import cancel_timer

    state: State = ctx.obj
    timer = cancel_timer(state.app, of)
    whose = f"{timer.author}'s timer" if of else "Timer"
    render.note(
        f"{whose} for {timer.entry.get('description')!r} cancelled.", state.quiet, state.no_color
    )


def _filter(**fields: Any) -> ListFilter:
    from seolog.services.logs import ListFilter

    return ListFilter(**fields)


@app.command(
    "list",
    epilog="Examples: seolog logs list --period this-month --client 'Acme Ltd' · seolog logs list --tag audit --format csv",
)
def list_(
    ctx: typer.Context,
    client: FClientOpt = None,
    project: FProjectOpt = None,
    site: FSiteOpt = None,
    work_type: FTypeOpt = None,
    tag: FTagOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    period: PeriodOpt = None,
    billable: FBillableOpt = None,
    author: FAuthorOpt = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Only the latest N.")
    ] = None,
    fmt: FormatOpt = LogFormat.table,
) -> None:
    """List log entries, oldest first."""
    from seolog.services.logs import list_entries

    state: State = ctx.obj
    rows = list_entries(
        state.app,
        _filter(
            client=client,
            project=project,
            site=site,
            work_type=work_type,
            tag=tag,
            since=since,
            until=until,
            period=period,
            billable=billable,
            author=author,
        ),
        limit,
    )
    _show_rows(state, rows, fmt)


@app.command("show", epilog="Example: seolog logs show 42")
def show(ctx: typer.Context, entry_id: IdArg, fmt: o.FormatOpt = o.Format.table) -> None:
    """Show one entry."""
    from seolog.cli import render
    from seolog.services.logs import entry_document, show_entry

    state: State = ctx.obj
    doc = entry_document(show_entry(state.app, entry_id))
    if fmt is o.Format.json:
        render.emit_json(doc)
        return
    doc["time"] = _hm(doc.pop("minutes"))
    # the whole moments, dates included: an overnight timer ends on another day
    for short, full in (("start", "started_at"), ("end", "ended_at")):
        moment = doc.pop(full)
        if moment is not None:
            doc[short] = datetime.fromisoformat(moment).strftime("%Y-%m-%d %H:%M")

    def shown(value: Any) -> Any:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return ", ".join(value) if isinstance(value, list) else value

    render.fields([(k.capitalize(), shown(v)) for k, v in doc.items()], state.no_color)


@app.command(
    "edit",
    epilog="Examples: seolog logs edit 42 --time 2h --type content --non-billable · "
    "seolog logs edit 42 --tag audit --untag draft",
)
def edit(
    ctx: typer.Context,
    entry_id: IdArg,
    description: Annotated[
        str | None,
        typer.Option("--description", "-d", help="New description.", rich_help_panel=ENTRY),
    ] = None,
    client: ClientOpt = None,
    project: ProjectOpt = None,
    site: SiteOpt = None,
    work_type: TypeOpt = None,
    time: TimeOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    day: DateOpt = None,
    billable: BillableOpt = None,
    rate: RateOpt = None,
    tag: TagOpt = None,
    untag: UntagOpt = None,
    url: UrlOpt = None,
    fixes: FixesOpt = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Change an entry; give only what changes (an empty value clears a link, e.g. --project '').

    --tag adds to the entry's tags and --untag removes; invoiced entries refuse changes."""
    from seolog.cli import render
    from seolog.services.logs import edit_entry

    state: State = ctx.obj
    data = _entry_input(
        description=description,
        work_type=work_type,
        time=time,
        start=start,
        end=end,
        day=day,
        untags=untag,
        **_common(client, project, site, billable, rate, tag, url, fixes),
    )
    entry = edit_entry(state.app, entry_id, data)
    if fmt is o.Format.json:
        _emit_entry(state, entry.id or 0)
        return
    render.note(f"Updated entry {entry.id}.", state.quiet, state.no_color, "green")


@app.command("rm", epilog="Example: seolog logs rm 42 --yes")
def rm(
    ctx: typer.Context,
    entry_id: IdArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete an entry."""
    from seolog.cli import render
    from seolog.services.logs import remove_entry

    state: State = ctx.obj
    if not yes:
        render.confirm_or_abort(f"Delete log entry {entry_id}?")
    entry = remove_entry(state.app, entry_id)
    render.note(f"Deleted entry {entry.id} ({entry.description}).", state.quiet, state.no_color)


@app.command(
    "summary",
    epilog="Examples: seolog logs summary --by client --period last-month · seolog logs summary --by author --period this-month · "
    "seolog logs summary --by tag --since 2026-10-01 --format csv",
)
def summary(
    ctx: typer.Context,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Group by client, project, site, type, tag, author, week or month "
            "(by tag an entry counts under each of its tags).",
        ),
    ] = "client",
    client: FClientOpt = None,
    project: FProjectOpt = None,
    site: FSiteOpt = None,
    work_type: FTypeOpt = None,
    tag: FTagOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    period: PeriodOpt = None,
    billable: FBillableOpt = None,
    author: FAuthorOpt = None,
    fmt: FormatOpt = LogFormat.table,
) -> None:
    """Hours, billable hours and amounts per group, with totals per currency.

    Amounts price each rate's exact minutes, so groups and invoices agree to the cent."""
    from seolog.cli import render
    from seolog.services.logsummary import summarize, summary_row_document

    state: State = ctx.obj
    s = summarize(
        state.app,
        by,
        _filter(
            client=client,
            project=project,
            site=site,
            work_type=work_type,
            tag=tag,
            since=since,
            until=until,
            period=period,
            billable=billable,
            author=author,
        ),
    )
    docs = [summary_row_document(r) for r in s.rows]
    totals = [summary_row_document(r) for r in s.totals]
    if fmt is LogFormat.json:
        render.emit_json(
            {
                "by": s.by,
                "since": s.since.isoformat() if s.since else None,
                "until": s.until.isoformat() if s.until else None,
                "groups": docs,
                "totals": totals,
            }
        )
        return
    if fmt is LogFormat.csv:
        from seolog.csvsafe import write_rows

        fields = list(summary_row_document(s.totals[0]) if s.totals else ["group"])
        render.emit_text(write_rows(fields, ([d.get(f) for f in fields] for d in [*docs, *totals])))
        return
    if not s.rows:
        render.note("No log entries in that range.", state.quiet, state.no_color)
        return
    span = f"{s.since} to {s.until}" if s.since or s.until else "all time"
    span = span.replace("None", "…")
    render.table(
        f"Work by {s.by}, {span}",
        [s.by.capitalize(), "Entries", "Hours", "Billable h", "Amount"],
        [
            [
                d["group"],
                d["entries"],
                f"{d['hours']:.2f}",
                f"{d['billable_hours']:.2f}",
                f"{d['amount']} {d['currency'] or ''}".strip(),
            ]
            for d in [*docs, *totals]
        ],
        state.no_color,
    )
    unpriced = sum(r.unpriced_minutes for r in s.totals)
    if unpriced:
        render.note(
            f"note: {_hm(unpriced)} of billable time has no rate (set one with `seolog clients edit NAME --rate N`)",
            state.quiet,
            state.no_color,
            "yellow",
        )


class ImportFrom(StrEnum):
    seolog = "seolog"
    toggl = "toggl"
    clockify = "clockify"
    harvest = "harvest"


class DateOrder(StrEnum):
    dmy = "dmy"
    mdy = "mdy"
    ymd = "ymd"


@app.command(
    "import",
    epilog="Examples: seolog logs import hours-2026.csv · "
    "seolog logs import Toggl_time_entries_2026-11-01_to_2026-11-30.csv --create-clients --dry-run · "
    "seolog logs import clockify.csv --from clockify --date-order dmy",
)
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="A CSV file: seolog's own (`logs export`), or a Toggl Track, Clockify or "
            "Harvest detailed-report export.",
            dir_okay=False,
        ),
    ],
    source: Annotated[
        ImportFrom | None,
        typer.Option("--from", help="Whose export it is (default: told by its columns)."),
    ] = None,
    date_order: Annotated[
        DateOrder | None,
        typer.Option(
            "--date-order",
            help="How slash dates read (03/11/2026): dmy or mdy. Default: told by the file.",
        ),
    ] = None,
    create_clients: Annotated[
        bool,
        typer.Option("--create-clients", help="Add clients and projects the store does not know."),
    ] = False,
    client: Annotated[
        str | None,
        typer.Option("--client", help="The client of rows that name none."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
    ] = False,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Import entries: every row, or none if any row is bad (each bad line is named).

    Rows imported before are skipped, so importing the same file twice adds nothing."""
    from dataclasses import asdict

    from seolog.cli import render
    from seolog.services.logimport import ImportOptions, import_file

    state: State = ctx.obj
    opts = ImportOptions(
        source.value if source else None,
        date_order.value if date_order else None,
        create_clients,
        client,
        dry_run,
    )
    result = import_file(state.app, file, opts)
    if fmt is o.Format.json:
        render.emit_json({**asdict(result), "imported": 0 if dry_run else result.new})
        return
    would = "Would import" if dry_run else "Imported"
    made = [
        f"{'would add' if dry_run else 'added'} client(s) {', '.join(result.clients_created)}"
        if result.clients_created
        else "",
        f"{'would add' if dry_run else 'added'} project(s) {', '.join(result.projects_created)}"
        if result.projects_created
        else "",
    ]
    extra = "; ".join(m for m in made if m)
    render.note(
        f"{would} {file} ({result.source}): {result.new} new, {result.already} already imported"
        + (f"; {extra}" if extra else "")
        + ".",
        state.quiet,
        state.no_color,
        "green" if not dry_run else "",
    )


@app.command("export", epilog="Example: seolog logs export --period 2026 --output hours-2026.csv")
def export(
    ctx: typer.Context,
    client: FClientOpt = None,
    project: FProjectOpt = None,
    site: FSiteOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    period: PeriodOpt = None,
    output: o.OutputOpt = None,
) -> None:
    """Export entries as CSV (the same columns `logs import` reads)."""
    from seolog.services.logs import list_entries

    state: State = ctx.obj
    rows = list_entries(
        state.app,
        _filter(client=client, project=project, site=site, since=since, until=until, period=period),
    )
    _show_rows(state, rows, LogFormat.csv, output)
