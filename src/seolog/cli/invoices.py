"""`seolog invoices …`: freeze a client's billable hours of a period into a numbered invoice."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from seolog.cli import options as o
from seolog.cli import reports
from seolog.cli.state import State

app = typer.Typer(
    help="Invoices: a client's billable hours of a period, numbered and frozen (HTML, PDF, CSV).\n\n"
    "Invoiced entries refuse edits until the invoice is voided; a voided invoice keeps its number.",
    no_args_is_help=True,
)

NumberArg = Annotated[
    str, typer.Argument(help="Invoice number (see `seolog invoices list`).", show_default=False)
]


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


def _settings(state: State) -> Any:
    from seolog.projectconfig import load_config
    from seolog.services.invoices import DEFAULT_DUE_DAYS, DEFAULT_NUMBER, InvoiceSettings

    worklog = load_config(state.config).worklog
    return InvoiceSettings(
        worklog.get("invoice_number", DEFAULT_NUMBER),
        worklog.get("invoice_due_days", DEFAULT_DUE_DAYS),
        [str(line) for line in worklog.get("invoice_details", [])],
    )


def _money(doc: dict[str, Any]) -> str:
    from seolog.worklog.parse import format_minutes

    parts = []
    for t in doc["totals"]:
        vat = f" + VAT {t['vat']}" if t["vat_rate"] is not None else ""
        parts.append(
            f"{format_minutes(t['minutes'])}, {t['subtotal']}{vat} = {t['total']} {t['currency']}"
        )
    return "; ".join(parts)


@app.command(
    "create",
    epilog="Examples: seolog invoices create 'Acme Ltd' --period 2026-11 · "
    "seolog invoices create 'Acme Ltd' --period last-month --vat 21 --dry-run",
)
def create(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(help="A client name.", show_default=False)],
    period: Annotated[
        str, typer.Option("--period", help="last-month (default), 2026-11, last-week, 2026.")
    ] = "last-month",
    issued: Annotated[
        str | None, typer.Option("--date", help="Invoice date (default today).")
    ] = None,
    vat: Annotated[
        str | None,
        typer.Option("--vat", help="VAT percentage for this invoice (default: the client's)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the invoice it would make; store nothing.")
    ] = False,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Invoice a client's billable entries of a period that are not invoiced yet.

    Numbers follow [worklog] invoice_number (default {year}-{seq:04d}); payment is due after
    invoice_due_days (30)."""
    from seolog.cli import render
    from seolog.services.invoices import InvoiceRequest, create_invoice

    state: State = ctx.obj
    made = create_invoice(
        state.app, InvoiceRequest(client, period, issued, vat, dry_run), _settings(state)
    )
    doc = made.document
    if fmt is o.Format.json:
        render.emit_json(doc)
        return
    what = "Would invoice" if dry_run else f"Invoice {doc['number']}:"
    render.note(
        f"{what} {doc['client']['name']}, {doc['period']['since']} to {doc['period']['until']}: "
        f"{_count(len(doc['entries']))}, {_money(doc)}.",
        state.quiet,
        state.no_color,
        "" if dry_run else "green",
    )
    if not dry_run:
        render.note(
            f"Render it: seolog invoices render {doc['number']} --format pdf",
            state.quiet,
            state.no_color,
            "dim",
        )


@app.command(
    "list", epilog="Examples: seolog invoices list · seolog invoices list --client 'Acme Ltd'"
)
def list_(
    ctx: typer.Context,
    client: Annotated[str | None, typer.Option("--client", help="Only this client's.")] = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Invoices, oldest first, voided ones too."""
    from seolog.cli import render
    from seolog.services.invoices import list_invoices

    state: State = ctx.obj
    docs = list_invoices(state.app, client)
    if fmt is o.Format.json:
        render.emit_json([{k: v for k, v in d.items() if k != "entries"} for d in docs])
        return
    if not docs:
        render.note(
            "No invoices yet. Make one with: seolog invoices create CLIENT --period last-month",
            state.quiet,
            state.no_color,
        )
        return
    render.table(
        None,
        ["Number", "Date", "Client", "Period", "Total", "Status"],
        [
            [
                d["number"],
                d["issued_on"],
                d["client"]["name"],
                f"{d['period']['since']} – {d['period']['until']}",
                "; ".join(f"{t['total']} {t['currency']}" for t in d["totals"]),
                d["status"],
            ]
            for d in docs
        ],
        state.no_color,
    )


@app.command("show", epilog="Example: seolog invoices show 2026-0003")
def show(ctx: typer.Context, number: NumberArg, fmt: o.FormatOpt = o.Format.table) -> None:
    """One invoice: its lines, totals and status."""
    from seolog.cli import render
    from seolog.services.invoices import line_label, show_invoice

    state: State = ctx.obj
    doc = show_invoice(state.app, number)
    if fmt is o.Format.json:
        render.emit_json(doc)
        return
    render.fields(
        [
            ("Invoice", doc["number"]),
            ("Status", doc["status"] + (f" ({doc['void_reason']})" if doc["void_reason"] else "")),
            ("Client", doc["client"]["name"]),
            ("Period", f"{doc['period']['since']} – {doc['period']['until']}"),
            ("Date", doc["issued_on"]),
            ("Due", doc["due_on"]),
            ("Entries", len(doc["entries"])),
            ("Totals", _money(doc)),
        ],
        state.no_color,
    )
    render.table(
        None,
        ["Line", "Hours", "Rate", "Amount"],
        [
            [
                line_label(line),
                line["hours"],
                line["rate"],
                f"{line['amount']} {line['currency']}",
            ]
            for line in doc["lines"]
        ],
        state.no_color,
    )


@app.command(
    "render",
    epilog="Examples: seolog invoices render 2026-0003 · "
    "seolog invoices render 2026-0003 --lang nl --format html -o factuur.html",
)
def render_(
    ctx: typer.Context,
    number: NumberArg,
    fmt: reports.FormatOpt = None,
    output: reports.OutputOpt = None,
    lang: reports.LangOpt = "en",
    template_dir: reports.TemplateDirOpt = None,
) -> None:
    """The invoice as a PDF or HTML file, branded like the reports ([report] in the config)."""
    from seolog.services.invoices import render_invoice

    state: State = ctx.obj
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in number)
    request = reports.report_request(state, fmt, output, "invoice", safe, lang, template_dir)
    reports.done(state, render_invoice(state.app, number, request))


@app.command(
    "export",
    epilog="Examples: seolog invoices export 2026-0003 --format json · "
    "seolog invoices export --all --output invoices-2026.csv",
)
def export(
    ctx: typer.Context,
    numbers: Annotated[
        list[str] | None, typer.Argument(help="Invoice numbers.", show_default=False)
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="Every invoice.")] = False,
    client: Annotated[
        str | None, typer.Option("--client", help="Every invoice of this client.")
    ] = None,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="csv (one row per line) or json.")
    ] = ExportFormat.csv,
    output: o.OutputOpt = None,
) -> None:
    """Invoices for accounting, as CSV or JSON.

    CSV has one row per line and then the subtotal, VAT and total rows; JSON the whole invoices."""
    from seolog.cli import render
    from seolog.errors import UsageError
    from seolog.services.invoices import invoice_csv, list_invoices, show_invoice

    state: State = ctx.obj
    if numbers and (everything or client):
        raise UsageError("give invoice numbers, or --all / --client, not both", hint="e.g. --all")
    if numbers:
        docs = [show_invoice(state.app, n) for n in numbers]
    elif everything or client:
        docs = list_invoices(state.app, client)
    else:
        raise UsageError("which invoices?", hint="give numbers, --client NAME or --all")
    if fmt is ExportFormat.json:
        render.emit_json(docs, output)
    else:
        text = invoice_csv(docs)
        if output is None:
            render.emit_text(text)
        else:
            render.write_file(output, text)
    if output is not None:
        render.note(
            f"Wrote {len(docs)} invoice(s) to {output}", state.quiet, state.no_color, "green"
        )


@app.command(
    "void",
    epilog="Example: seolog invoices void 2026-0003 --reason 'Wrong rate; replaced by 2026-0004'",
)
def void(
    ctx: typer.Context,
    number: NumberArg,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (kept with the invoice).")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Void an invoice: it keeps its number, and its entries can be edited and invoiced again."""
    from seolog.cli import render
    from seolog.services.invoices import void_invoice

    state: State = ctx.obj
    if not yes:
        render.confirm_or_abort(f"Void invoice {number}? Its entries become editable again.")
    doc = void_invoice(state.app, number, reason)
    render.note(
        f"Voided invoice {doc['number']}; its {_count(len(doc['entries']))} can be invoiced again.",
        state.quiet,
        state.no_color,
    )


def _count(n: int) -> str:
    return f"{n} entry" if n == 1 else f"{n} entries"
