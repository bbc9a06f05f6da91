"""`seolog suggestions list | accept | reject | export`: review what `seolog suggest` stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seolog.cli import options as o
from seolog.cli.state import State

if TYPE_CHECKING:
    from seolog.storage.models import Suggestion

app = typer.Typer(
    help="Review language-model suggestions: list, accept, reject, export for a CMS.",
    no_args_is_help=True,
)

STATUSES = ("new", "accepted", "rejected", "flagged", "refused")
TargetArg = Annotated[
    str | None,
    typer.Argument(help="A site name or a scan ID (default: every site).", show_default=False),
]
StatusOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--status",
        help="Only these: new, accepted, rejected, flagged (failed the checks twice), refused "
        "(repeatable).",
    ),
]
ForOpt = Annotated[
    str | None,
    typer.Option("--for", metavar="FIELDS", help="Only these fields: titles, descriptions, …"),
]
IdsArg = Annotated[list[int], typer.Argument(help="Suggestion IDs (see `suggestions list`).")]


def suggestion_doc(r: Suggestion) -> dict[str, Any]:
    suggested: Any = r.suggested
    if r.field == "faq" and r.suggested:
        suggested = json.loads(r.suggested)
    return {
        "id": r.id,
        "run": r.run_id,
        "scan": r.scan_id,
        "url": r.page_url,
        "field": r.field,
        "target": r.target or None,
        "lang": r.lang,
        "current": r.current,
        "suggested": suggested,
        "status": r.status,
        "problem": r.problem,
        "model": r.model,
        "prompt_tokens": r.prompt_tokens,
        "completion_tokens": r.completion_tokens,
        "cost": r.cost,
        "created_at": r.created_at.isoformat(),
    }


def _shown(r: Suggestion) -> str:
    if r.field == "faq" and r.suggested:
        entries = json.loads(r.suggested)
        return " · ".join(f"{e['question']} {e['answer']}" for e in entries)
    text = r.suggested or "-"
    return text + (f"  ({r.problem})" if r.problem else "")


def suggestion_rows(rows: list[Suggestion], no_color: bool, title: str | None = None) -> None:
    from seolog.cli import render

    if not rows:
        return
    render.table(
        title,
        ["ID", "Status", "Field", "URL", "Current", "Suggested"],
        [
            [
                r.id,
                r.status,
                r.field if not r.target else f"alt {r.target.rsplit('/', 1)[-1]}",
                r.page_url,
                r.current,
                _shown(r),
            ]
            for r in rows
        ],
        no_color,
    )


def _fields(value: str | None) -> tuple[str, ...]:
    from seolog.cli.suggest import parse_fields

    return parse_fields(value) or ()


def _statuses(values: list[str] | None) -> tuple[str, ...]:
    from seolog.errors import UsageError

    for value in values or []:
        if value not in STATUSES:
            raise UsageError(
                f"--status {value!r} is not a status", hint=f"one of {', '.join(STATUSES)}"
            )
    return tuple(values or ())


@app.command(
    "list",
    epilog="Examples:\n\n  seolog suggestions list acme --status new\n\n"
    "  seolog suggestions list 12 --for titles --format json",
)
def list_(
    ctx: typer.Context,
    target: TargetArg = None,
    status: StatusOpt = None,
    fields: ForOpt = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """The stored suggestions: page, field, what it says now, what is suggested, and status."""
    from seolog.cli import render
    from seolog.services.suggestions import listed

    state: State = ctx.obj
    rows = listed(state.app, target, _statuses(status), _fields(fields))
    if fmt is o.Format.json:
        render.emit_json([suggestion_doc(r) for r in rows])
        return
    if not rows:
        render.note("No suggestions" + (f" for {target}" if target else "") + ".",
                    state.quiet, state.no_color)  # fmt: skip
        return
    suggestion_rows(rows, state.no_color)


@app.command(
    "accept",
    epilog="Examples:\n\n  seolog suggestions accept 14 15 16\n\n"
    "  seolog suggestions accept 14 15 --log   # and log the time it saved",
)
def accept(
    ctx: typer.Context,
    ids: IdsArg,
    log: Annotated[
        bool,
        typer.Option(
            "--log",
            help="Log the time saved in the work log ([suggest] minutes_saved a suggestion, "
            "default 5).",
        ),
    ] = False,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Accept suggestions: they go into `suggestions export` and the audit report."""
    _set(ctx, ids, "accepted", fmt, log)


@app.command("reject", epilog="Example:\n\n  seolog suggestions reject 17")
def reject(ctx: typer.Context, ids: IdsArg, fmt: o.FormatOpt = o.Format.table) -> None:
    """Reject suggestions: the next `seolog suggest` run asks again for those fields."""
    _set(ctx, ids, "rejected", fmt, False)


def _set(ctx: typer.Context, ids: list[int], status: str, fmt: o.Format, log: bool) -> None:
    from seolog.cli import render
    from seolog.projectconfig import load_config
    from seolog.services.suggestions import log_time_saved, set_status

    state: State = ctx.obj
    rows = set_status(state.app, ids, status)
    entry = None
    if log:
        minutes = float(load_config(state.config).suggest.get("minutes_saved", 5))
        entry = log_time_saved(state.app, rows, minutes)
    if fmt is o.Format.json:
        render.emit_json({"suggestions": [suggestion_doc(r) for r in rows], "log_entry": entry})
        return
    render.note(
        f"{len(rows)} suggestion(s) {status}"
        + (f"; logged {entry['minutes']} min as entry {entry['id']}" if entry else "")
        + ".",
        state.quiet,
        state.no_color,
        "green",
    )


@app.command(
    "export",
    epilog="Examples:\n\n  seolog suggestions export acme -o titles.csv\n\n"
    "  seolog suggestions export 12 --status accepted --status new",
)
def export(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="A site name or a scan ID.", show_default=False)],
    status: StatusOpt = None,
    fields: ForOpt = None,
    output: o.OutputOpt = None,
) -> None:
    """CSV for a CMS import: url, field, target (an image's URL), current, suggested, status, id.

    Accepted suggestions only, unless --status says otherwise."""
    from seolog.cli import render
    from seolog.csvsafe import write_rows
    from seolog.services.suggestions import CSV_HEADER, csv_rows, listed

    state: State = ctx.obj
    rows = listed(state.app, target, _statuses(status) or ("accepted",), _fields(fields))
    text = write_rows(CSV_HEADER, csv_rows(rows))
    if output is not None:
        render.write_file(Path(output), text)
        render.note(f"Wrote {len(rows)} suggestion(s) to {output}.", state.quiet, state.no_color)
    else:
        render.emit_text(text)
