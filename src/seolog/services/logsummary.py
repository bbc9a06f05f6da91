"""Work-log summaries: hours, billable hours and amounts per group, totals per currency."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from seolog.context import AppContext
from seolog.errors import UsageError
from seolog.services.logs import EntryRow, ListFilter, entry_filter, rows_of
from seolog.storage import worklog as store
from seolog.storage.db import session_scope
from seolog.worklog.money import Tally

GROUPS = ("client", "project", "site", "type", "tag", "author", "week", "month")


@dataclass
class SummaryRow:
    group: str
    currency: str | None
    entries: int = 0
    minutes: int = 0
    billable_minutes: int = 0
    unpriced_minutes: int = 0  # billable time with no rate anywhere: an invoice would miss it
    tally: Tally = field(default_factory=Tally)

    @property
    def amount(self) -> Decimal:
        return self.tally.amount


@dataclass
class Summary:
    by: str
    since: date | None
    until: date | None
    rows: list[SummaryRow] = field(default_factory=list)
    totals: list[SummaryRow] = field(default_factory=list)  # one per currency


def _group_keys(by: str, row: EntryRow) -> list[str]:
    """The groups an entry counts in: one, or (by tag) each of its tags."""
    if by == "tag":
        return list(row.entry.tags or []) or ["(no tag)"]
    return [_group_key(by, row)]


def _group_key(by: str, row: EntryRow) -> str:
    e = row.entry
    if by == "author":
        return e.author or "(nobody)"
    if by == "client":
        return row.client or "(no client)"
    if by == "project":
        return f"{row.client}: {row.project}" if row.project else "(no project)"
    if by == "site":
        return row.site or "(no site)"
    if by == "type":
        return e.work_type
    if by == "week":
        year, week, _ = e.day.isocalendar()
        return f"{year}-W{week:02d}"
    return e.day.strftime("%Y-%m")


def summarize(ctx: AppContext, by: str, f: ListFilter) -> Summary:
    if by not in GROUPS:
        raise UsageError(f"cannot group by {by!r}", hint=f"use one of: {', '.join(GROUPS)}")
    with session_scope(ctx.engine) as session:
        ef = entry_filter(ctx, session, f)
        rows = rows_of(session, store.entries(session, ef))
    groups: dict[tuple[str, str | None], SummaryRow] = {}
    totals: dict[str | None, SummaryRow] = {}
    for row in rows:
        targets = [
            groups.setdefault((k, row.currency), SummaryRow(k, row.currency))
            for k in _group_keys(by, row)
        ]
        targets.append(totals.setdefault(row.currency, SummaryRow("Total", row.currency)))
        for target in targets:  # by tag an entry is in several groups, and once in the total
            target.entries += 1
            target.minutes += row.entry.minutes
            if row.entry.billable:
                target.billable_minutes += row.entry.minutes
                if row.rate is None:
                    target.unpriced_minutes += row.entry.minutes
                else:
                    target.tally.add(row.entry.minutes, row.rate)
    return Summary(
        by,
        ef.since,
        ef.until,
        sorted(groups.values(), key=lambda r: (r.group, r.currency or "")),
        sorted(totals.values(), key=lambda r: r.currency or ""),
    )


def summary_row_document(row: SummaryRow) -> dict[str, Any]:
    return {
        "group": row.group,
        "entries": row.entries,
        "hours": round(row.minutes / 60, 2),
        "billable_hours": round(row.billable_minutes / 60, 2),
        "amount": str(row.amount),
        "currency": row.currency,
        "unpriced_billable_hours": round(row.unpriced_minutes / 60, 2),
    }
