"""`seolog sites …`: the websites seolog audits, each with its client."""

from __future__ import annotations

from typing import Annotated

import typer

from seolog.cli import options as o
from seolog.cli.state import State

app = typer.Typer(help="Register and manage the sites you audit.", no_args_is_help=True)

NameArg = Annotated[str, typer.Argument(help="Site name (or numeric id).", show_default=False)]


@app.command(
    "add",
    epilog="Example: seolog sites add https://www.acme.example --name acme --client 'Acme Ltd' --email seo@acme.example",
)
def add(
    ctx: typer.Context,
    url: Annotated[
        str,
        typer.Argument(
            help="The site's address, e.g. https://www.acme.example. Without a scheme "
            "(acme.example, 127.0.0.1:8080) https is used if it answers, else http.",
            show_default=False,
        ),
    ],
    name: Annotated[
        str | None,
        typer.Option("--name", help="Short name to use in commands (default: from the host)."),
    ] = None,
    client: Annotated[str | None, typer.Option("--client", help="Client (company) name.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Client contact e-mail.")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Free-text notes.")] = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Register a site so it can be scanned and reported on by name."""
    from seolog.cli import render
    from seolog.services.sites import SiteInput, add_site, site_document

    state: State = ctx.obj
    said: list[str] = []
    site = add_site(
        state.app, SiteInput(url=url, name=name, client=client, email=email, notes=notes), said
    )
    for line in said:
        render.note(f"note: {line}", state.quiet, state.no_color, "yellow")
    if fmt is o.Format.json:
        render.emit_json(site_document(site))
        return
    render.note(
        f"Added site {site.name} ({site.root_url}). Scan it with: seolog scan {site.name}",
        state.quiet,
        state.no_color,
        "green",
    )


@app.command("list", epilog="Example: seolog sites list --format json")
def list_(
    ctx: typer.Context,
    active_only: Annotated[bool, typer.Option("--active", help="Only active sites.")] = False,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """List registered sites with their client and last scan."""
    from seolog.cli import render
    from seolog.services.sites import list_sites, site_document

    state: State = ctx.obj
    rows = list_sites(state.app, include_inactive=not active_only)
    if fmt is o.Format.json:
        render.emit_json([site_document(s, st) for s, st in rows])
        return
    if not rows:
        render.note(
            "No sites yet. Add one with: seolog sites add https://www.example.com",
            state.quiet,
            state.no_color,
        )
        return
    render.table(
        None,
        ["Name", "URL", "Client", "E-mail", "Active", "Scans", "Last scan"],
        [
            [
                s.name,
                s.root_url,
                s.client_name,
                s.client_email,
                "yes" if s.active else "no",
                st.scans,
                render.when(st.last_scan_at),
            ]
            for s, st in rows
        ],
        state.no_color,
    )


@app.command("show", epilog="Example: seolog sites show acme")
def show(ctx: typer.Context, name: NameArg, fmt: o.FormatOpt = o.Format.table) -> None:
    """Show one site's details."""
    from seolog.cli import render
    from seolog.services.sites import show_site, site_document

    state: State = ctx.obj
    site, stats = show_site(state.app, name)
    if fmt is o.Format.json:
        render.emit_json(site_document(site, stats))
        return
    render.fields(
        [
            ("Name", site.name),
            ("URL", site.root_url),
            ("Client", site.client_name),
            ("E-mail", site.client_email),
            ("Notes", site.notes),
            ("Active", "yes" if site.active else "no"),
            ("Scans", stats.scans),
            ("Last scan", render.when(stats.last_scan_at)),
            ("Added", render.when(site.created_at)),
            ("Updated", render.when(site.updated_at)),
        ],
        state.no_color,
    )


@app.command(
    "edit", epilog="Example: seolog sites edit acme --client 'Acme Group' --email web@acme.example"
)
def edit(
    ctx: typer.Context,
    name: NameArg,
    new_name: Annotated[str | None, typer.Option("--name", help="Rename the site.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="Change the root URL.")] = None,
    client: Annotated[
        str | None, typer.Option("--client", help="Client name ('' clears it).")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Client e-mail ('' clears it).")
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Notes ('' clears them).")] = None,
    active: Annotated[
        bool | None,
        typer.Option("--active/--inactive", help="Mark active or inactive.", show_default=False),
    ] = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Change a site's name, URL, client details or active flag."""
    from seolog.cli import render
    from seolog.services.sites import SiteInput, edit_site, site_document

    state: State = ctx.obj
    said: list[str] = []
    site = edit_site(
        state.app,
        name,
        SiteInput(url=url, name=new_name, client=client, email=email, notes=notes, active=active),
        said,
    )
    for line in said:
        render.note(f"note: {line}", state.quiet, state.no_color, "yellow")
    if fmt is o.Format.json:
        render.emit_json(site_document(site))
        return
    render.note(f"Updated site {site.name}.", state.quiet, state.no_color, "green")


@app.command("remove", epilog="Example: seolog sites remove acme --yes")
def remove(
    ctx: typer.Context,
    name: NameArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a site together with all its scans."""
    from seolog.cli import render
    from seolog.services.sites import remove_site, show_site

    state: State = ctx.obj
    site, stats = show_site(state.app, name)
    if not yes:
        render.confirm_or_abort(
            f"Remove site {site.name} ({site.root_url}) and its {stats.scans} scan(s)?"
        )
    remove_site(state.app, name)
    render.note(
        f"Removed site {site.name} and {stats.scans} scan(s).", state.quiet, state.no_color, "green"
    )
