"""`seolog schedule …`: scheduled scans in the user's crontab."""

from __future__ import annotations

from typing import Annotated

import typer

from seolog.cli import options as o
from seolog.cli.state import State

app = typer.Typer(
    help="Scan sites on a schedule (cron). Runs are silent unless something regressed.",
    no_args_is_help=True,
)


@app.command(
    "add",
    epilog="Examples: seolog schedule add acme --every weekly --at 06:30 · "
    "seolog schedule add acme --every daily --at 05:00 --print",
)
def add(
    ctx: typer.Context,
    site: Annotated[
        str, typer.Argument(help="A site name from `seolog sites list`.", show_default=False)
    ],
    every: Annotated[
        str,
        typer.Option("--every", help="daily, weekly, biweekly (1st and 15th) or monthly (1st)."),
    ],
    at: Annotated[str, typer.Option("--at", help="Local time, HH:MM.")] = "06:00",
    day: Annotated[
        str | None, typer.Option("--day", help="With weekly: mon…sun (default mon).")
    ] = None,
    print_only: Annotated[
        bool, typer.Option("--print", help="Show the crontab line; change nothing.")
    ] = False,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Schedule a site's scan (replacing its earlier schedule). The run is `seolog scan SITE
    --scheduled`: recorded as scheduled, silent unless it regressed, never two at once.

    The project config in force here (--config, SEOLOG_CONFIG, or seolog.toml found from this
    folder) goes into the crontab line as an absolute --config, so its [scan], [gates] and
    [alerts] apply under cron too."""
    from seolog.cli import render
    from seolog.services.schedule import add_schedule, config_in_force

    state: State = ctx.obj
    config = config_in_force(state.config)
    schedule, replaced = add_schedule(
        state.app, site, every, at, day, install=not print_only, config=config
    )
    if fmt is o.Format.json:
        render.emit_json(
            {
                "site": schedule.site,
                "every": schedule.every,
                "at": schedule.at,
                "day": schedule.day,
                "line": schedule.line,
                "config": str(config) if config else None,
                "installed": not print_only,
                "replaced": replaced,
            }
        )
        return
    if print_only:
        render.emit_text(schedule.line + "\n")
        return
    verb = "Rescheduled" if replaced else "Scheduled"
    render.note(f"{verb} {schedule.site}: {schedule.when}.", state.quiet, state.no_color, "green")
    render.note(
        f"Runs read {config}." if config else "No project config file here: runs use defaults.",
        state.quiet,
        state.no_color,
        "dim",
    )


@app.command("list", epilog="Example: seolog schedule list --format json")
def list_(ctx: typer.Context, fmt: o.FormatOpt = o.Format.table) -> None:
    """List scheduled scans."""
    from seolog.cli import render
    from seolog.services.schedule import list_schedules

    state: State = ctx.obj
    found = list_schedules(state.app)
    if fmt is o.Format.json:
        render.emit_json(
            [
                {"site": s.site, "every": s.every, "at": s.at, "day": s.day, "line": s.line}
                for s in found
            ]
        )
        return
    if not found:
        render.note(
            "Nothing scheduled. Add one with: seolog schedule add SITE --every weekly",
            state.quiet,
            state.no_color,
        )
        return
    render.table(None, ["Site", "When"], [[s.site, s.when] for s in found], state.no_color)


@app.command("remove", epilog="Example: seolog schedule remove acme")
def remove(
    ctx: typer.Context,
    site: Annotated[str, typer.Argument(help="The scheduled site.", show_default=False)],
) -> None:
    """Stop scanning a site on a schedule."""
    from seolog.cli import render
    from seolog.services.schedule import remove_schedule

    state: State = ctx.obj
    schedule = remove_schedule(state.app, site)
    render.note(f"Unscheduled {schedule.site}.", state.quiet, state.no_color)
