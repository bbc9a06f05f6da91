"""Queries of the work log: clients, projects, log entries and the running timer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from seolog.ids import storable_id
from seolog.storage.models import Client, LogEntry, Project, Site, Timer


def client_by_name(session: Session, name: str) -> Client | None:
    return session.execute(
        select(Client).where(func.lower(Client.name) == name.strip().lower())
    ).scalar_one_or_none()


def client_by_id(session: Session, client_id: int) -> Client | None:
    return session.get(Client, client_id) if storable_id(client_id) else None


def list_clients(session: Session) -> list[Client]:
    return list(session.execute(select(Client).order_by(func.lower(Client.name))).scalars())


def projects_named(session: Session, name: str) -> list[Project]:
    stmt = select(Project).where(func.lower(Project.name) == name.strip().lower())
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


def entries(session: Session, f: EntryFilter, limit: int | None = None) -> list[LogEntry]:
    """Entries matching every given filter, oldest first (the order of a timesheet)."""
    stmt = select(LogEntry).order_by(LogEntry.day, LogEntry.started_at, LogEntry.id)
    for column in ("client_id", "project_id", "site_id", "work_type", "billable"):
        value = getattr(f, column)
        if value is not None:
            stmt = stmt.where(getattr(LogEntry, column) == value)
    if f.since is not None:
        stmt = stmt.where(LogEntry.day >= f.since)
    if f.until is not None:
        stmt = stmt.where(LogEntry.day <= f.until)
    rows = list(session.execute(stmt).scalars())
    if f.tag is not None:  # JSON lists filter the same on every backend in Python
        rows = [e for e in rows if f.tag in (e.tags or [])]
    return rows[-limit:] if limit else rows


def entry_by_id(session: Session, entry_id: int) -> LogEntry | None:
    return session.get(LogEntry, entry_id) if storable_id(entry_id) else None


def running_timer(session: Session) -> Timer | None:
    return session.execute(select(Timer).order_by(Timer.id).limit(1)).scalar_one_or_none()


def names(session: Session, model: Any, ids: set[int]) -> dict[int, str]:
    """id → name for the rows of `model` (Client, Project, Site) among `ids`."""
    if not ids:
        return {}
    rows = session.execute(select(model.id, model.name).where(model.id.in_(ids)))
    return {r[0]: r[1] for r in rows}
