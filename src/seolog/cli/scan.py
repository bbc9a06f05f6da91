"""`seolog scan TARGET`: the main job. Crawl a site, a registered site or a folder into the store."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from seolog import config
from seolog.cli import delivery as d
from seolog.cli import options as o
from seolog.cli.state import State

EPILOG = """\
[bold]Examples[/bold]

  seolog scan https://www.example.com
  seolog scan acme --max-pages 500            [dim]# a site registered with `seolog sites add`[/dim]
  seolog scan ./public --base-url https://www.example.com   [dim]# a built static site[/dim]
  seolog scan https://staging.example.com --auth user:pass --ignore-robots
  seolog scan https://www.example.com --format json > scan.json
  seolog scan ./public --fail-under 90 -o results.sarif -o summary.md   [dim]# CI[/dim]
  seolog scan https://staging.example.com --fail-on-new --baseline main.json
  seolog scan --resume 12                     [dim]# finish an interrupted scan[/dim]

[bold]Exit codes[/bold]

  0 done · 1 a gate failed (--fail-under, --fail-on, --fail-on-new) ·
  2 bad flag or argument · 3 unknown site or bad config ·
  4 start URL unreachable, or robots.txt forbids it · 5 database error ·
  6 --sync failed (the scan is saved; `seolog sync retry`) · 70 internal error (a bug) ·
  130 interrupted (pages so far are saved; resume with --resume ID)
"""


def _against_previous(state: State, scan_id: int) -> None:
    from seolog.cli import render
    from seolog.services.diff import diff_scans, previous_scan_id

    previous = previous_scan_id(state.app, scan_id)
    if previous is None:
        render.note(
            "No earlier completed scan of this site to compare with.", False, state.no_color, "dim"
        )
        return
    render.out(state.no_color).print()
    render.diff_summary(diff_scans(state.app, previous, scan_id), state.no_color)


def _push(state: State, scan_id: int, quiet: bool = False) -> None:
    """--sync: after the outputs are written and before the gates, so a failing gate still
    reaches the dashboard, and a failing platform still leaves the scan saved (exit 6).
    `quiet` for cron: a push that worked says nothing; one that failed still does."""
    from dataclasses import replace

    from seolog.cli.sync import finish, with_progress
    from seolog.services.sync import push

    state = replace(state, quiet=state.quiet or quiet)
    finish(state, with_progress(state, push, scan_id=scan_id), o.Format.table)


def _typed(ctx: typer.Context, param: str) -> bool:
    """Was this flag given on the command line (or its environment variable)? Those beat the
    config file; defaults do not."""
    source = ctx.get_parameter_source(param)
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")


def register(app: typer.Typer) -> None:
    app.command("scan", epilog=EPILOG)(scan)


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
    max_pages: Annotated[
        int,
        typer.Option(
            "--max-pages", min=1, help="Stop after this many URLs.", rich_help_panel=o.CRAWL
        ),
    ] = config.DEFAULT_MAX_PAGES,
    max_depth: Annotated[
        int | None,
        typer.Option(
            "--max-depth",
            min=0,
            help="Follow links at most this many clicks from the start.",
            rich_help_panel=o.CRAWL,
        ),
    ] = None,
    concurrency: Annotated[
        int,
        typer.Option(
            "--concurrency", "-c", min=1, max=64, help="Parallel requests.", rich_help_panel=o.CRAWL
        ),
    ] = config.DEFAULT_CONCURRENCY,
    rate: Annotated[
        float | None,
        typer.Option(
            "--rate",
            min=0.01,
            help="At most this many requests per second.",
            rich_help_panel=o.CRAWL,
        ),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", min=0.1, help="Seconds to wait for each response.", rich_help_panel=o.CRAWL
        ),
    ] = config.DEFAULT_TIMEOUT,
    max_time: Annotated[
        float | None,
        typer.Option(
            "--max-time",
            min=1,
            help="Stop crawling after this many seconds.",
            rich_help_panel=o.CRAWL,
        ),
    ] = None,
    max_body_size: Annotated[
        str,
        typer.Option(
            "--max-body-size", help="Largest HTML body read, e.g. 5M.", rich_help_panel=o.CRAWL
        ),
    ] = "5M",
    retries: Annotated[
        int,
        typer.Option(
            "--retries",
            min=0,
            max=10,
            help="Retries on connection errors, 429 and 503.",
            rich_help_panel=o.CRAWL,
        ),
    ] = config.DEFAULT_RETRIES,
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--include",
            help="Only crawl URLs matching this regex (repeatable).",
            rich_help_panel=o.CRAWL,
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude", help="Skip URLs matching this regex (repeatable).", rich_help_panel=o.CRAWL
        ),
    ] = None,
    subdomains: Annotated[
        bool,
        typer.Option(
            "--subdomains", help="Also crawl subdomains of the start host.", rich_help_panel=o.CRAWL
        ),
    ] = False,
    ignore_robots: Annotated[
        bool,
        typer.Option(
            "--ignore-robots",
            help="Do not obey robots.txt (prints a warning).",
            rich_help_panel=o.CRAWL,
        ),
    ] = False,
    no_sitemaps: Annotated[
        bool,
        typer.Option(
            "--no-sitemaps", help="Do not seed the crawl from sitemaps.", rich_help_panel=o.CRAWL
        ),
    ] = False,
    store_html: Annotated[
        bool,
        typer.Option(
            "--store-html", help="Keep each page's HTML in the database.", rich_help_panel=o.CRAWL
        ),
    ] = False,
    user_agent: Annotated[
        str | None,
        typer.Option(
            "--user-agent",
            help="User-Agent header (default names seolog).",
            rich_help_panel=o.ACCESS,
        ),
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
            help="Change a check threshold, e.g. title_max_chars=65 (see `seolog checks list`).",
            rich_help_panel=o.AUDIT,
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="A settings profile from the config file, or the built-in 'staging' (no "
            "noindex/robots findings, robots.txt not obeyed).",
            rich_help_panel=o.AUDIT,
        ),
    ] = None,
    scheduled: Annotated[
        bool,
        typer.Option(
            "--scheduled",
            help="A cron run (see `seolog schedule`): recorded as scheduled, silent unless the "
            "site regressed (then the [alerts] go out), skipped while an earlier run still goes.",
            rich_help_panel=o.AUDIT,
        ),
    ] = False,
    against_previous: Annotated[
        bool,
        typer.Option(
            "--against-previous",
            help="After the summary, compare with this site's previous completed scan.",
            rich_help_panel=o.AUDIT,
        ),
    ] = False,
    sync: Annotated[
        bool,
        typer.Option(
            "--sync",
            help="Afterwards, push the scan to the hosted platform (see `seolog sync push`; "
            "needs `seolog auth login` or SEOLOG_API_KEY and SEOLOG_API_URL).",
            rich_help_panel=o.AUDIT,
        ),
    ] = False,
    fail_under: d.FailUnderOpt = None,
    fail_on: d.FailOnOpt = None,
    fail_on_new: d.FailOnNewOpt = False,
    baseline: d.BaselineOpt = None,
    fmt: d.ReportFormatOpt = d.ReportFormat.table,
    output: d.OutputsOpt = None,
) -> None:
    """Crawl a website (or a folder of HTML) politely, audit every page, and print a summary.

    robots.txt is obeyed, sitemaps seed the crawl, and pages stream to the database as they are
    fetched, so Ctrl-C keeps everything crawled so far. Every page goes through the checks
    (`seolog checks list`); the site gets a score from 0 to 100.
    """
    from seolog.checks.thresholds import Thresholds
    from seolog.cli import render
    from seolog.config import CrawlSettings
    from seolog.projectconfig import load_config
    from seolog.services import scans

    state: State = ctx.obj
    cfg = load_config(state.config, profile)

    def pick(param: str, value: Any, key: str | None = None) -> Any:
        """The flag when typed, else the config file's value, else the flag's default."""
        key = key or param
        if _typed(ctx, param) or key not in cfg.scan:
            return value
        return cfg.scan[key]

    if not _typed(ctx, "fail_under"):
        fail_under = cfg.gates.get("fail_under", fail_under)
    if not _typed(ctx, "fail_on") and "fail_on" in cfg.gates:
        fail_on = d.FailOn(cfg.gates["fail_on"])
    gates = d.Gates(fail_under, fail_on, fail_on_new, baseline)
    gates.check_usage()  # before the crawl, not after it
    sync = pick("sync", sync)
    secrets = o.secrets(header, cookie, auth)
    if resume is not None:
        if target is not None:
            raise typer.BadParameter(
                "give either TARGET or --resume ID, not both", param_hint="--resume"
            )
        with render.scan_progress(state.quiet, state.no_color, max_pages) as bar:
            result = scans.resume_scan(state.app, resume, secrets, bar)
    else:
        if target is None:
            raise typer.BadParameter(
                "say what to scan: a URL, a site name or a folder", param_hint="TARGET"
            )
        ignore_robots = pick("ignore_robots", ignore_robots)
        max_pages = pick("max_pages", max_pages)
        settings = CrawlSettings(
            concurrency=pick("concurrency", concurrency),
            rate=pick("rate", rate),
            timeout=pick("timeout", timeout),
            max_pages=max_pages,
            max_depth=pick("max_depth", max_depth),
            max_time=pick("max_time", max_time),
            max_body_bytes=o.parse_size(max_body_size),
            retries=pick("retries", retries),
            include=pick("include", include or []),
            exclude=pick("exclude", exclude or []),
            subdomains=pick("subdomains", subdomains),
            ignore_robots=ignore_robots,
            use_sitemaps=pick("no_sitemaps", not no_sitemaps, "sitemaps"),
            store_html=store_html,
            headers=secrets.headers,
            cookies=secrets.cookies,
            auth=secrets.auth,
            thresholds=Thresholds.from_stored(cfg.thresholds)
            .with_overrides(threshold or [])
            .to_stored(),
            audit_rules=cfg.audit_rules(),
        )
        user_agent = pick("user_agent", user_agent)
        if user_agent:
            settings.user_agent = user_agent
        if ignore_robots:
            render.note(
                "warning: --ignore-robots: robots.txt will not be obeyed",
                state.quiet,
                state.no_color,
                "yellow",
            )
        request = scans.ScanRequest(target=target, settings=settings, base_url=base_url)
        if scheduled:
            from seolog.cli.scheduled import scheduled_run

            result = scheduled_run(state, request, cfg.alerts)
            if result is None:
                return  # skipped: the previous run of this target is still going
            d.deliver(state, result, d.ReportFormat.table, output, summary=False)
            if sync:
                _push(state, result.scan.id or 0, quiet=True)
            d.gate(state, result, gates, None)
            return
        with render.scan_progress(state.quiet, state.no_color, max_pages) as bar:
            result = scans.run_scan(state.app, request, bar)
    doc = d.deliver(state, result, fmt, output)
    if against_previous and not state.quiet and (fmt is d.ReportFormat.table or output):
        _against_previous(state, result.scan.id or 0)
    if not state.quiet and fmt is d.ReportFormat.table and not output:
        render.note(
            f"Details: seolog scans show {result.scan.id}", state.quiet, state.no_color, "dim"
        )
    if sync:
        _push(state, result.scan.id or 0)
    d.gate(state, result, gates, doc)
