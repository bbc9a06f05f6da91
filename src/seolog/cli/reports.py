"""`seolog reports …`: client-ready HTML and PDF."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from seolog.cli.state import State

if TYPE_CHECKING:
    from seolog.services.reports import ReportRequest

app = typer.Typer(
    help="Client reports: audits, work done, and the monthly report (HTML or PDF).\n\n"
    "Checks show as plain-language titles, the code in small print. The site score carries "
    "its band, Lighthouse's: 90-100 good, 50-89 needs work, 0-49 poor.",
    no_args_is_help=True,
)


class Kind(StrEnum):
    html = "html"
    pdf = "pdf"


FormatOpt = Annotated[
    Kind | None,
    typer.Option(
        "--format",
        "-f",
        help="html (one self-contained file) or pdf (A4). Default: the --output file's "
        "extension (.html, .htm, .pdf), else pdf.",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="The file to write (default: a name from the report).",
        dir_okay=False,
    ),
]
LangOpt = Annotated[
    str,
    typer.Option(
        "--lang",
        help="Report language: en or nl, or any language with a locale/LANG.po file in "
        "--template-dir. Also sets the default file name's language.",
    ),
]
TemplateDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--template-dir",
        help="A folder whose templates (by name) replace seolog's.",
        file_okay=False,
    ),
]


def report_request(
    state: State,
    fmt: Kind | None,
    output: Path | None,
    kind: str,
    name: str,
    lang: str,
    template_dir: Path | None,
) -> ReportRequest:
    """`kind` is audit, work or monthly; the default file is <kind in the language>-<name>."""
    from seolog.projectconfig import load_config
    from seolog.reports.render import Branding, file_stem
    from seolog.services.reports import ReportRequest, report_format

    chosen = report_format(fmt.value if fmt is not None else None, output)
    cfg = load_config(state.config)
    branding = Branding.from_config(cfg.report, cfg.path.parent if cfg.path else None)
    if template_dir is not None:
        branding.template_dir = template_dir
        branding.check()
    stem = file_stem(kind, lang, branding.template_dir)
    path = output or Path(f"{stem}-{name}.{chosen}")
    return ReportRequest(chosen, path, lang, branding)


NoAmountsOpt = Annotated[
    bool,
    typer.Option(
        "--no-amounts",
        help="Hours only: no rates, amounts or totals in money (for clients who see hours).",
    ),
]


def done(state: State, written: object) -> None:
    from seolog.cli import render

    size = getattr(written, "size", 0)
    render.note(
        f"Wrote {getattr(written, 'path', '')} ({size / 1024:,.0f} KiB)",
        state.quiet,
        state.no_color,
        "green",
    )
    for extra in getattr(written, "extra", []):
        render.note(
            f"Wrote {extra} (the full list of issues)", state.quiet, state.no_color, "green"
        )


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "report"


@app.command(
    "audit",
    epilog="Examples: seolog reports audit acme --format pdf -o acme-audit.pdf · "
    "seolog reports audit 12 --format html --lang nl",
)
def audit(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(help="A site name (its latest scan) or a scan ID.", show_default=False)
    ],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    lang: LangOpt = "en",
    template_dir: TemplateDirOpt = None,
) -> None:
    """The audit of one scan: score and its trend, issues by severity and area, the top issues
    with why and how to fix, the worst pages, and every issue in an appendix."""
    from seolog.services.reports import audit_report

    state: State = ctx.obj
    request = report_request(state, fmt, output, "audit", _slug(target), lang, template_dir)
    done(state, audit_report(state.app, target, request))


@app.command(
    "work", epilog="Example: seolog reports work 'Acme Ltd' --period last-month --format pdf"
)
def work(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(help="A client name.", show_default=False)],
    period: Annotated[
        str | None, typer.Option("--period", help="this-month, last-month (default), 2026-10, …")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this date.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this date.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    lang: LangOpt = "en",
    template_dir: TemplateDirOpt = None,
    no_amounts: NoAmountsOpt = False,
) -> None:
    """The work log of a period for a client: hours by type and site, billable totals, each entry."""
    from seolog.services.reports import report_period, work_report

    state: State = ctx.obj
    span = report_period(state.app, period, since, until)
    name = f"{_slug(client)}-{span.since:%Y-%m}"
    request = report_request(state, fmt, output, "work", name, lang, template_dir)
    request.amounts = not no_amounts
    done(state, work_report(state.app, client, request, span))


@app.command(
    "monthly",
    epilog="Examples: seolog reports monthly 'Acme Ltd' --month 2026-10 --lang nl · "
    "seolog reports monthly 'Acme Ltd' --notes october.md --next-steps plan.md --no-amounts",
)
def monthly(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(help="A client name.", show_default=False)],
    month: Annotated[
        str, typer.Option("--month", help="YYYY-MM, this-month or last-month.")
    ] = "last-month",
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    lang: LangOpt = "en",
    template_dir: TemplateDirOpt = None,
    notes: Annotated[
        Path | None,
        typer.Option(
            "--notes",
            help="A Markdown file: your executive summary, shown first. Raw HTML in it shows "
            "as text; images are not loaded.",
            dir_okay=False,
            show_default=False,
            metavar="FILE.md",
        ),
    ] = None,
    next_steps: Annotated[
        Path | None,
        typer.Option(
            "--next-steps",
            help="A Markdown file that replaces the generated next steps (the most important "
            "open issues of each site).",
            dir_okay=False,
            show_default=False,
            metavar="FILE.md",
        ),
    ] = None,
    no_amounts: NoAmountsOpt = False,
) -> None:
    """The report sent every month: scores and trends per site, the work done, the issues it
    fixed, and what comes next.

    A missing, unreadable or non-UTF-8 --notes or --next-steps file: one line, exit code 2."""
    from seolog.services.reports import month_of, monthly_report

    state: State = ctx.obj
    name = f"{_slug(client)}-{month_of(state.app, month)}"
    request = report_request(state, fmt, output, "monthly", name, lang, template_dir)
    request.notes, request.next_steps, request.amounts = notes, next_steps, not no_amounts
    done(state, monthly_report(state.app, client, month, request))
