"""`seolog scans …`: the stored scans: list, show, resume, delete."""

from __future__ import annotations

from typing import Annotated

import typer

from seolog.cli import options as o
from seolog.cli.app import State

app = typer.Typer(help="Look at, resume and delete stored scans.", no_args_is_help=True)

IdArg = Annotated[
    int, typer.Argument(help="Scan ID (see `seolog scans list`).", show_default=False)
]


@app.command("list", epilog="Example: seolog scans list --site acme --limit 5")
def list_(
    ctx: typer.Context,
    site: Annotated[
        str | None, typer.Option("--site", "-s", help="Only scans of this site.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="Show at most this many, newest first.")
    ] = 20,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """List scans, newest first."""
    from seolog.cli import render
    from seolog.services import scans

    state: State = ctx.obj
    rows = scans.list_scans(state.app, site, limit)
    if fmt is o.Format.json:
        render.emit_json([scans.scan_row(scan, s) for scan, s in rows])
        return
    if not rows:
        render.note(
            "No scans yet. Run one with: seolog scan https://www.example.com",
            state.quiet,
            state.no_color,
        )
        return
    render.table(
        None,
        ["ID", "Site", "Start URL", "Type", "Status", "Pages", "Score", "Started", "Took"],
        [
            [
                scan.id,
                s.name,
                scan.start_url,
                scan.scan_type,
                scan.status,
                scan.pages_crawled,
                scan.score,
                render.when(scan.started_at),
                render.duration((scan.stats or {}).get("elapsed_s")),
            ]
            for scan, s in rows
        ],
        state.no_color,
    )


@app.command("show", epilog="Example: seolog scans show 12 --format json")
def show(
    ctx: typer.Context,
    scan_id: IdArg,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="List at most this many problem pages.")
    ] = 20,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Show a scan's summary and the pages that failed or answered with an error."""
    from seolog.cli import render
    from seolog.services import scans

    state: State = ctx.obj
    result = scans.get_scan(state.app, scan_id)
    problems = scans.problem_pages(state.app, scan_id, limit) if limit else []
    if fmt is o.Format.json:
        doc = scans.scan_document(result)
        doc["problem_pages"] = [scans.page_row(p) for p in problems]
        render.emit_json(doc)
        return
    render.scan_summary(result, state.no_color)
    if problems:
        render.table(
            "Pages with problems",
            ["URL", "Status", "Error", "Found via"],
            [[p.url, p.status_code, p.error_message, p.found_via] for p in problems],
            state.no_color,
        )
    if result.scan.status in scans.RESUMABLE:
        render.note(
            f"Resume it with: seolog scan --resume {scan_id}", state.quiet, state.no_color, "yellow"
        )


@app.command("resume", epilog="Example: seolog scans resume 12")
def resume(
    ctx: typer.Context,
    scan_id: IdArg,
    header: o.HeaderOpt = None,
    cookie: o.CookieOpt = None,
    auth: o.AuthOpt = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Finish an interrupted scan (the same as `seolog scan --resume ID`).

    Secrets are never stored: pass --auth, --header and --cookie again if the scan used them.
    """
    from seolog.cli import render
    from seolog.services import scans

    state: State = ctx.obj
    with render.scan_progress(state.quiet, state.no_color, 10**9) as bar:
        result = scans.resume_scan(state.app, scan_id, o.secrets(header, cookie, auth), bar)
    if fmt is o.Format.json:
        render.emit_json(scans.scan_document(result))
    elif not state.quiet:
        render.scan_summary(result, state.no_color)


@app.command("delete", epilog="Example: seolog scans delete 12 --yes")
def delete(
    ctx: typer.Context,
    scan_id: IdArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a scan and its pages."""
    from seolog.cli import render
    from seolog.services import scans

    state: State = ctx.obj
    result = scans.get_scan(state.app, scan_id)
    if not yes:
        render.confirm_or_abort(
            f"Delete scan {scan_id} of {result.site.name} ({result.scan.pages_crawled} pages)?"
        )
    scans.delete_scan(state.app, scan_id)
    render.note(f"Deleted scan {scan_id}.", state.quiet, state.no_color, "green")
