"""Hourly rates with the day they apply from. An entry is priced once, from the rate in force on
its date, and keeps that price: changing a rate from a date re-prices only the entries from that
date on that are not invoiced and had no rate of their own (`--rate` on the entry)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from seolog.storage import worklog as store
from seolog.storage.models import Client, LogEntry, Rate


@dataclass(frozen=True)
class Price:
    rate: Decimal | None
    currency: str | None


def _level(r: Rate, project_id: int | None, author: str) -> int | None:
    """How specific `r` is for an entry of `project_id` by `author` (higher wins), or None when
    it does not apply: a project's rate beats the client's, a consultant's beats everyone's."""
    if r.project_id is not None and r.project_id != project_id:
        return None
    if r.author is not None and r.author != author:
        return None
    return (2 if r.project_id is not None else 0) + (1 if r.author is not None else 0)


def price_from(
    rates: list[Rate], client: Client, project_id: int | None, author: str, day: date
) -> Price:
    best: tuple[int, date, int] | None = None
    chosen: Rate | None = None
    for r in rates:
        level = _level(r, project_id, author)
        if level is None or r.effective_from > day:
            continue
        key = (level, r.effective_from, r.id or 0)
        if best is None or key > best:
            best, chosen = key, r
    if chosen is None:
        return Price(None, client.currency)
    return Price(chosen.rate, chosen.currency)


def price_entry(session: Session, entry: LogEntry) -> None:
    """Give `entry` the rate and currency in force on its day (unless it has its own rate)."""
    client = store.client_by_id(session, entry.client_id) if entry.client_id else None
    if client is None:
        entry.rate = entry.rate if entry.rate_manual else None
        entry.currency = None
        return
    if entry.rate_manual:
        entry.currency = entry.currency or client.currency
        return
    price = price_from(
        store.rates_of(session, client.id or 0), client, entry.project_id, entry.author, entry.day
    )
    entry.rate, entry.currency = price.rate, price.currency


def current_rate(session: Session, client: Client, today: date) -> Price:
    """The client-wide rate in force today (what `clients list` shows)."""
    return price_from(
        [
            r
            for r in store.rates_of(session, client.id or 0)
            if r.project_id is None and r.author is None
        ],
        client,
        None,
        "",
        today,
    )


@dataclass
class RateChange:
    rate: Rate
    repriced: int  # entries from that day on that took the new rate
    invoiced: int  # entries from that day on left alone: they are on an invoice


def set_rate(
    session: Session,
    client: Client,
    rate: Decimal | None,
    currency: str,
    since: date,
    project_id: int | None = None,
    author: str | None = None,
) -> RateChange:
    """Record `rate` from `since` on (replacing one set for the same day and scope), then re-price
    the entries it now applies to."""
    same = [
        r
        for r in store.rates_of(session, client.id or 0)
        if r.effective_from == since and r.project_id == project_id and r.author == author
    ]
    row = (
        same[0]
        if same
        else Rate(
            client_id=client.id or 0,
            project_id=project_id,
            author=author,
            currency=currency,
            effective_from=since,
        )
    )
    row.rate, row.currency = rate, currency
    session.add(row)
    session.flush()
    repriced = invoiced = 0
    for entry in store.entries(session, store.EntryFilter(client_id=client.id, since=since)):
        if entry.rate_manual:
            continue
        if (project_id is not None and entry.project_id != project_id) or (
            author is not None and entry.author != author
        ):
            continue
        if entry.invoice_id is not None:
            invoiced += 1
            continue
        before = (entry.rate, entry.currency)
        price_entry(session, entry)
        repriced += (entry.rate, entry.currency) != before
    return RateChange(row, repriced, invoiced)


def rate_document(r: Rate, projects: dict[int, str]) -> dict[str, Any]:
    return {
        "from": r.effective_from.isoformat(),
        "rate": str(r.rate) if r.rate is not None else None,
        "currency": r.currency,
        "project": projects.get(r.project_id) if r.project_id else None,
        "author": r.author,
    }
