"""`seolog sync …`: send scans to the hosted platform through the durable outbox."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any

import typer

from seolog.cli import options as o
from seolog.cli.auth import ApiUrlOpt, ConcurrencyOpt, TimeoutOpt, key_cell
from seolog.cli.state import State

app = typer.Typer(
    help="Send scans to the hosted SEO platform: push, status, retry.", no_args_is_help=True
)

SCHEMA = "seolog.sync/1"


def push_json(report: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "site": report.site,
        "scan_id": report.scan_id,
        "api_url": report.api_url,
        "platform_site_id": report.platform_site_id,
        "dry_run": report.dry_run,
        "queued": report.queued,
        "skipped": report.skipped,
        "not_sent": dict(report.not_sent),
        "created": report.sent.created,
        "updated": report.sent.updated,
        "failed": report.sent.failed,
        "remaining": report.remaining,
        "failed_total": report.failed_total,
        "already_sent": report.already_sent,
        # A scan sent before to this platform site: what sending it (again) updates and creates.
        "resend": (
            {"update": report.resend[0], "new": report.resend[1]} if report.resend else None
        ),
        "unsendable": [
            {"url": url, "reason": why.reason, "message": why.message}
            for url, why in report.unsendable
        ],
        "left_out": [{"url": url, "note": note} for url, note in report.left_out],
    }
    if report.dry_run:
        doc["requests"] = report.bodies
    return doc


def push_summary(report: Any) -> str:
    """One line for people, the same after `sync push`, `sync retry` and `scan --sync`."""
    what = f"scan {report.scan_id} of {report.site}" if report.scan_id else report.site
    if report.already_sent:
        update, new = report.resend or (0, 0)
        return (
            f"Nothing to send: {what} went to {_where(report)} before. "
            f"--force sends it again: {_resend_counts(update, new)}."
        )
    if report.dry_run:
        return (
            f"Dry run: {what} would send {report.queued} pages"
            f"{_unsendable(report)}; nothing was sent.{_not_pages(report)}"
        )
    t = report.sent
    line = (
        f"Synced {what} to {_where(report)}: {t.sent} pages sent "
        f"({t.created} new, {t.updated} updated), {report.remaining} still queued"
    )
    return line + _unsendable(report) + "." + _not_pages(report)


# How to count the scan's URLs that are not pages, by the reason's key in `not_sent`.
NOT_PAGE_WORDS = {
    "redirect": ("redirect", "redirects"),
    "error": ("error page", "error pages"),
    "not_html": ("non-HTML file", "non-HTML files"),
    "no_answer": ("URL with no answer", "URLs with no answer"),
    "blocked": ("URL blocked by robots.txt", "URLs blocked by robots.txt"),
}


def _not_pages(report: Any) -> str:
    """' Not pages, so not sent: 12 redirects, 3 error pages.': the scan's URLs that are not
    pages on the site, counted by reason (none: '')."""
    counts = []
    for reason, n in report.not_sent.items():
        if n:
            one, many = NOT_PAGE_WORDS.get(reason, (reason.replace("_", " "),) * 2)
            counts.append(f"{n} {one if n == 1 else many}")
    return f" Not pages, so not sent: {', '.join(counts)}." if counts else ""


def _where(report: Any) -> str:
    """The API, and the platform site the key opens there (the history is kept per site)."""
    if report.platform_site_id is None:
        return report.api_url
    return f"{report.api_url} (platform site {report.platform_site_id})"


def _resend_counts(update: int, new: int) -> str:
    pages = "page updates" if update == 1 else "pages update"
    return f"{update} {pages}, {new} {'is' if new == 1 else 'are'} new"


def resend_line(report: Any) -> str | None:
    """Before a forced push sends: what it will update and create on the platform site, from
    what was sent to it before. None for a scan sent there for the first time."""
    if report.resend is None or report.already_sent:
        return None
    return f"Sending scan {report.scan_id} again: {_resend_counts(*report.resend)}."


def _unsendable(report: Any) -> str:
    """', N pages not sent (why, …)': the pages the platform cannot take, counted by reason."""
    if not report.unsendable:
        return ""
    by_reason = Counter(why.label for _, why in report.unsendable)
    if len(by_reason) == 1:
        reasons = next(iter(by_reason))
    else:
        reasons = "; ".join(f"{n} {label}" for label, n in by_reason.items())
    n = len(report.unsendable)
    return f", {n} {'page' if n == 1 else 'pages'} not sent ({reasons})"


MAX_LISTED = 10  # pages named one by one after a push; the JSON output lists them all


def page_lines(report: Any) -> list[str]:
    """One line per page set aside or fitted by leaving something out, then how many more."""
    lines = [f"not sent: {url}: {why.message}" for url, why in report.unsendable]
    lines += [f"{url}: {note}" for url, note in report.left_out]
    if len(lines) > MAX_LISTED:
        more = len(lines) - MAX_LISTED
        lines = [*lines[:MAX_LISTED], f"… and {more} more (all of them: --format json)"]
    return lines


def finish(state: State, report: Any, fmt: o.Format) -> None:
    """Print the outcome; pages set aside as failed (refused, or failing while other pages went
    through) make the command fail (exit 6), with a hint to `sync retry` instead of the outage's
    "once the platform is back". Pages it cannot take at all are named, but do not: no retry can
    send them (a URL over its limit)."""
    from seolog.cli import render
    from seolog.errors import SyncError

    if fmt is o.Format.json:
        render.emit_json(push_json(report))
    else:
        render.note(push_summary(report), state.quiet, state.no_color, "green")
        for line in page_lines(report):
            render.warning(line, state.quiet, state.no_color)
    if report.failed_total:
        n = report.failed_total
        # Refused (a 4xx) or failing through its retries while other pages went through: both
        # are set aside, and the platform's answer for each is in `sync status`.
        raise SyncError(
            f"{n} {'page' if n == 1 else 'pages'} of {report.site} failed on the platform and "
            f"{'was' if n == 1 else 'were'} set aside",
            hint=f"see the platform's answer with `seolog sync status {report.site}`, "
            f"then `seolog sync retry {report.site}`",
        )


def with_progress(state: State, send: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `send` (sync.push or sync.retry) under a progress bar: push, retry and `scan --sync`."""
    from seolog.cli import render

    with render.count_progress(state.quiet, state.no_color, "sync") as bar:
        progress = (lambda t, total: bar(t.sent + t.failed, total)) if bar else None
        return send(state.app, *args, progress=progress, **kwargs)


@app.command(
    "push",
    epilog="Examples:\n\n  seolog sync push acme\n\n  seolog sync push --scan 12 --dry-run "
    "--format json > bodies.json\n\n  SEOLOG_API_KEY=… SEOLOG_API_URL=… seolog sync push acme",
)
def push(
    ctx: typer.Context,
    site: Annotated[
        str | None, typer.Argument(help="The site (name or id); its latest completed scan.")
    ] = None,
    scan_id: Annotated[int | None, typer.Option("--scan", help="Push this scan instead.")] = None,
    api_url: ApiUrlOpt = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what would be sent (JSON: the bodies); send nothing."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Queue a scan again that was pushed before.")
    ] = False,
    timeout: TimeoutOpt = 30.0,
    concurrency: ConcurrencyOpt = 4,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Send a scan's pages and their SEO data (score, issues, recommendations) to the platform.

    Pages go through the outbox in the store: Ctrl-C, a crash or a failing
    platform leaves the rest queued, and the next push (or `sync retry`)
    carries on without duplicates. Text over the platform's column limits is
    cut; a page whose own URL is longer than the platform takes (200
    characters) is not sent and is named, with exit 0 still. A page whose
    body was over the scan's --max-body-size is sent too, with its findings
    but without its content; redirects, error pages and files are not pages,
    and the summary counts them by reason.

    Exits 6 when the platform is down: three pages in a row fail (5xx, timeout,
    dropped connection) through their retries, none sent in between; the push
    stops and the rest stays queued. Also 6 when it refuses the key, or when
    pages are set aside as failed: a page it refuses (4xx) or keeps failing on
    while other pages go through. The push goes on without them; `sync status`
    says why, and `sync retry` (not a plain push) sends them again.
    """
    from seolog.cli import render
    from seolog.services import sync

    state: State = ctx.obj

    def on_queued(queued: Any) -> None:
        if force and (line := resend_line(queued)):
            render.note(line, state.quiet, state.no_color)

    report = with_progress(
        state,
        sync.push,
        on_queued=on_queued,
        site_ident=site,
        scan_id=scan_id,
        api_url=api_url,
        dry_run=dry_run,
        keep_bodies=dry_run and fmt is o.Format.json,
        force=force,
        timeout=timeout,
        concurrency=concurrency,
    )
    finish(state, report, fmt)


@app.command("retry", epilog="Example: seolog sync retry acme")
def retry(
    ctx: typer.Context,
    site: Annotated[str, typer.Argument(help="The site (name or id).")],
    api_url: ApiUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    concurrency: ConcurrencyOpt = 4,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Queue the pages set aside as failed once more, and send everything still queued.

    Exits 6 as `sync push` does: the platform down, the key refused, or pages
    set aside again.
    """
    from seolog.services import sync

    state: State = ctx.obj
    report = with_progress(
        state, sync.retry, site, api_url, timeout=timeout, concurrency=concurrency
    )
    finish(state, report, fmt)


@app.command("status", epilog="Example: seolog sync status --format json")
def status(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Argument(help="One site (default: all).")] = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """What is queued for the platform, what was sent, and the last error, per site, API and
    platform site (the one the key opens: a key for another starts a history of its own)."""
    from seolog.cli import render
    from seolog.services import sync

    state: State = ctx.obj
    views = sync.status(state.app, site)
    if fmt is o.Format.json:
        render.emit_json(
            [
                {
                    "site": v.site,
                    "api_url": v.api_url,
                    "platform_site_id": v.platform_site_id,
                    "platform_site_name": v.platform_site_name,
                    "pending": v.pending,
                    "sent": v.sent,
                    "failed": v.failed,
                    "unsendable": v.unsendable,
                    "platform_pages": v.platform_pages,
                    "last_error": v.last_error,
                    "last_error_at": v.last_error_at.isoformat() if v.last_error_at else None,
                    "last_sent_at": v.last_sent_at.isoformat() if v.last_sent_at else None,
                    "key": v.key,
                    "key_source": v.key_source,
                }
                for v in views
            ]
        )
        return
    if not views:
        render.note(
            "Nothing synced yet. Start with: seolog auth login SITE --api-url URL",
            state.quiet,
            state.no_color,
        )
        return
    render.table(
        None,
        [
            "Site",
            "API",
            "Platform site",
            "Queued",
            "Sent",
            "Failed",
            "Unsendable",
            "On platform",
            "Last sent",
            "Key",
        ],
        [
            [
                v.site,
                v.api_url,
                _platform_cell(v.platform_site_id, v.platform_site_name),
                v.pending,
                v.sent,
                v.failed,
                v.unsendable,
                v.platform_pages,
                render.when(v.last_sent_at),
                key_cell(v.key, v.key_source),
            ]
            for v in views
        ],
        state.no_color,
    )
    errors = [[v.site, render.when(v.last_error_at), v.last_error] for v in views if v.last_error]
    if errors:
        render.table("Last errors", ["Site", "When", "Error"], errors, state.no_color)


def _platform_cell(site_id: int | None, name: str | None) -> str:
    if site_id is None:
        return "not recorded"
    return f"{name} ({site_id})" if name else str(site_id)
