"""`seolog scans …`: the stored scans: list, show, resume, delete."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer

from seolog.cli import options as o
from seolog.cli.delivery import OutputsOpt, ReportFormat, ReportFormatOpt
from seolog.cli.state import State

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
                f"{scan.status} (partial)" if row["partial"] else scan.status,
                scan.pages_crawled,
                scan.score,
                render.when(scan.started_at),
                render.duration((scan.stats or {}).get("elapsed_s")),
            ]
            for (scan, s), row in zip(
                rows, [scans.scan_row(scan, s) for scan, s in rows], strict=True
            )
        ],
        state.no_color,
    )


@app.command(
    "show",
    epilog="Examples: seolog scans show 12 · seolog scans show 12 --code link-broken · "
    "seolog scans show 12 --format json -o scan.json",
)
def show(
    ctx: typer.Context,
    scan_id: IdArg,
    code: Annotated[
        str | None,
        typer.Option("--code", "-c", help="List the findings of this check code, page by page."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="With --code: list at most this many.")
    ] = 50,
    fmt: ReportFormatOpt = ReportFormat.table,
    output: OutputsOpt = None,
) -> None:
    """Show a stored scan: score, issues by severity, top codes and worst pages; or, with --code,
    every finding of one check. Any output format of `seolog scan` works here too."""
    from seolog.api import Seolog
    from seolog.cli import render
    from seolog.cli.delivery import deliver
    from seolog.services import results, scans

    state: State = ctx.obj
    api = Seolog.for_cli(state.app, None, None)
    result = api.load_scan(scan_id)
    if code is not None:
        found = results.findings_of(state.app, scan_id, code, limit)
        if fmt is ReportFormat.json:
            render.emit_json([results.issue_doc(i) for i in found])
            return
        if not found:
            render.note(f"No {code} findings in scan {scan_id}.", state.quiet, state.no_color)
            return
        render.table(
            f"{code}: {len(found)} finding(s)"
            + (" (limit reached)" if len(found) == limit else ""),
            ["URL", "Severity", "Finding"],
            [[i.url, i.severity, i.message] for i in found],
            state.no_color,
        )
        return
    deliver(state, api, result, fmt, output)
    if result.scan.status in scans.RESUMABLE and fmt is ReportFormat.table:
        render.note(
            f"Resume it with: seolog scan --resume {scan_id}", state.quiet, state.no_color, "yellow"
        )


class DiffFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


@app.command(
    "diff",
    epilog="Examples: seolog scans diff 11 12 · seolog scans diff 11 12 --format markdown > pr.md",
)
def diff(
    ctx: typer.Context,
    before: Annotated[int, typer.Argument(help="The earlier scan ID.", show_default=False)],
    after: Annotated[int, typer.Argument(help="The later scan ID.", show_default=False)],
    fmt: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="table, json or markdown.")
    ] = DiffFormat.table,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Compare scans that are not like for like (another site, another scope, a "
            "partial crawl); the output says how they differ and claims no score change.",
        ),
    ] = False,
) -> None:
    """Compare two scans: new, fixed and persisting issues, the score change, pages added and
    removed, and what changed on each page (status, title, description, H1, canonical,
    indexability).

    Only scans of the same scope compare: the same start URL, include/exclude, subdomains,
    depth, robots.txt mode, checks and thresholds, and both crawls complete (not stopped by
    --max-pages or --max-time). An issue counts as fixed only when its URL was fetched again
    and the check ran there; issues on URLs the later scan did not reach are "not rechecked"."""
    from seolog.cli import render
    from seolog.output.markdown import render_diff
    from seolog.services.diff import diff_scans

    state: State = ctx.obj
    result = diff_scans(state.app, before, after, force=force)
    if fmt is DiffFormat.json:
        render.emit_json(result.document())
    elif fmt is DiffFormat.markdown:
        render.emit_text(render_diff(result.document()))
    else:
        render.diff_summary(result, state.no_color)


@app.command("prune", epilog="Example: seolog scans prune --keep 10 --site acme --yes")
def prune(
    ctx: typer.Context,
    keep: Annotated[
        int, typer.Option("--keep", min=1, help="Scans to keep per site, newest first.")
    ],
    site: Annotated[str | None, typer.Option("--site", "-s", help="Only this site.")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would go; delete nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Delete old scans, keeping the newest N of each site (with their pages and issues)."""
    from seolog.cli import render
    from seolog.services import scans

    state: State = ctx.obj
    doomed = scans.prunable(state.app, keep, site)
    if fmt is o.Format.json:
        if not dry_run and doomed and not yes:
            render.confirm_or_abort(f"Delete {len(doomed)} old scan(s) and their pages?")
        if not dry_run and doomed:
            scans.delete_scans(state.app, [scan.id or 0 for scan, _s in doomed])
        listed = [
            {"id": scan.id, "site": s.name, "started_at": _iso(scan.started_at)}
            for scan, s in doomed
        ]
        render.emit_json({"dry_run": dry_run, "would_delete" if dry_run else "deleted": listed})
        return
    if not doomed:
        render.note("Nothing to prune.", state.quiet, state.no_color)
        return
    if dry_run:
        render.table(
            f"Would delete {len(doomed)} scan(s)",
            ["ID", "Site", "Started"],
            [[scan.id, s.name, render.when(scan.started_at)] for scan, s in doomed],
            state.no_color,
        )
        return
    if not yes:
        render.confirm_or_abort(f"Delete {len(doomed)} old scan(s) and their pages?")
    removed = scans.delete_scans(state.app, [scan.id or 0 for scan, _s in doomed])
    render.note(f"Deleted {removed} scan(s).", state.quiet, state.no_color)


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
    from seolog.api import Seolog
    from seolog.cli import render
    from seolog.cli.delivery import deliver

    state: State = ctx.obj
    api = Seolog.for_cli(state.app, state.config, None)
    credentials = o.credentials(header, cookie, auth)
    plan = api.plan(
        resume=scan_id,
        headers=credentials.headers,
        cookies=credentials.cookies,
        auth=credentials.auth,
        gated=False,
    )
    with render.scan_progress(state.quiet, state.no_color, 10**9) as bar:
        result = api.run(plan, bar)
    deliver(state, api, result, ReportFormat(fmt.value), None)


@app.command("delete", epilog="Example: seolog scans delete 12 --yes")
def delete(
    ctx: typer.Context,
    scan_id: IdArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    fmt: o.FormatOpt = o.Format.table,
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
    if fmt is o.Format.json:
        render.emit_json({"deleted": scan_id, "site": result.site.name})
        return
    render.note(f"Deleted scan {scan_id}.", state.quiet, state.no_color, "green")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
