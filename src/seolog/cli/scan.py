"""`seolog scan TARGET`: the main job. Crawl a site, a registered site or a folder into the store."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from seolog.cli import delivery as d
from seolog.cli import options as o
from seolog.settings import AUDIT

EPILOG = """\
[bold]Examples[/bold]

  seolog scan https://www.example.com
  seolog scan acme --max-pages 500            [dim]# a site registered with `seolog sites add`[/dim]
  seolog scan ./public --base-url https://www.example.com   [dim]# a built static site[/dim]
  seolog scan https://staging.example.com --auth user:pass --ignore-robots
  seolog scan https://staging.example.com --ca-bundle staging-ca.pem   [dim]# a private CA[/dim]
  seolog scan https://www.example.com --external-skip facebook.com --max-external 2000
  seolog scan https://www.example.com --format json > scan.json
  seolog scan ./public --fail-under 90 -o results.sarif -o summary.md   [dim]# CI[/dim]
  seolog scan ./public --format github --fail-on error   [dim]# GitHub Actions annotations[/dim]
  seolog scan ./public -o gl-code-quality-report.json -o junit:junit.xml   [dim]# GitLab[/dim]
  seolog scan 127.0.0.1:8081 -q               [dim]# no scheme: https if it answers, else http[/dim]
  seolog scan https://staging.example.com --fail-on-new --baseline main.json
  seolog scan ./public --assert link-broken=max:0 --assert 'image-*=warn'
  seolog scan ./public --assert title-too-long=max:10:warn   [dim]# a warning above 10[/dim]
  seolog scan --resume 12                     [dim]# finish an interrupted scan[/dim]
  seolog scan https://app.example.com --render auto   [dim]# render JavaScript app shells[/dim]
  seolog scan https://www.example.com --render always --render-timeout 30
  seolog scan https://www.example.com --lab --fail-under-lab performance=80   [dim]# Lighthouse[/dim]

[bold]Exit codes[/bold]

  0 done · 1 a gate failed (--fail-under, --fail-under-lab, --fail-on, --fail-on-new, an
  error-level --assert) ·
  2 bad flag or argument · 3 unknown site, scan or check code, or bad config ·
  4 start URL unreachable, or robots.txt forbids it · 5 database error ·
  6 --sync failed (the scan is saved; `seolog sync retry`) ·
  8 Chromium (--render, --lab) or Lighthouse (--lab) is not installed · 70 internal error (a bug) ·
  130 interrupted (pages so far are saved; resume with --resume ID)

[bold]Settings[/bold]

  Every crawl and gate option can also be set in seolog.toml (\\[scan], \\[gates]), in the user
  config file, or as SEOLOG_SCAN_<NAME> / SEOLOG_GATES_<NAME> (e.g. SEOLOG_SCAN_MAX_PAGES=500).
  Flags win, then the environment, the --profile, seolog.toml, the user file.
  `seolog config show` prints what a scan here would use, and where each value came from.

[bold]Assertions[/bold] (--assert CODE=SPEC, or \\[gates.checks] in seolog.toml)

  SPEC is max:N (fail above N issues with that code), max:N:warn (only a warning above N),
  error (max 0), warn (a warning for any) or off (switch a glob off for one code). CODE is a
  check code or a glob such as 'image-*' (quote it for the shell); an exact code wins over a
  glob. In the file: link-broken = { max = 0 }, title-too-long = { max = 10,
  level = "warn" }, "image-*" = "error".
"""


def register(app: typer.Typer) -> None:
    app.command("scan", epilog=EPILOG)(scan)


@o.with_settings("scan", "gates")
def scan(
    ctx: typer.Context,
    target: Annotated[
        str | None,
        typer.Argument(
            help="A URL, a site name from `seolog sites list`, or a folder of HTML.",
            show_default=False,
        ),
    ] = None,
    resume: Annotated[
        int | None,
        typer.Option("--resume", help="Continue the interrupted scan with this ID.", metavar="ID"),
    ] = None,
    header: o.HeaderOpt = None,
    cookie: o.CookieOpt = None,
    auth: o.AuthOpt = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="For a folder: the public URL it will be served at."),
    ] = None,
    threshold: Annotated[
        list[str] | None,
        typer.Option(
            "--threshold",
            "-t",
            metavar="NAME=N",
            help="Change a check threshold, e.g. title_max_px=600 (see `seolog checks list`).",
            rich_help_panel=AUDIT,
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="A settings profile from the config file, or the built-in 'staging' (no "
            "noindex/robots findings, robots.txt not obeyed).",
            rich_help_panel=AUDIT,
        ),
    ] = None,
    scheduled: Annotated[
        bool,
        typer.Option(
            "--scheduled",
            help="A cron run (see `seolog schedule`): recorded as scheduled, silent unless the "
            "site regressed (then the \\[alerts] go out), skipped while an earlier run still goes.",
            rich_help_panel=AUDIT,
        ),
    ] = False,
    against_previous: Annotated[
        bool,
        typer.Option(
            "--against-previous",
            help="After the summary, compare with this site's previous completed scan.",
            rich_help_panel=AUDIT,
        ),
    ] = False,
    exit_zero: Annotated[
        bool,
        typer.Option(
            "--exit-zero",
            help="Exit 0 even when a gate fails: the verdict is still printed and written "
            "(as ruff's --exit-zero). seolog's own errors keep their exit codes.",
            rich_help_panel=AUDIT,
        ),
    ] = False,
    statistics: Annotated[
        bool,
        typer.Option(
            "--statistics",
            help="Print the findings counted per check code (count, code, severity, title) "
            "instead of the summary, as ruff --statistics does.",
            rich_help_panel=AUDIT,
        ),
    ] = False,
    fmt: d.ReportFormatOpt = d.ReportFormat.table,
    output: d.OutputsOpt = None,
    **settings: Any,
) -> None:
    """Crawl a website (or a folder of HTML) politely, audit every page, and print a summary.

    robots.txt is obeyed, sitemaps seed the crawl, and pages stream to the database as they are
    fetched, so Ctrl-C keeps everything crawled so far. Every page goes through the checks
    (`seolog checks list`); the site gets a score from 0 to 100.
    """
    from seolog.cli.scanflow import ScanCommand, run_scan_command

    run_scan_command(
        ctx.obj,
        ScanCommand(
            target=target,
            resume=resume,
            credentials=o.credentials(header, cookie, auth),
            base_url=base_url,
            thresholds=threshold or [],
            profile=profile,
            scheduled=scheduled,
            against_previous=against_previous,
            exit_zero=exit_zero,
            statistics=statistics,
            fmt=fmt,
            outputs=output or [],
            settings=o.given(ctx, settings),
        ),
    )
