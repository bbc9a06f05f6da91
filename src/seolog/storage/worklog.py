"""Queries of the work log: clients, projects, log entries and the running timer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from seolog.ids import storable_id
from seolog.storage.models import Client, Invoice, LogEntry, Project, Rate, Site, Timer


def client_by_name(session: Session, name: str) -> Client | None:
    return session.execute(
        select(Client).where(func.lower(Client.name) == " ".join(name.split()).lower())
    ).scalar_one_or_none()


def client_by_id(session: Session, client_id: int) -> Client | None:
    return session.get(Client, client_id) if storable_id(client_id) else None


def list_clients(session: Session) -> list[Client]:
    return list(session.execute(select(Client).order_by(func.lower(Client.name))).scalars())


def projects_named(session: Session, name: str) -> list[Project]:
    stmt = select(Project).where(func.lower(Project.name) == " ".join(name.split()).lower())
    return list(session.execute(stmt).scalars())


def project_by_id(session: Session, project_id: int) -> Project | None:
    return session.get(Project, project_id) if storable_id(project_id) else None


def list_projects(session: Session, client_id: int | None = None) -> list[Project]:
    stmt = select(Project).order_by(Project.client_id, func.lower(Project.name))
    if client_id is not None:
        stmt = stmt.where(Project.client_id == client_id)
    return list(session.execute(stmt).scalars())


def sites_of_client(session: Session, client_id: int) -> list[Site]:
    return list(session.execute(select(Site).where(Site.client_id == client_id)).scalars())


@dataclass
class EntryFilter:
    client_id: int | None = None
    project_id: int | None = None
    site_id: int | None = None
    work_type: str | None = None
    tag: str | None = None
    since: date | None = None
    until: date | None = None
    billable: bool | None = None
    author: str | None = None
    invoice_id: int | None = None
    uninvoiced: bool = False  # only entries on no invoice
    # Lock the rows till the end of the transaction (PostgreSQL; SQLite's BEGIN IMMEDIATE
    # already serialises writers): an invoice being made and an edit of one of its entries
    # wait for each other, so neither works from what the other is changing.
    lock: bool = False


def entries(session: Session, f: EntryFilter, limit: int | None = None) -> list[LogEntry]:
    """Entries matching every given filter, oldest first (the order of a timesheet)."""
    stmt = select(LogEntry).order_by(LogEntry.day, LogEntry.started_at, LogEntry.id)
    for column in (
        "client_id",
        "project_id",
        "site_id",
        "work_type",
        "billable",
        "author",
        "invoice_id",
    ):
        value = getattr(f, column)
        if value is not None:
            stmt = stmt.where(getattr(LogEntry, column) == value)
    if f.lock:
        stmt = stmt.with_for_update()
    if f.uninvoiced:
        stmt = stmt.where(col(LogEntry.invoice_id).is_(None))
    if f.since is not None:
        stmt = stmt.where(LogEntry.day >= f.since)
    if f.until is not None:
        stmt = stmt.where(LogEntry.day <= f.until)
    rows = list(session.execute(stmt).scalars())
    if f.tag is not None:  # JSON lists filter the same on every backend in Python
        rows = [e for e in rows if f.tag in (e.tags or [])]
    return rows[-limit:] if limit else rows


def entry_by_id(session: Session, entry_id: int, lock: bool = False) -> LogEntry | None:
    """With `lock`, the row is locked till the end of the transaction (see EntryFilter.lock)."""
    if not storable_id(entry_id):
        return None
    return session.get(LogEntry, entry_id, with_for_update=lock or None)


def running_timer(session: Session, author: str) -> Timer | None:
    return session.execute(select(Timer).where(Timer.author == author)).scalar_one_or_none()


def running_timers(session: Session) -> list[Timer]:
    return list(session.execute(select(Timer).order_by(Timer.started_at)).scalars())


def last_entry(session: Session, author: str) -> LogEntry | None:
    """The author's latest entry: what `logs restart` times again."""
    stmt = (
        select(LogEntry)
        .where(LogEntry.author == author)
        .order_by(col(LogEntry.day).desc(), col(LogEntry.ended_at).desc(), col(LogEntry.id).desc())
        .limit(1)
    )
    return session.execute(stmt).scalar_one_or_none()


def existing(session: Session, column: Any, values: list[str]) -> set[str]:
    """Which of `values` some log entry holds in `column` (LogEntry.import_key, .uuid): the
    rows an import has seen before."""
    found: set[str] = set()
    for i in range(0, len(values), 500):  # bound parameters per statement
        stmt = select(column).where(col(column).in_(values[i : i + 500]))
        found.update(v for v in session.execute(stmt).scalars() if v)
    return found


def rates_of(session: Session, client_id: int) -> list[Rate]:
    stmt = select(Rate).where(Rate.client_id == client_id).order_by(Rate.effective_from, Rate.id)
    return list(session.execute(stmt).scalars())


def invoices(session: Session, client_id: int | None = None) -> list[Invoice]:
    stmt = select(Invoice).order_by(Invoice.issued_on, Invoice.id)
    if client_id is not None:
        stmt = stmt.where(Invoice.client_id == client_id)
    return list(session.execute(stmt).scalars())


def invoice_by_number(session: Session, number: str) -> Invoice | None:
    return session.execute(
        select(Invoice).where(func.lower(Invoice.number) == number.strip().lower())
    ).scalar_one_or_none()


def invoice_numbers(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Invoice.id, Invoice.number).where(Invoice.id.in_(ids)))  # type: ignore[union-attr]
    return {r[0]: r[1] for r in rows}


def max_invoice_seq(session: Session, prefix: str, year: int | None = None) -> int:
    """The highest sequence number used by numbers starting `prefix` (and, with `year`, issued
    that year): voided invoices count, numbers are never reused."""
    stmt = select(func.max(Invoice.seq)).where(
        col(Invoice.number).startswith(prefix, autoescape=True)
    )
    if year is not None:
        stmt = stmt.where(
            col(Invoice.issued_on) >= date(year, 1, 1), col(Invoice.issued_on) <= date(year, 12, 31)
        )
    return int(session.execute(stmt).scalar() or 0)


def names(session: Session, model: Any, ids: set[int]) -> dict[int, str]:
    """id → name for the rows of `model` (Client, Project, Site) among `ids`."""
    if not ids:
        return {}
    rows = session.execute(select(model.id, model.name).where(model.id.in_(ids)))
    return {r[0]: r[1] for r in rows}


def invoiced_entries(
    session: Session, site_id: int | None = None, project_id: int | None = None
) -> list[LogEntry]:
    """Entries on an invoice that name this site or project: they must not change under it."""
    stmt = select(LogEntry).where(col(LogEntry.invoice_id).is_not(None))
    if site_id is not None:
        stmt = stmt.where(LogEntry.site_id == site_id)
    if project_id is not None:
        stmt = stmt.where(LogEntry.project_id == project_id)
    return list(session.execute(stmt).scalars())


def claim_entries(session: Session, ids: list[int], invoice_id: int) -> int:
    """Link the entries to the invoice, those still on none: how many were. Another invoice made
    at the same moment (a team on PostgreSQL) leaves fewer, and the caller gives up."""
    from sqlalchemy import update

    claimed = 0
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        result = session.execute(
            update(LogEntry)
            .where(col(LogEntry.id).in_(chunk), col(LogEntry.invoice_id).is_(None))
            .values(invoice_id=invoice_id)
            .execution_options(synchronize_session=False)
        )
        claimed += int(getattr(result, "rowcount", 0) or 0)
    return claimed
