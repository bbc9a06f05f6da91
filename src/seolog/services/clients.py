"""Clients and their projects: who the work is for, at what rate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from seolog.context import AppContext
from seolog.errors import NotFoundError, UsageError
from seolog.ids import numeric_id
from seolog.services.rates import RateChange
from seolog.services.sites import check_email, get_site, parse_url
from seolog.storage import repo
from seolog.storage import worklog as store
from seolog.storage.db import session_scope
from seolog.storage.models import Client, Project, Site, utcnow
from seolog.suggest import closest
from seolog.worklog.money import check_currency, parse_rate
from seolog.worklog.parse import parse_date

# A client's first rate applies from the beginning: entries logged before it was set (or dated
# back) are priced by it. Later changes apply from --from (default today).
BEGINNING = date(1900, 1, 1)


def get_client(session: Session, ident: str) -> Client:
    client = store.client_by_name(session, ident)
    number = numeric_id(ident) if client is None else None
    if number is not None:
        client = store.client_by_id(session, number)
    if client is None:
        match = closest(ident, (c.name for c in store.list_clients(session)))
        raise NotFoundError(
            f"no client named {ident!r}",
            hint=f"did you mean {match!r}? see `seolog clients list`"
            if match
            else "see `seolog clients list`, or add it with `seolog clients add NAME`",
        )
    return client


def get_project(session: Session, ident: str, client: Client | None = None) -> Project:
    number = numeric_id(ident)
    if number is not None:
        found = store.project_by_id(session, number)
        if found is not None:
            return found
    projects = store.projects_named(session, ident)
    if client is not None:
        projects = [p for p in projects if p.client_id == client.id]
    if not projects:
        mine = store.list_projects(session, client.id if client else None)
        match = closest(ident, (p.name for p in mine))
        raise NotFoundError(
            f"no project named {ident!r}" + (f" for {client.name}" if client else ""),
            hint=f"did you mean {match!r}? see `seolog projects list`"
            if match
            else "see `seolog projects list`, or add it with `seolog projects add NAME --client C`",
        )
    if len(projects) > 1:
        raise UsageError(
            f"several clients have a project named {ident!r}",
            hint="say which with --client, or use the project's ID from `seolog projects list`",
        )
    return projects[0]


def _check_name(name: str, what: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise UsageError(f"a {what} name must be 1-200 characters", hint='e.g. "Acme Ltd"')
    if name.isdigit():
        raise UsageError(f"a {what} name cannot be only digits", hint="digits alone mean an ID")
    return name


def _commit(session: Session, row: Any, what: str) -> Any:
    try:
        return repo.add(session, row)
    except IntegrityError as e:
        session.rollback()
        raise UsageError(
            f"a {what} named {row.name!r} already exists", hint="pick another name"
        ) from e


# --- clients -----------------------------------------------------------------------------------


@dataclass
class ClientInput:
    name: str | None = None
    email: str | None = None
    website: str | None = None
    rate: str | None = None
    currency: str | None = None
    notes: str | None = None
    sites: list[str] | None = None  # site names to link to this client
    vat: str | None = None  # percent, e.g. 21
    address: str | None = None
    rate_from: str | None = None  # the day a new rate applies from
    rate_project: str | None = None  # the rate is for this project only
    rate_author: str | None = None  # … for this consultant only


def parse_vat(text: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip().rstrip("%").strip().replace(",", "."))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not 0 <= value < 100:
        raise UsageError(
            f"cannot read the VAT rate {text!r}",
            hint="give a percentage from 0 to 99, e.g. --vat 21",
        )
    return value.quantize(Decimal("0.01"))


def _apply_client(session: Session, client: Client, data: ClientInput) -> None:
    if data.name is not None:
        client.name = _check_name(data.name, "client")
    if data.email is not None:
        client.email = check_email(data.email)
    if data.website is not None:
        client.website = parse_url(data.website, "--website") if data.website else None
    if data.currency is not None:
        client.currency = check_currency(data.currency)
    if data.notes is not None:
        client.notes = data.notes or None
    if data.vat is not None:
        client.vat_rate = parse_vat(data.vat)
    if data.address is not None:
        client.address = data.address.strip() or None


def _rate_change(
    ctx: AppContext, session: Session, client: Client, data: ClientInput, was: str
) -> RateChange | None:
    """Record the rate (or the currency) given, from its day on: --from, else today once the
    client (in that scope) has a rate, else from the beginning."""
    from seolog.services.logs import today
    from seolog.services.rates import current_rate, set_rate

    now = today(ctx)
    if data.rate is None and (data.currency is None or client.currency == was):
        if data.rate_from or data.rate_project or data.rate_author:
            raise UsageError(
                "--from, --project and --author say which rate: give --rate too",
                hint="e.g. seolog clients edit ACME --rate 110 --from 2026-12-01",
            )
        return None
    project = get_project(session, data.rate_project, client) if data.rate_project else None
    author = " ".join(data.rate_author.split()) if data.rate_author else None
    rates = [
        r
        for r in store.rates_of(session, client.id or 0)
        if r.project_id == (project.id if project else None) and r.author == author
    ]
    if data.rate is not None:
        rate = parse_rate(data.rate) if data.rate else None
    else:  # a new currency alone: 95 EUR is not 95 USD
        if current_rate(session, client, now).rate is None:
            return None
        raise UsageError(
            f"{client.name} has a rate in {was}: give the rate in {client.currency} too",
            hint=f"e.g. seolog clients edit {client.name!r} --currency {client.currency} "
            "--rate 110 --from 2027-01-01",
        )
    since = parse_date(data.rate_from, now) if data.rate_from else (now if rates else BEGINNING)
    return set_rate(
        session, client, rate, client.currency, since, project.id if project else None, author
    )


def _link_sites(session: Session, client: Client, site_names: list[str] | None) -> None:
    for name in site_names or []:
        site = get_site(session, name)
        site.client_id = client.id
        site.client_name = client.name
        site.updated_at = utcnow()


def add_client(ctx: AppContext, data: ClientInput) -> Client:
    with session_scope(ctx.engine) as session:
        name = _check_name(data.name or "", "client")
        if store.client_by_name(session, name) is not None:
            raise UsageError(f"a client named {name!r} already exists", hint="pick another name")
        client = Client(name=name)
        _apply_client(session, client, data)
        client = _commit(session, client, "client")
        _rate_change(ctx, session, client, data, client.currency)
        _link_sites(session, client, data.sites)
        return client


@dataclass
class ClientRow:
    client: Client
    rate: Decimal | None  # the client-wide rate in force today
    projects: int
    minutes: int


def list_clients(ctx: AppContext) -> list[ClientRow]:
    """Clients with today's rate and their number of projects and of logged minutes."""
    from seolog.services.logs import today
    from seolog.services.rates import current_rate

    now = today(ctx)
    with session_scope(ctx.engine) as session:
        rows = []
        for client in store.list_clients(session):
            projects = len(store.list_projects(session, client.id))
            minutes = sum(
                e.minutes for e in store.entries(session, store.EntryFilter(client_id=client.id))
            )
            rate = current_rate(session, client, now).rate
            rows.append(ClientRow(client, rate, projects, minutes))
        return rows


@dataclass
class ClientDetail:
    client: Client
    rate: Decimal | None
    projects: list[Project]
    sites: list[Site]
    entries: int
    minutes: int
    rates: list[dict[str, Any]] = field(default_factory=list)  # the history, oldest first


def show_client(ctx: AppContext, ident: str) -> ClientDetail:
    from seolog.services.logs import today
    from seolog.services.rates import current_rate, rate_document

    with session_scope(ctx.engine) as session:
        client = get_client(session, ident)
        found = store.entries(session, store.EntryFilter(client_id=client.id))
        projects = store.list_projects(session, client.id)
        names = {p.id or 0: p.name for p in projects}
        return ClientDetail(
            client,
            current_rate(session, client, today(ctx)).rate,
            projects,
            store.sites_of_client(session, client.id or 0),
            len(found),
            sum(e.minutes for e in found),
            [rate_document(r, names) for r in store.rates_of(session, client.id or 0)],
        )


def edit_client(ctx: AppContext, ident: str, data: ClientInput) -> tuple[Client, RateChange | None]:
    with session_scope(ctx.engine) as session:
        client = get_client(session, ident)
        if data.name is not None:
            other = store.client_by_name(session, data.name)
            if other is not None and other.id != client.id:
                raise UsageError(
                    f"a client named {data.name!r} already exists", hint="pick another name"
                )
        was = client.currency
        _apply_client(session, client, data)
        client.updated_at = utcnow()
        _link_sites(session, client, data.sites)
        change = _rate_change(ctx, session, client, data, was)
        return _commit(session, client, "client"), change


def remove_client(ctx: AppContext, ident: str, cascade: bool = False) -> tuple[Client, int]:
    """Remove a client; with `cascade` its projects and log entries go too. Returns the number of
    entries removed. Linked sites stay, unlinked."""
    with session_scope(ctx.engine) as session:
        client = get_client(session, ident)
        billed = store.invoices(session, client.id)
        if billed:
            raise UsageError(
                f"{client.name} has {len(billed)} invoice(s) ({billed[-1].number} the latest): "
                "the record of what was billed stays",
                hint="keep the client; its invoices, voided ones too, keep their numbers",
            )
        found = store.entries(session, store.EntryFilter(client_id=client.id))
        if found and not cascade:
            raise UsageError(
                f"{client.name} has {len(found)} log entries",
                hint="pass --cascade to delete them with the client, or move them first",
            )
        for entry in found:
            session.delete(entry)
        for project in store.list_projects(session, client.id):
            for entry in store.entries(session, store.EntryFilter(project_id=project.id)):
                session.delete(entry)
            session.delete(project)
        for site in store.sites_of_client(session, client.id or 0):
            site.client_id = None
        session.delete(client)
        return client, len(found)


def client_document(client: Client, rate: Decimal | None) -> dict[str, Any]:
    """`rate`: the client-wide rate in force today (`hourly_rate`, as before rates had dates)."""
    return {
        "id": client.id,
        "name": client.name,
        "email": client.email,
        "website": client.website,
        "hourly_rate": str(rate) if rate is not None else None,
        "currency": client.currency,
        "vat_rate": str(client.vat_rate) if client.vat_rate is not None else None,
        "address": client.address,
        "notes": client.notes,
    }


# --- projects ----------------------------------------------------------------------------------


@dataclass
class ProjectInput:
    name: str | None = None
    client: str | None = None
    site: str | None = None
    description: str | None = None
    active: bool | None = None


def add_project(ctx: AppContext, data: ProjectInput) -> Project:
    with session_scope(ctx.engine) as session:
        if not data.client:
            raise UsageError("a project belongs to a client", hint="pass --client NAME")
        client = get_client(session, data.client)
        project = Project(client_id=client.id or 0, name=_check_name(data.name or "", "project"))
        _apply_project(session, project, data)
        if any(
            p.name.lower() == project.name.lower() for p in store.list_projects(session, client.id)
        ):
            raise UsageError(
                f"{client.name} already has a project named {project.name!r}",
                hint="pick another name",
            )
        return _commit(session, project, "project")


def _apply_project(session: Session, project: Project, data: ProjectInput) -> None:
    if data.site is not None:
        site = get_site(session, data.site) if data.site else None
        if site is not None and site.client_id not in (None, project.client_id):
            owner = store.client_by_id(session, site.client_id or 0)
            raise UsageError(
                f"site {site.name!r} belongs to {owner.name if owner else 'another client'}",
                hint="pick a site of the project's client, or link it to that client first",
            )
        project.site_id = site.id if site else None
    if data.description is not None:
        project.description = data.description or None
    if data.active is not None:
        project.active = data.active


def list_projects(
    ctx: AppContext, client: str | None = None, include_inactive: bool = True
) -> list[tuple[Project, str, str | None]]:
    """(project, client name, site name)."""
    with session_scope(ctx.engine) as session:
        client_id = get_client(session, client).id if client else None
        projects = [
            p for p in store.list_projects(session, client_id) if include_inactive or p.active
        ]
        clients = store.names(session, Client, {p.client_id for p in projects})
        sites = store.names(session, Site, {p.site_id for p in projects if p.site_id})
        return [(p, clients[p.client_id], sites.get(p.site_id or 0)) for p in projects]


def show_project(
    ctx: AppContext, ident: str, client: str | None = None
) -> tuple[Project, str, int, int]:
    """(project, client name, entries, minutes)."""
    with session_scope(ctx.engine) as session:
        owner = get_client(session, client) if client else None
        project = get_project(session, ident, owner)
        found = store.entries(session, store.EntryFilter(project_id=project.id))
        name = store.names(session, Client, {project.client_id})[project.client_id]
        return project, name, len(found), sum(e.minutes for e in found)


def edit_project(
    ctx: AppContext, ident: str, data: ProjectInput, client: str | None = None
) -> Project:
    with session_scope(ctx.engine) as session:
        owner = get_client(session, client) if client else None
        project = get_project(session, ident, owner)
        if data.name is not None:
            project.name = _check_name(data.name, "project")
        _apply_project(session, project, data)
        project.updated_at = utcnow()
        return _commit(session, project, "project")


def remove_project(
    ctx: AppContext, ident: str, cascade: bool = False, client: str | None = None
) -> tuple[Project, int]:
    with session_scope(ctx.engine) as session:
        owner = get_client(session, client) if client else None
        project = get_project(session, ident, owner)
        found = store.entries(session, store.EntryFilter(project_id=project.id))
        billed = [e for e in found if e.invoice_id is not None]
        if billed:
            raise UsageError(
                f"project {project.name!r} has {len(billed)} invoiced log entries",
                hint="keep the project (`seolog projects edit NAME --inactive`), or void the "
                "invoices first",
            )
        if found and not cascade:
            raise UsageError(
                f"project {project.name!r} has {len(found)} log entries",
                hint="pass --cascade to delete them with the project",
            )
        for entry in found:
            session.delete(entry)
        session.delete(project)
        return project, len(found)
