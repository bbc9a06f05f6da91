"""`seolog logs …`: the log of SEO work, with a timer, summaries and CSV in and out."""

from __future__ import annotations

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
        "--billable/--no-billable", help="Bill it (default: billable).", rich_help_panel=ENTRY
    ),
]
RateOpt = Annotated[
    str | None,
    typer.Option("--rate", help="Hourly rate for this entry only.", rich_help_panel=ENTRY),
]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", help="A tag (repeatable).", rich_help_panel=ENTRY)
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
        return
    if not rows:
        render.note(
            'No log entries match. Add one with: seolog logs add "…" --site S --time 1h',
            state.quiet,
            state.no_color,
        )
        return
    render.table(
        None,
        ["ID", "Date", "Time", "Client", "Project / site", "Type", "Description", "Amount"],
        [
            [
                r.entry.id,
                r.entry.day.isoformat(),
                _hm(r.entry.minutes),
                r.client,
                " / ".join(x for x in (r.project, r.site) if x) or None,
                r.entry.work_type,
                r.entry.description,
                f"{r.amount} {r.currency}"
                if r.amount is not None
                else ("-" if r.entry.billable else "not billed"),
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


@app.command(
    "start",
    epilog="Example: seolog logs start 'Fixing redirect chains' --site acme --type technical --fixes redirect-chain",
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
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Start the timer. It keeps running when the terminal closes; `seolog logs stop` logs it."""
    from seolog.cli import render
    from seolog.services.logs import start_timer

    state: State = ctx.obj
    data = _entry_input(
        description=description,
        work_type=work_type or "other",
        **_common(client, project, site, billable, rate, tag, url, fixes),
    )
    timer = start_timer(state.app, data)
    if fmt is o.Format.json:
        render.emit_json(_timer_document(timer, 0))
        return
    render.note(
        f"Timer started at {timer.started_at.astimezone():%H:%M}. Stop it with: seolog logs stop",
        state.quiet,
        state.no_color,
        "green",
    )


@app.command("stop", epilog="Example: seolog logs stop --description 'Fixed 9 redirect chains'")
def stop(
    ctx: typer.Context,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="Replace the description.")
    ] = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Stop the timer and log the time."""
    from seolog.cli import render
    from seolog.services.logs import stop_timer

    state: State = ctx.obj
    entry = stop_timer(state.app, description)
    if fmt is o.Format.json:
        _emit_entry(state, entry.id or 0)
        return
    render.note(
        f"Logged {_hm(entry.minutes)}: {entry.description} (entry {entry.id}).",
        state.quiet,
        state.no_color,
        "green",
    )


@app.command("status", epilog="Example: seolog logs status")
def status(ctx: typer.Context, fmt: o.FormatOpt = o.Format.table) -> None:
    """Is a timer running, since when, for what."""
    from seolog.cli import render
    from seolog.services.logs import timer_status

    state: State = ctx.obj
    found = timer_status(state.app)
    if fmt is o.Format.json:
        render.emit_json(None if found is None else _timer_document(*found))
        return
    if found is None:
        render.out(state.no_color).print("No timer is running.")
        return
    timer, minutes = found
    render.out(state.no_color).print(
        render.cell(
            f"Running for {_hm(minutes)} since {timer.started_at.astimezone():%Y-%m-%d %H:%M}: "
            f"{timer.entry.get('description')}"
        )
    )


def _timer_document(timer: Any, minutes: int) -> dict[str, Any]:
    """The running timer as scripts read it (`logs start`, `logs status --format json`)."""
    return {"started_at": timer.started_at.isoformat(), "minutes": minutes, **timer.entry}


def _emit_entry(state: State, entry_id: int) -> None:
    """One entry as `logs show --format json` prints it, after a command changed it."""
    from seolog.cli import render
    from seolog.services.logs import entry_document, show_entry

    render.emit_json(entry_document(show_entry(state.app, entry_id)))


@app.command("cancel", epilog="Example: seolog logs cancel")
def cancel(ctx: typer.Context) -> None:
    """Drop the running timer without logging it."""
    from seolog.cli import render
    from seolog.services.logs import cancel_timer

    state: State = ctx.obj
    timer = cancel_timer(state.app)
    render.note(
        f"Timer for {timer.entry.get('description')!r} cancelled.", state.quiet, state.no_color
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

    def shown(value: Any) -> Any:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return ", ".join(value) if isinstance(value, list) else value

    render.fields([(k.capitalize(), shown(v)) for k, v in doc.items()], state.no_color)


@app.command("edit", epilog="Example: seolog logs edit 42 --time 2h --type content --no-billable")
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
    url: UrlOpt = None,
    fixes: FixesOpt = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Change an entry; give only what changes (an empty value clears a link, e.g. --project '')."""
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
    epilog="Examples: seolog logs summary --by client --period last-month · seolog logs summary --by week --since 2026-10-01 --format csv",
)
def summary(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option("--by", help="Group by client, project, site, type, week or month.")
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
    fmt: FormatOpt = LogFormat.table,
) -> None:
    """Hours, billable hours and amounts per group, with totals per currency."""
    from seolog.cli import render
    from seolog.services.logs import summarize, summary_row_document

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


@app.command("import", epilog="Example: seolog logs import hours-2026.csv")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(help="A CSV file with the columns of `seolog logs export`.", dir_okay=False),
    ],
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Import entries from CSV: every row, or none if any row is bad (each bad line is named)."""
    from seolog.cli import render
    from seolog.services.logcsv import import_csv

    state: State = ctx.obj
    added = import_csv(state.app, file)
    if fmt is o.Format.json:
        render.emit_json({"imported": added, "file": str(file)})
        return
    render.note(f"Imported {added} entries from {file}.", state.quiet, state.no_color, "green")


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
