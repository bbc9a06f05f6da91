"""`seolog lab TARGET` and `seolog scan --lab`: Lighthouse lab scores for a scan's pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from seolog.cli import options as o
from seolog.cli.state import State

if TYPE_CHECKING:
    from seolog.services.lab import LabSettings, LabTools

EPILOG = """\
[bold]Examples[/bold]

  seolog lab acme                         [dim]# one page per template of acme's latest scan[/dim]
  seolog lab 12 --lab-pages 5 --desktop   [dim]# scan 12: its five largest templates, desktop[/dim]
  seolog lab https://www.example.com/pricing   [dim]# that page (stored with its site's scan)[/dim]
  seolog scan https://www.example.com --lab --fail-under-lab performance=80

Lighthouse and Chromium must be installed: npm install -g lighthouse (Node.js 18+), and
apt-get install chromium (or name them: --lighthouse PATH, --browser PATH). Pages are measured
one after another (10-30 s each); the scores go with the scan into its JSON, outputs and
reports.

[bold]Exit codes[/bold]

  0 done · 3 no such site or scan · 8 Lighthouse or the browser is missing · 130 interrupted
  (the pages measured so far are kept)
"""


def lab_settings(values: dict[str, Any]) -> LabSettings:
    from seolog.services.lab import LabSettings

    return LabSettings(
        pages=values.get("lab_pages"),
        desktop=bool(values.get("desktop")),
        lighthouse=values.get("lighthouse"),
        browser=values.get("browser"),
    )


def measure(state: State, scan_id: int, how: LabSettings, tools: LabTools, urls: Any = None) -> Any:
    """Run the lab with a line per page on stderr (quiet: none)."""
    from seolog.cli import render
    from seolog.services.lab import run_lab

    def progress(done: int, total: int, url: str) -> None:
        if url:
            render.note(f"lab {done + 1}/{total}: {url}", state.quiet, state.no_color, "dim")

    return run_lab(state.app, scan_id, how, urls=urls, progress=progress, tools=tools)


def show(rows: list[dict[str, Any]], no_color: bool, title: str = "Lab scores") -> None:
    """The lab results as a table: one page a row, scores then the metrics."""
    from seolog.cli import render

    if not rows:
        return
    render.out(no_color).print()
    render.table(
        f"{title} (Lighthouse {rows[0]['lighthouse_version'] or '?'}, {rows[0]['form_factor']})",
        ["Perf", "A11y", "BP", "SEO", "LCP", "CLS", "TBT", "URL"],
        [
            [
                *(
                    r["scores"][c]
                    for c in ("performance", "accessibility", "best_practices", "seo")
                ),
                _ms(r["metrics"]["lcp_ms"]),
                f"{r['metrics']['cls']:.3f}" if r["metrics"]["cls"] is not None else None,
                _ms(r["metrics"]["tbt_ms"]),
                r["url"] + (f"  ({r['error']})" if r["error"] else ""),
            ]
            for r in rows
        ],
        no_color,
    )


def _ms(value: float | None) -> str | None:
    if value is None:
        return None
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def register(app: typer.Typer) -> None:
    app.command("lab", epilog=EPILOG)(lab)


def lab(
    ctx: typer.Context,
    target: o.ScanTargetArg,
    lab_pages: Annotated[
        int | None,
        typer.Option(
            "--lab-pages",
            min=1,
            max=500,
            help="Measure this many pages (default: one per template).",
        ),
    ] = None,
    desktop: Annotated[
        bool, typer.Option("--desktop", help="Desktop settings instead of a mobile phone.")
    ] = False,
    lighthouse: Annotated[
        str | None, typer.Option("--lighthouse", metavar="PATH", help="The Lighthouse command.")
    ] = None,
    browser: Annotated[
        str | None, typer.Option("--browser", metavar="PATH", help="The Chromium to run it in.")
    ] = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Lighthouse lab scores for a site's pages.

    Runs the real Lighthouse on a scan's pages (one per template unless
    --lab-pages) and stores performance, accessibility, best-practices and
    SEO scores and the lab metrics (LCP, CLS, TBT, FCP, Speed Index) with
    the scan."""
    from seolog.cli import render
    from seolog.services.lab import find_tools, lab_rows, target_scan

    state: State = ctx.obj
    how = lab_settings(
        {"lab_pages": lab_pages, "desktop": desktop, "lighthouse": lighthouse, "browser": browser}
    )
    scan_id, urls = target_scan(state.app, target)
    tools = find_tools(how)
    measure(state, scan_id, how, tools, urls)
    rows = [r for r in lab_rows(state.app, scan_id) if r["form_factor"] == how.form_factor]
    if fmt is o.Format.json:
        render.emit_json({"scan": scan_id, "lab": rows})
        return
    show(rows, state.no_color, f"Lab scores of scan {scan_id}")
