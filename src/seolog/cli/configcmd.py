"""`seolog config show`: the merged project settings, and where each value came from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from seolog.cli import options as o
from seolog.cli.state import State
from seolog.config import user_config_path

if TYPE_CHECKING:
    from seolog.services.resolve import Resolved

app = typer.Typer(
    help="The project config file (seolog.toml or [tool.seolog]).", no_args_is_help=True
)


def _rows(resolved: Resolved) -> list[tuple[str, Any, str]]:
    """Every declared setting, then the thresholds and check rules, each with its source."""
    from dataclasses import fields

    from seolog.checks.thresholds import Thresholds

    cfg = resolved.config
    rows = [
        (key, value, resolved.sources[key])
        for key, value in resolved.values.items()
        if key != "gates.checks" or not value
    ]
    for pattern, assertion in sorted((resolved.values.get("gates.checks") or {}).items()):
        key = f"gates.checks.{pattern}"  # one row per assertion, each with its own source
        rows.append((key, assertion, resolved.sources.get(key, "default")))
    defaults = Thresholds()
    for f in fields(Thresholds):
        key = f"thresholds.{f.name}"
        value = cfg.thresholds.get(f.name, getattr(defaults, f.name))
        rows.append((key, value, cfg.sources.get(key, "default")))
    rows.append(("checks.disable", cfg.disable, cfg.sources.get("checks.disable", "default")))
    for code, severity in sorted(cfg.severity.items()):
        rows.append((f"checks.severity.{code}", severity, cfg.sources[f"checks.severity.{code}"]))
    rows.append(("checks.ignore", cfg.ignore, cfg.sources.get("checks.ignore", "default")))
    return rows + _alerts_and_report(cfg)


def _alerts_and_report(cfg: Any) -> list[tuple[str, Any, str]]:
    """[alerts] (what a scheduled run tells, and how) and [report] (the branding of reports),
    every key with its default when the files leave it out. Secrets are never in the file."""
    from dataclasses import fields

    from seolog.alerts.message import AlertSettings
    from seolog.projectconfig import EMAIL_KEYS, REPORT_KEYS

    rows: list[tuple[str, Any, str]] = []
    defaults = AlertSettings()
    for f in fields(AlertSettings):
        key = f"alerts.{f.name}"
        if f.name != "email":
            value = cfg.alerts.get(f.name, getattr(defaults, f.name))
            rows.append((key, value, cfg.sources.get(key, "default")))
            continue
        email = cfg.alerts.get("email") or {}
        if not email:
            rows.append((key, None, cfg.sources.get(key, "default")))
        for name in EMAIL_KEYS:
            if name in email:
                rows.append((f"{key}.{name}", email[name], cfg.sources.get(key, "default")))
    for name in REPORT_KEYS:
        key = f"report.{name}"
        rows.append((key, cfg.report.get(name), cfg.sources.get(key, "default")))
    return rows + _worklog(cfg)


def _worklog(cfg: Any) -> list[tuple[str, Any, str]]:
    """[worklog]: the timer's limit and how invoices are numbered, with the defaults."""
    from seolog.services.invoices import InvoiceSettings
    from seolog.services.timer import DEFAULT_MAX_HOURS

    invoices = InvoiceSettings()
    defaults = {
        "max_timer_hours": DEFAULT_MAX_HOURS,
        "invoice_number": invoices.number,
        "invoice_due_days": invoices.due_days,
        "invoice_details": invoices.details,
    }
    return [
        (
            f"worklog.{name}",
            cfg.worklog.get(name, value),
            cfg.sources.get(f"worklog.{name}", "default"),
        )
        for name, value in defaults.items()
    ] + _suggest(cfg)


def _suggest(cfg: Any) -> list[tuple[str, Any, str]]:
    """[suggest]: the language model `seolog suggest` asks, with the defaults (never its key)."""
    from seolog.llm.client import DEFAULT_API_URL, DEFAULT_TIMEOUT
    from seolog.projectconfig import SUGGEST_KEYS

    defaults = {"api_url": DEFAULT_API_URL, "concurrency": 2, "timeout": DEFAULT_TIMEOUT}
    defaults |= {"minutes_saved": 5, "prices": {}}
    return [
        (
            f"suggest.{name}",
            cfg.suggest.get(name, defaults.get(name)),
            cfg.sources.get(f"suggest.{name}", "default"),
        )
        for name in SUGGEST_KEYS
    ]


@app.command(
    "show",
    epilog="Examples: seolog config show · seolog config show --profile staging --format json",
)
def show(
    ctx: typer.Context,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Show with this profile applied.")
    ] = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Print the settings a scan here would use, and where each came from: the default, the
    user config file, the project's seolog.toml, the profile, or a SEOLOG_SCAN_* /
    SEOLOG_GATES_* variable. Command-line flags still override them."""
    from seolog.api import Seolog
    from seolog.cli import render

    state: State = ctx.obj
    resolved = Seolog.for_cli(state.app, state.config, profile).settings()
    cfg, rows = resolved.config, _rows(resolved)
    for warning in resolved.warnings:
        render.note(f"warning: {warning}", state.quiet, state.no_color, "yellow")
    if fmt is o.Format.json:
        render.emit_json(
            {
                "file": str(cfg.path) if cfg.path else None,
                "user_file": str(cfg.user_path) if cfg.user_path else None,
                "profile": profile,
                "settings": {k: {"value": v, "source": src} for k, v, src in rows},
            }
        )
        return
    render.note(
        f"Config file: {cfg.path or 'none found (seolog.toml or pyproject.toml [tool.seolog])'}"
        + (f" · profile: {profile}" if profile else ""),
        False,
        state.no_color,
        "dim",
    )
    render.note(
        f"User config: {cfg.user_path or f'none ({user_config_path()})'}",
        False,
        state.no_color,
        "dim",
    )
    render.table(
        None,
        ["Setting", "Value", "From"],
        [[k, _shown(k, v), src] for k, v, src in rows],
        state.no_color,
    )


def _shown(key: str, value: Any) -> Any:
    """An assertion reads as its flag would spell it: `max:10:warn`."""
    if key.startswith("gates.checks.") and isinstance(value, dict):
        level = "" if value["level"] == "error" else f":{value['level']}"
        return "off" if value["level"] == "off" else f"max:{value['max']}{level}"
    return value
