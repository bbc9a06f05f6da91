"""`seolog clients …` and `seolog projects …`: who the work is for."""

from __future__ import annotations

from typing import Annotated

import typer

from seolog.cli import options as o
from seolog.cli.state import State

app = typer.Typer(help="The clients you work for, with their hourly rate.", no_args_is_help=True)
projects_app = typer.Typer(
    help="Projects of a client (a site may belong to one).", no_args_is_help=True
)

ClientArg = Annotated[str, typer.Argument(help="Client name (or numeric id).", show_default=False)]
ProjectArg = Annotated[
    str, typer.Argument(help="Project name (or numeric id).", show_default=False)
]
EmailOpt = Annotated[str | None, typer.Option("--email", help="Contact e-mail.")]
WebsiteOpt = Annotated[str | None, typer.Option("--website", help="The client's website.")]
RateOpt = Annotated[str | None, typer.Option("--rate", help="Hourly rate, e.g. 95 or 87.50.")]
VatOpt = Annotated[
    str | None, typer.Option("--vat", help="VAT percentage on its invoices, e.g. 21 (or 0).")
]
AddressOpt = Annotated[
    str | None, typer.Option("--address", help="Postal address for invoices (use \\n for lines).")
]
CurrencyOpt = Annotated[str | None, typer.Option("--currency", help="ISO 4217 code (default EUR).")]
NotesOpt = Annotated[str | None, typer.Option("--notes", help="Free-text notes.")]
SitesOpt = Annotated[
    list[str] | None,
    typer.Option("--site", help="Link a registered site to the client (repeatable)."),
]
OwnerOpt = Annotated[
    str | None, typer.Option("--client", help="The client the project belongs to.")
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
CascadeOpt = Annotated[
    bool, typer.Option("--cascade", help="Also delete its log entries (and projects).")
]


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.2f}"


def _lines(text: str | None) -> str | None:
    """An address typed on one line: `\\n` (a backslash and n) starts a new line."""
    return text.replace("\\n", "\n") if text is not None else None


@app.command(
    "add", epilog="Example: seolog clients add 'Acme Ltd' --rate 95 --currency EUR --site acme"
)
def add(
    ctx: typer.Context,
    name: ClientArg,
    email: EmailOpt = None,
    website: WebsiteOpt = None,
    rate: RateOpt = None,
    currency: CurrencyOpt = None,
    notes: NotesOpt = None,
    site: SitesOpt = None,
    vat: VatOpt = None,
    address: AddressOpt = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Add a client. Log entries for it are priced at its hourly rate.

    This first rate applies to entries of any date; later changes apply from a date
    (`clients edit --rate --from`)."""
    from seolog.cli import render
    from seolog.services.clients import ClientInput, add_client, client_document
    from seolog.worklog.money import parse_rate

    state: State = ctx.obj
    data = ClientInput(
        name, email, website, rate, currency, notes, site, vat=vat, address=_lines(address)
    )
    client = add_client(state.app, data)
    if fmt is o.Format.json:
        render.emit_json(client_document(client, parse_rate(rate) if rate else None))
        return
    render.note(f"Added client {client.name}.", state.quiet, state.no_color, "green")


@app.command("list", epilog="Example: seolog clients list --format json")
def list_(ctx: typer.Context, fmt: o.FormatOpt = o.Format.table) -> None:
    """List clients with their rate, projects and hours logged."""
    from seolog.cli import render
    from seolog.services.clients import client_document, list_clients

    state: State = ctx.obj
    rows = list_clients(state.app)
    if fmt is o.Format.json:
        render.emit_json(
            [
                {
                    **client_document(r.client, r.rate),
                    "projects": r.projects,
                    "hours": round(r.minutes / 60, 2),
                }
                for r in rows
            ]
        )
        return
    if not rows:
        render.note(
            "No clients yet. Add one with: seolog clients add 'Acme Ltd' --rate 95",
            state.quiet,
            state.no_color,
        )
        return
    render.table(
        None,
        ["ID", "Client", "Rate", "E-mail", "Projects", "Hours"],
        [
            [
                r.client.id,
                r.client.name,
                f"{r.rate} {r.client.currency}" if r.rate is not None else None,
                r.client.email,
                r.projects,
                _hours(r.minutes),
            ]
            for r in rows
        ],
        state.no_color,
    )


def _history(rates: list[dict[str, object]]) -> str | None:
    """One line per rate: from when, how much, for what."""
    lines = []
    for r in rates:
        start = "always" if r["from"] == "1900-01-01" else f"from {r['from']}"
        scope = " ".join(
            x
            for x in (
                f"project {r['project']}" if r["project"] else "",
                f"for {r['author']}" if r["author"] else "",
            )
            if x
        )
        amount = f"{r['rate']} {r['currency']}" if r["rate"] is not None else "no rate"
        lines.append(f"{start}: {amount}" + (f" ({scope})" if scope else ""))
    return "\n".join(lines) or None


@app.command("show", epilog="Example: seolog clients show 'Acme Ltd'")
def show(ctx: typer.Context, name: ClientArg, fmt: o.FormatOpt = o.Format.table) -> None:
    """Show a client with its projects, sites and hours logged."""
    from seolog.cli import render
    from seolog.services.clients import client_document, show_client

    state: State = ctx.obj
    d = show_client(state.app, name)
    if fmt is o.Format.json:
        render.emit_json(
            {
                **client_document(d.client, d.rate),
                "rates": d.rates,
                "projects": [p.name for p in d.projects],
                "sites": [s.name for s in d.sites],
                "entries": d.entries,
                "hours": round(d.minutes / 60, 2),
            }
        )
        return
    c = d.client
    render.fields(
        [
            ("Client", c.name),
            ("ID", c.id),
            ("Rate", f"{d.rate} {c.currency} an hour" if d.rate is not None else None),
            ("Rate history", _history(d.rates)),
            ("VAT", f"{c.vat_rate}%" if c.vat_rate is not None else None),
            ("Address", c.address),
            ("E-mail", c.email),
            ("Website", c.website),
            ("Sites", ", ".join(s.name for s in d.sites)),
            ("Projects", ", ".join(p.name for p in d.projects)),
            ("Logged", f"{d.entries} entries, {_hours(d.minutes)} hours"),
            ("Notes", c.notes),
        ],
        state.no_color,
    )


@app.command(
    "edit",
    epilog="Examples: seolog clients edit 'Acme Ltd' --rate 110 --from 2026-12-01 · "
    "seolog clients edit 'Acme Ltd' --rate 130 --project 'Site migration' · "
    "seolog clients edit 'Acme Ltd' --vat 21 --site acme-shop",
)
def edit(
    ctx: typer.Context,
    name: ClientArg,
    new_name: Annotated[str | None, typer.Option("--name", help="Rename the client.")] = None,
    email: EmailOpt = None,
    website: WebsiteOpt = None,
    rate: Annotated[
        str | None,
        typer.Option(
            "--rate",
            help="New hourly rate, from --from on: earlier entries keep theirs, invoiced ones always.",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="The day the new rate (or currency) applies from (default today; a first rate: "
            "always).",
        ),
    ] = None,
    rate_project: Annotated[
        str | None, typer.Option("--project", help="The rate is for this project only.")
    ] = None,
    rate_author: Annotated[
        str | None, typer.Option("--author", help="The rate is for this consultant only.")
    ] = None,
    currency: CurrencyOpt = None,
    notes: NotesOpt = None,
    site: SitesOpt = None,
    vat: VatOpt = None,
    address: AddressOpt = None,
) -> None:
    """Change a client's details; an empty value clears one (--email '').

    A rate change applies from a date and never re-prices earlier entries; `clients show` lists
    the history."""
    from seolog.cli import render
    from seolog.services.clients import ClientInput, edit_client

    state: State = ctx.obj
    client, change = edit_client(
        state.app,
        name,
        ClientInput(
            new_name,
            email,
            website,
            rate,
            currency,
            notes,
            site,
            vat=vat,
            address=_lines(address),
            rate_from=since,
            rate_project=rate_project,
            rate_author=rate_author,
        ),
    )
    render.note(f"Updated client {client.name}.", state.quiet, state.no_color, "green")
    if change is not None:
        r = change.rate
        start = "always" if str(r.effective_from) == "1900-01-01" else f"from {r.effective_from}"
        amount = f"{r.rate} {r.currency}" if r.rate is not None else "no rate"
        kept = f"; {change.invoiced} invoiced entries keep theirs" if change.invoiced else ""
        render.note(
            f"Rate {amount} {start}: {change.repriced} entries re-priced{kept}.",
            state.quiet,
            state.no_color,
        )


@app.command("remove", epilog="Example: seolog clients remove 'Old Client' --cascade --yes")
def remove(
    ctx: typer.Context, name: ClientArg, cascade: CascadeOpt = False, yes: YesOpt = False
) -> None:
    """Remove a client. Refused while it has log entries, unless --cascade."""
    from seolog.cli import render
    from seolog.services.clients import remove_client

    state: State = ctx.obj
    if not yes:
        what = "and all its projects and log entries" if cascade else ""
        render.confirm_or_abort(f"Remove client {name} {what}?")
    client, removed = remove_client(state.app, name, cascade)
    render.note(
        f"Removed client {client.name}" + (f" and {removed} log entries." if removed else "."),
        state.quiet,
        state.no_color,
    )


# --- projects ----------------------------------------------------------------------------------


@projects_app.command(
    "add", epilog="Example: seolog projects add 'Site migration' --client 'Acme Ltd' --site acme"
)
def project_add(
    ctx: typer.Context,
    name: ProjectArg,
    client: OwnerOpt = None,
    site: Annotated[
        str | None, typer.Option("--site", help="The site the project is about.")
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="What the project is.")
    ] = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Add a project to a client."""
    from seolog.cli import render
    from seolog.services.clients import ProjectInput, add_project

    state: State = ctx.obj
    project = add_project(state.app, ProjectInput(name, client, site, description))
    if fmt is o.Format.json:
        render.emit_json({"id": project.id, "name": project.name, "client_id": project.client_id})
        return
    render.note(
        f"Added project {project.name} (ID {project.id}).", state.quiet, state.no_color, "green"
    )


@projects_app.command("list", epilog="Example: seolog projects list --client 'Acme Ltd'")
def project_list(
    ctx: typer.Context,
    client: OwnerOpt = None,
    active_only: Annotated[bool, typer.Option("--active", help="Only active projects.")] = False,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """List projects with their client and site."""
    from seolog.cli import render
    from seolog.services.clients import list_projects

    state: State = ctx.obj
    rows = list_projects(state.app, client, include_inactive=not active_only)
    if fmt is o.Format.json:
        render.emit_json(
            [
                {
                    "id": p.id,
                    "name": p.name,
                    "client": c,
                    "site": s,
                    "active": p.active,
                    "description": p.description,
                }
                for p, c, s in rows
            ]
        )
        return
    if not rows:
        render.note(
            "No projects yet. Add one with: seolog projects add NAME --client C",
            state.quiet,
            state.no_color,
        )
        return
    render.table(
        None,
        ["ID", "Project", "Client", "Site", "Active"],
        [[p.id, p.name, c, s, "yes" if p.active else "no"] for p, c, s in rows],
        state.no_color,
    )


@projects_app.command("show", epilog="Example: seolog projects show 'Site migration'")
def project_show(
    ctx: typer.Context, name: ProjectArg, client: OwnerOpt = None, fmt: o.FormatOpt = o.Format.table
) -> None:
    """Show a project and the time logged on it."""
    from seolog.cli import render
    from seolog.services.clients import show_project

    state: State = ctx.obj
    p, owner, entries, minutes = show_project(state.app, name, client)
    doc = {
        "id": p.id,
        "name": p.name,
        "client": owner,
        "description": p.description,
        "active": p.active,
        "entries": entries,
        "hours": round(minutes / 60, 2),
    }
    if fmt is o.Format.json:
        render.emit_json(doc)
        return
    render.fields([(k.capitalize(), v) for k, v in doc.items()], state.no_color)


@projects_app.command("edit", epilog="Example: seolog projects edit 'Site migration' --inactive")
def project_edit(
    ctx: typer.Context,
    name: ProjectArg,
    client: OwnerOpt = None,
    new_name: Annotated[str | None, typer.Option("--name", help="Rename the project.")] = None,
    site: Annotated[str | None, typer.Option("--site", help="Link a site ('' to unlink).")] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="What the project is.")
    ] = None,
    active: Annotated[
        bool | None, typer.Option("--active/--inactive", help="Mark it (in)active.")
    ] = None,
) -> None:
    """Change a project."""
    from seolog.cli import render
    from seolog.services.clients import ProjectInput, edit_project

    state: State = ctx.obj
    project = edit_project(
        state.app, name, ProjectInput(new_name, None, site, description, active), client
    )
    render.note(f"Updated project {project.name}.", state.quiet, state.no_color, "green")


@projects_app.command("remove", epilog="Example: seolog projects remove 'Old work' --cascade --yes")
def project_remove(
    ctx: typer.Context,
    name: ProjectArg,
    client: OwnerOpt = None,
    cascade: CascadeOpt = False,
    yes: YesOpt = False,
) -> None:
    """Remove a project. Refused while it has log entries, unless --cascade."""
    from seolog.cli import render
    from seolog.services.clients import remove_project

    state: State = ctx.obj
    if not yes:
        render.confirm_or_abort(
            f"Remove project {name}{' and its log entries' if cascade else ''}?"
        )
    project, removed = remove_project(state.app, name, cascade, client)
    render.note(
        f"Removed project {project.name}" + (f" and {removed} log entries." if removed else "."),
        state.quiet,
        state.no_color,
    )
