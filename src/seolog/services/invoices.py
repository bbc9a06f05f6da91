"""Invoices: a client's billable entries of a period, frozen under a number.

Creating one links the entries to it (they then refuse edits and deletes) and stores the lines
and totals as issued, so it renders and exports the same forever: a later rate change, a
re-import or a renamed project cannot change a sent invoice. Voiding keeps the number (numbers
are never reused, as tax offices require) and frees the entries to be corrected and invoiced
again.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from seolog.context import AppContext
from seolog.errors import NotFoundError, UsageError
from seolog.services.clients import get_client, parse_vat
from seolog.services.logs import author, rows_of, today
from seolog.storage import worklog as store
from seolog.storage.db import session_scope
from seolog.storage.models import Client, Invoice, utcnow
from seolog.worklog.money import CENT, amount
from seolog.worklog.parse import format_minutes, parse_date, parse_period

DEFAULT_NUMBER = "{year}-{seq:04d}"
DEFAULT_DUE_DAYS = 30
ATTEMPTS = 5  # another consultant may take the same number at the same moment


@dataclass
class InvoiceSettings:
    """[worklog] in the config file."""

    number: str = DEFAULT_NUMBER
    due_days: int = DEFAULT_DUE_DAYS
    details: list[str] = field(default_factory=list)  # bank account, VAT number, address


@dataclass
class InvoiceRequest:
    client: str
    period: str
    issued_on: str | None = None  # default today
    vat: str | None = None  # default the client's
    dry_run: bool = False


def _number(fmt: str, seq: int, issued: date) -> str:
    try:
        return fmt.format(seq=seq, year=issued.year, month=issued.month)
    except (KeyError, IndexError, ValueError) as e:
        raise UsageError(
            f"worklog.invoice_number {fmt!r} cannot be filled in: {e}",
            hint='use {seq} (with {year} and {month} if wanted), e.g. "{year}-{seq:04d}"',
        ) from e


def _prefix(fmt: str, issued: date) -> str:
    """The text before the sequence number: a sequence counts among the numbers that start the
    same (and, with {year} anywhere in the format, among that year's); a format without {year}
    counts for ever."""
    head = fmt.split("{seq", 1)[0]
    return _number(head + "{seq}", 0, issued)[:-1]


def _lines(rows: list[Any]) -> list[dict[str, Any]]:
    """One line per rate and currency, naming the projects and sites the hours went to: each
    line's hours priced once, exactly, so the lines add up to the subtotal to the cent (a line
    per project would round each and could be a cent off)."""
    groups: dict[tuple[Decimal, str], tuple[int, list[str]]] = {}
    for r in rows:
        minutes, names = groups.get((r.rate, r.currency), (0, []))
        what = r.project or r.site
        groups[(r.rate, r.currency)] = (
            minutes + r.entry.minutes,
            [*names, what] if what and what not in names else names,
        )
    return [
        {
            "description": "SEO work",
            "projects": sorted(names),
            "minutes": minutes,
            "hours": str((Decimal(minutes) / 60).quantize(CENT, ROUND_HALF_UP)),
            "rate": str(rate),
            "currency": currency,
            "amount": str(amount(minutes, rate)),
        }
        for (rate, currency), (minutes, names) in sorted(
            groups.items(), key=lambda kv: (kv[0][1], -kv[0][0])
        )
    ]


def _totals(lines: list[dict[str, Any]], vat_rate: Decimal | None) -> list[dict[str, Any]]:
    totals = []
    for currency in sorted({line["currency"] for line in lines}):
        mine = [line for line in lines if line["currency"] == currency]
        subtotal = sum((Decimal(line["amount"]) for line in mine), Decimal("0.00"))
        vat = (subtotal * (vat_rate or 0) / 100).quantize(CENT, ROUND_HALF_UP)
        totals.append(
            {
                "currency": currency,
                "minutes": sum(line["minutes"] for line in mine),
                "subtotal": str(subtotal),
                "vat_rate": str(vat_rate) if vat_rate is not None else None,
                "vat": str(vat),
                "total": str(subtotal + vat),
            }
        )
    return totals


def _entries(rows: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.entry.id,
            "uuid": r.entry.uuid,
            "date": r.entry.day.isoformat(),
            "author": r.entry.author,
            "project": r.project,
            "site": r.site,
            "type": r.entry.work_type,
            "description": r.entry.description,
            "minutes": r.entry.minutes,
            "rate": str(r.rate),
            "currency": r.currency,
            "amount": str(r.amount),
        }
        for r in rows
    ]


def _client_part(client: Client) -> dict[str, Any]:
    return {"name": client.name, "address": client.address, "email": client.email}


@dataclass
class Created:
    invoice: Invoice | None  # None on a dry run
    document: dict[str, Any]


def create_invoice(ctx: AppContext, req: InvoiceRequest, settings: InvoiceSettings) -> Created:
    now = today(ctx)
    since, until = parse_period(req.period, now)
    issued = parse_date(req.issued_on, now) if req.issued_on else now
    if until > now and issued <= until:
        raise UsageError(
            f"the period {since} – {until} has not ended yet",
            hint="invoice a period once it is over, e.g. --period last-month",
        )
    with session_scope(ctx.engine) as session:
        client = get_client(session, req.client)
        vat_rate = parse_vat(req.vat) if req.vat is not None else client.vat_rate
        found = store.entries(
            session,
            store.EntryFilter(
                client_id=client.id,
                since=since,
                until=until,
                billable=True,
                uninvoiced=True,
                lock=True,
            ),
        )
        if not found:
            raise _nothing(session, client, since, until)
        rows = rows_of(session, found)
        unpriced = [r for r in rows if r.rate is None]
        if unpriced:
            minutes = sum(r.entry.minutes for r in unpriced)
            raise UsageError(
                f"{len(unpriced)} billable entries ({format_minutes(minutes)}) of {client.name} "
                f"in that period have no rate (entry {unpriced[0].entry.id} first)",
                hint=f"set one: seolog clients edit {shlex.quote(client.name)} --rate 95 --from {since}, "
                "or give them --rate or --non-billable",
            )
        lines = _lines(rows)
        due = issued + timedelta(days=settings.due_days)
        document = {
            "client": _client_part(client),
            "period": {"since": since.isoformat(), "until": until.isoformat()},
            "issued_on": issued.isoformat(),
            "due_on": due.isoformat(),
            "details": list(settings.details),
            "lines": lines,
            "totals": _totals(lines, vat_rate),
            "entries": _entries(rows),
        }
        if req.dry_run:
            return Created(None, {"number": None, "status": "draft", **document})
        invoice = _insert(
            session, client, document, settings, issued, due, since, until, vat_rate, author(ctx)
        )
        ids = [e.id or 0 for e in found]
        if store.claim_entries(session, ids, invoice.id or 0) != len(ids):
            raise UsageError(  # the session rolls back: no invoice, no number taken
                "some of these entries were invoiced at the same moment by someone else",
                hint="see `seolog invoices list`, then run the command again",
            )
        return Created(invoice, invoice_document(invoice))


def _nothing(session: Session, client: Client, since: date, until: date) -> UsageError:
    billed = [
        i
        for i in store.invoices(session, client.id)
        if i.status == "issued" and i.period_start <= until and i.period_end >= since
    ]
    if billed:
        return UsageError(
            f"every billable entry of {client.name} from {since} to {until} is invoiced "
            f"already ({', '.join(i.number for i in billed)})",
            hint="to invoice them again, void that invoice first: seolog invoices void NUMBER",
        )
    return UsageError(
        f"{client.name} has no billable entries from {since} to {until}",
        hint="see `seolog logs list --client NAME --period …`",
    )


def _insert(
    session: Session,
    client: Client,
    document: dict[str, Any],
    settings: InvoiceSettings,
    issued: date,
    due: date,
    since: date,
    until: date,
    vat_rate: Decimal | None,
    by: str,
) -> Invoice:
    """The next number in the sequence; a number someone took meanwhile (the unique index on
    `number`) is retried with the one after it."""
    prefix = _prefix(settings.number, issued)
    year = issued.year if "{year" in settings.number else None  # counts per year
    for _ in range(ATTEMPTS):
        seq = store.max_invoice_seq(session, prefix, year) + 1
        invoice = Invoice(
            number=_number(settings.number, seq, issued),
            seq=seq,
            client_id=client.id or 0,
            period_start=since,
            period_end=until,
            issued_on=issued,
            due_on=due,
            vat_rate=vat_rate,
            author=by,
            document=document,
        )
        nested = session.begin_nested()
        session.add(invoice)
        try:
            session.flush()
        except IntegrityError:
            nested.rollback()
            continue
        nested.commit()
        return invoice
    raise UsageError(
        "could not take an invoice number: others were taken at the same time",
        hint="run the command again",
    )


def get_invoice(session: Session, ident: str) -> Invoice:
    invoice = store.invoice_by_number(session, ident)  # by number only: `void 12` must not
    if invoice is None:  # find the invoice with id 12, last year's 2025-0012
        raise NotFoundError(f"no invoice {ident!r}", hint="see `seolog invoices list`")
    return invoice


def show_invoice(ctx: AppContext, ident: str) -> dict[str, Any]:
    with session_scope(ctx.engine) as session:
        return invoice_document(get_invoice(session, ident))


def list_invoices(ctx: AppContext, client: str | None = None) -> list[dict[str, Any]]:
    with session_scope(ctx.engine) as session:
        owner = get_client(session, client).id if client else None
        return [invoice_document(i) for i in store.invoices(session, owner)]


def void_invoice(ctx: AppContext, ident: str, reason: str | None) -> dict[str, Any]:
    with session_scope(ctx.engine) as session:
        invoice = get_invoice(session, ident)
        if invoice.status == "void":
            raise UsageError(f"invoice {invoice.number} is void already", hint="nothing to do")
        invoice.status = "void"
        invoice.voided_at = utcnow()
        invoice.void_reason = (reason or "").strip() or None
        for e in store.entries(session, store.EntryFilter(invoice_id=invoice.id)):
            e.invoice_id = None
        return invoice_document(invoice)


def invoice_document(invoice: Invoice) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "status": invoice.status,
        "voided_at": invoice.voided_at.isoformat() if invoice.voided_at else None,
        "void_reason": invoice.void_reason,
        "author": invoice.author,
        **invoice.document,
    }


CSV_COLUMNS = [
    "number",
    "status",
    "issued_on",
    "due_on",
    "client",
    "period_since",
    "period_until",
    "line",
    "hours",
    "rate",
    "currency",
    "amount",
    "vat_rate",
]


def line_label(line: dict[str, Any]) -> str:
    """ "SEO work: Migration, acme": a line as one text, for a table or a spreadsheet."""
    names = ", ".join(line.get("projects") or [])
    return f"{line['description']}: {names}" if names else str(line["description"])


def invoice_csv(docs: list[dict[str, Any]]) -> str:
    """One row per invoice line (for accounting), then per currency its subtotal, VAT and total
    rows, so a spreadsheet sum of `amount` over lines equals the subtotal."""
    from seolog.csvsafe import write_rows

    rows: list[list[object]] = []
    for d in docs:
        head = [d["number"], d["status"], d["issued_on"], d["due_on"], d["client"]["name"]]
        period = [d["period"]["since"], d["period"]["until"]]
        for line in d["lines"]:
            rows.append(
                [
                    *head,
                    *period,
                    line_label(line),
                    line["hours"],
                    line["rate"],
                    line["currency"],
                    line["amount"],
                    "",
                ]
            )
        for t in d["totals"]:
            for label, value in (
                ("Subtotal", t["subtotal"]),
                ("VAT", t["vat"]),
                ("Total", t["total"]),
            ):
                rows.append(
                    [*head, *period, label, "", "", t["currency"], value, t["vat_rate"] or ""]
                )
    return write_rows(CSV_COLUMNS, rows)


def render_invoice(ctx: AppContext, ident: str, request: Any) -> Any:
    """The stored invoice as HTML or PDF (`request`: a reports.ReportRequest), in its language and
    the agency's branding."""
    from seolog.reports.render import Branding, Renderer
    from seolog.services.reports import deliver

    doc = show_invoice(ctx, ident)
    renderer = Renderer(request.lang, request.branding or Branding())
    totals = [
        {
            **t,
            **{k: Decimal(t[k]) for k in ("subtotal", "vat", "total")},
            "vat_rate": Decimal(t["vat_rate"]) if t["vat_rate"] is not None else None,
            "label": renderer.t.money(Decimal(t["total"]), t["currency"]),
        }
        for t in doc["totals"]
    ]
    html = renderer.html(
        "invoice.html.j2",
        inv=doc,
        issued=date.fromisoformat(doc["issued_on"]),
        due=date.fromisoformat(doc["due_on"]),
        since=date.fromisoformat(doc["period"]["since"]),
        until=date.fromisoformat(doc["period"]["until"]),
        voided=date.fromisoformat(doc["voided_at"][:10]) if doc["voided_at"] else None,
        lines=[
            {**line, **{k: Decimal(line[k]) for k in ("hours", "rate", "amount")}}
            for line in doc["lines"]
        ],
        totals=totals,
        entries=[
            {**e, "day": date.fromisoformat(e["date"]), "hours": Decimal(e["minutes"]) / 60}
            for e in doc["entries"]
        ],
    )
    return deliver(renderer, html, request)
