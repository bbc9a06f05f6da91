"""`seolog checks …`: the catalog of checks, generated from the registry."""

from __future__ import annotations

from typing import Annotated

import typer

from seolog.cli import options as o
from seolog.cli.state import State

app = typer.Typer(
    help="The audit's checks: codes, severities and explanations.", no_args_is_help=True
)


@app.command(
    "list",
    epilog="Examples: seolog checks list · seolog checks list --family links · "
    "seolog checks list --thresholds · seolog checks list --format json",
)
def list_(
    ctx: typer.Context,
    family: Annotated[
        str | None, typer.Option("--family", help="Only the checks of this family.")
    ] = None,
    show_thresholds: Annotated[
        bool,
        typer.Option("--thresholds", help="List the thresholds (change them with --threshold)."),
    ] = False,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """List every check: its stable code, severity, family and what it finds."""
    from seolog.cli import render
    from seolog.services import checks

    state: State = ctx.obj
    if show_thresholds:
        rows = checks.thresholds()
        if fmt is o.Format.json:
            render.emit_json({name: default for name, default, _meaning in rows})
            return
        render.table(
            None, ["Threshold", "Default", "Meaning"], [list(r) for r in rows], state.no_color
        )
        return
    specs = checks.list_checks(family)
    if fmt is o.Format.json:
        render.emit_json([checks.check_doc(s) for s in specs])
        return
    render.table(
        None,
        ["Code", "Severity", "Family", "Scope", "Finds"],
        [[s.code, s.severity.value, s.family, s.scope, s.title] for s in specs],
        state.no_color,
    )


@app.command("explain", epilog="Example: seolog checks explain title-too-long")
def explain(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="A check code from `seolog checks list`.")],
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Explain a check: why it matters, how to fix it, its Lighthouse counterpart."""
    from seolog.cli import render
    from seolog.services import checks

    state: State = ctx.obj
    spec = checks.find_check(code)
    doc = checks.check_doc(spec)
    if fmt is o.Format.json:
        render.emit_json(doc)
        return
    text = spec.explain()
    if doc["thresholds"]:
        listed = ", ".join(f"{k}={v}" for k, v in doc["thresholds"].items())
        text += f"\n\nThresholds\n  {listed} (change with: seolog scan … --threshold NAME=N)"
    render.out(state.no_color).print(text, markup=False, highlight=False)
