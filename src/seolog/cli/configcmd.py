"""`seolog config show`: the merged project settings, and where each value came from."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from seolog.cli import options as o
from seolog.cli.state import State

app = typer.Typer(
    help="The project config file (seolog.toml or [tool.seolog]).", no_args_is_help=True
)


def _settings(profile: str | None, state: State) -> tuple[Any, list[tuple[str, Any, str]]]:
    from dataclasses import fields

    from seolog.checks.thresholds import Thresholds
    from seolog.config import CrawlSettings
    from seolog.projectconfig import SCAN_KEYS, load_config

    cfg = load_config(state.config, profile)
    crawl = CrawlSettings()
    rows: list[tuple[str, Any, str]] = []
    # [scan] keys that are not crawl settings: `sitemaps` is stored inverted, `sync` is a step.
    other = {"sitemaps": crawl.use_sitemaps, "sync": False}
    for key in SCAN_KEYS:
        default = other[key] if key in other else getattr(crawl, key)
        rows.append(
            (f"scan.{key}", cfg.scan.get(key, default), cfg.sources.get(f"scan.{key}", "default"))
        )
    defaults = Thresholds()
    for f in fields(Thresholds):
        key = f"thresholds.{f.name}"
        rows.append(
            (
                key,
                cfg.thresholds.get(f.name, getattr(defaults, f.name)),
                cfg.sources.get(key, "default"),
            )
        )
    rows.append(("checks.disable", cfg.disable, cfg.sources.get("checks.disable", "default")))
    for code, severity in sorted(cfg.severity.items()):
        rows.append((f"checks.severity.{code}", severity, cfg.sources[f"checks.severity.{code}"]))
    rows.append(("checks.ignore", cfg.ignore, cfg.sources.get("checks.ignore", "default")))
    for key in ("fail_under", "fail_on"):
        rows.append(
            (f"gates.{key}", cfg.gates.get(key), cfg.sources.get(f"gates.{key}", "default"))
        )
    return cfg, rows


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
    """Print the settings a scan here would use: defaults, the config file, then the profile.
    Command-line flags still override them."""
    from seolog.cli import render

    state: State = ctx.obj
    cfg, rows = _settings(profile, state)
    if fmt is o.Format.json:
        render.emit_json(
            {
                "file": str(cfg.path) if cfg.path else None,
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
    render.table(
        None, ["Setting", "Value", "From"], [[k, v, src] for k, v, src in rows], state.no_color
    )
