"""Reports for clients: the audit of one scan, the work log of a period, and the monthly report
that combines both. HTML, or PDF printed from the same HTML."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from seolog.context import AppContext
from seolog.errors import NotFoundError, UsageError
from seolog.files import atomic_write
from seolog.ids import numeric_id
from seolog.reports import labels, model
from seolog.reports.render import Branding, Renderer, write_pdf
from seolog.services.clients import get_client
from seolog.services.diff import compare
from seolog.services.history import comparable_history, period_scans
from seolog.services.logs import ListFilter, list_entries, today
from seolog.services.results import scan_document
from seolog.services.sites import get_site
from seolog.storage import repo
from seolog.storage import worklog as store
from seolog.storage.db import session_scope
from seolog.worklog.parse import parse_period


@dataclass
class ReportRequest:
    fmt: str  # html | pdf
    output: Path
    lang: str = "en"
    branding: Branding | None = None
    notes: Path | None = None  # Markdown: the consultant's executive summary (monthly)
    next_steps: Path | None = None  # Markdown: replaces the generated next steps (monthly)
    amounts: bool = True  # False: hours only, no money anywhere (work, monthly)


# What a report file's extension says it is; any other extension says nothing.
FORMAT_OF_SUFFIX = {".html": "html", ".htm": "html", ".pdf": "pdf"}
DEFAULT_FORMAT = "pdf"


def report_format(explicit: str | None, output: Path | None) -> str:
    """The format to write: an explicit --format, else the output file's extension (.html or
    .htm is HTML, .pdf is PDF), else PDF. A format the extension contradicts is refused: an
    `x.html` holding a PDF opens as garbage in a browser."""
    if output is None:
        return explicit or DEFAULT_FORMAT
    implied = FORMAT_OF_SUFFIX.get(output.suffix.lower())
    if explicit is not None and implied is not None and explicit != implied:
        raise UsageError(
            f"--format {explicit} does not match the file name {output.name} ({implied})",
            hint=f"drop --format, or name the file {output.stem}.{explicit}",
        )
    return explicit or implied or DEFAULT_FORMAT


def read_markdown(path: Path | None, what: str) -> str | None:
    """The Markdown of a --notes or --next-steps file as safe HTML; None without a file or text.
    A missing, unreadable or non-UTF-8 file is a usage error (exit 2), found before any work."""
    if path is None:
        return None
    from seolog.reports.notes import markdown_html

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"the {what} file {path} does not exist", hint="check the path") from None
    except IsADirectoryError:
        raise UsageError(
            f"the {what} file {path} is a folder", hint="give a Markdown file"
        ) from None
    except UnicodeDecodeError:
        raise UsageError(
            f"the {what} file {path} is not UTF-8 text", hint="save it as UTF-8 (plain Markdown)"
        ) from None
    except OSError as e:
        raise UsageError(
            f"cannot read the {what} file {path}: {e.strerror}", hint="check its permissions"
        ) from None
    return markdown_html(text) if text.strip() else None


@dataclass
class Written:
    path: Path
    size: int
    extra: list[Path]  # e.g. the CSV of a large appendix


def _history(ctx: AppContext, site_id: int) -> list[dict[str, Any]]:
    """The site's completed scans, oldest first."""
    with session_scope(ctx.engine) as session:
        scans = repo.completed_scans(session, site_id)
    return [
        {
            "id": s.id,
            "score": s.score,
            "completed_at": s.completed_at.isoformat() if s.completed_at else None,
        }
        for s in reversed(scans)
    ]


def _site_audit(ctx: AppContext, doc: dict[str, Any], site_id: int) -> model.SiteAudit:
    """A scan as a report shows it, its trend and score change among comparable scans only."""
    scan_id = doc["scan"]["id"]
    alike = comparable_history(ctx, scan_id)
    earlier = [h for h in _history(ctx, site_id) if h["id"] < scan_id]
    from seolog.services.lab import median_performance
    from seolog.services.suggestions import accepted

    return model.site_audit(
        doc,
        alike,
        incomparable=len(earlier) > len(alike) - 1,
        lab_history=median_performance(ctx, [h["id"] for h in alike]),
        suggested=accepted(ctx, site_id),
    )


def _resolve_scan(ctx: AppContext, target: str) -> tuple[int, int]:
    """(scan id, site id) from a scan ID or a site name (its latest completed scan)."""
    with session_scope(ctx.engine) as session:
        if target.strip().isascii() and target.strip().isdigit():  # int("²") fails
            number = numeric_id(target)
            scan = repo.scan_by_id(session, number) if number is not None else None
            if scan is None:
                raise NotFoundError(f"no scan with id {target}", hint="see `seolog scans list`")
            return scan.id or 0, scan.site_id
        site = get_site(session, target)
        site_id = site.id or 0
    history = _history(ctx, site_id)
    if not history:
        raise NotFoundError(
            f"{target} has no completed scan to report on", hint=f"run `seolog scan {target}` first"
        )
    return history[-1]["id"], site_id


def deliver(renderer: Renderer, html: str, request: ReportRequest) -> Written:
    if request.fmt == "pdf":
        return Written(request.output, write_pdf(html, request.output), [])
    return Written(request.output, atomic_write(request.output, html), [])


def audit_report(ctx: AppContext, target: str, request: ReportRequest) -> Written:
    scan_id, site_id = _resolve_scan(ctx, target)
    doc = scan_document(ctx, scan_id)
    audit = _site_audit(ctx, doc, site_id)
    client = _client_of_site(ctx, site_id)
    renderer = Renderer(request.lang, request.branding or Branding())
    per_check = model.appendix_cut(audit.issues) if request.fmt == "pdf" else None
    csv_path = None
    if per_check is not None:
        from seolog.output import csvout

        csv_path = request.output.with_name(
            f"{request.output.stem}-{renderer.t(labels.ISSUES_CSV)}.csv"
        )
        # the columns are the CSV export's; the messages read in the report's language
        said = [{**i, "message": renderer.t.finding(i.get("message") or "")} for i in doc["issues"]]
        atomic_write(csv_path, csvout.render({**doc, "issues": said}))
    html = renderer.html(
        "audit.html.j2",
        audit=audit,
        client=client,
        appendix=model.issue_groups(audit.issues, per_check),
        appendix_file=csv_path.name if csv_path else None,
        per_check=per_check or 0,
    )
    written = deliver(renderer, html, request)
    if csv_path is not None:
        written.extra.append(csv_path)
    return written


def _client_of_site(ctx: AppContext, site_id: int) -> str | None:
    with session_scope(ctx.engine) as session:
        site = repo.site_by_id(session, site_id)
        return site.client_name if site else None


def report_period(
    ctx: AppContext, period: str | None, since: str | None, until: str | None
) -> model.Period:
    from seolog.worklog.parse import parse_date

    if period and (since or until):
        raise UsageError(
            "give --period or --since/--until, not both", hint="e.g. --period last-month"
        )
    now = today(ctx)
    if period:
        start, end = parse_period(period, now)
    else:
        start, end = parse_period("last-month", now)
        if since:
            start = parse_date(since, now)
        if until:
            end = parse_date(until, now)
    return model.Period(start, end)


def work_report(
    ctx: AppContext, client: str, request: ReportRequest, period: model.Period
) -> Written:
    with session_scope(ctx.engine) as session:
        name = get_client(session, client).name
    rows = list_entries(
        ctx, ListFilter(client=name, since=period.since.isoformat(), until=period.until.isoformat())
    )
    renderer = Renderer(request.lang, request.branding or Branding(), amounts=request.amounts)
    html = renderer.html("work.html.j2", client=name, period=period, work=model.work_summary(rows))
    return deliver(renderer, html, request)


def month_of(ctx: AppContext, month: str) -> str:
    """YYYY-MM of a --month value (this-month, last-month, 2026-10), for file names."""
    return f"{parse_period(month, today(ctx))[0]:%Y-%m}"


@dataclass
class MonthlySite:
    audit: model.SiteAudit | None
    name: str
    url: str
    fixed: list[dict[str, Any]]
    # when `fixed` is empty, why: "compared" (two scans compared, nothing fixed), "partial" (the
    # month's scans are samples), "no-scan" (no complete scan in the month), "not-comparable"
    # (no earlier scan with the same settings)
    fixed_why: str = "compared"


def monthly_report(ctx: AppContext, client: str, month: str, request: ReportRequest) -> Written:
    notes = read_markdown(request.notes, "notes")
    next_steps = read_markdown(request.next_steps, "next steps")
    period = model.Period(*parse_period(month, today(ctx)))
    start = datetime.combine(period.since, time.min).astimezone(UTC)
    end = datetime.combine(period.until, time.max).astimezone(UTC)
    with session_scope(ctx.engine) as session:
        owner = get_client(session, client)
        sites = {
            s.id or 0: (s.name, s.root_url) for s in store.sites_of_client(session, owner.id or 0)
        }
        name = owner.name
    rows = list_entries(
        ctx, ListFilter(client=name, since=period.since.isoformat(), until=period.until.isoformat())
    )
    # Only the client's own sites: an entry for another client's site says nothing of theirs.
    monthly = []
    for site_id, (site_name, url) in sorted(sites.items(), key=lambda kv: kv[1][0]):
        history = [
            h for h in _history(ctx, site_id)
            if h["completed_at"] and datetime.fromisoformat(h["completed_at"]) <= end
        ]  # fmt: skip
        if not history:
            monthly.append(MonthlySite(None, site_name, url, []))
            continue
        # Like for like: the month's last complete scan against the last comparable one before
        # the month (or, in a site's first month, its first one in it); fixed means rechecked.
        pair = period_scans(ctx, site_id, start, end)
        latest_id = pair.after or history[-1]["id"]
        latest = scan_document(ctx, latest_id)
        fixed = []
        if pair.before is not None and pair.after is not None:
            fixed, why = compare(scan_document(ctx, pair.before), latest).fixed, "compared"
        elif pair.after is not None:
            why = "not-comparable"
        else:
            why = "partial" if pair.note else "no-scan"
        monthly.append(MonthlySite(_site_audit(ctx, latest, site_id), site_name, url, fixed, why))
    renderer = Renderer(request.lang, request.branding or Branding(), amounts=request.amounts)
    html = renderer.html(
        "monthly.html.j2",
        client=name,
        period=period,
        sites=monthly,
        work=model.work_summary(rows),
        notes=notes,
        next_steps=next_steps,
    )
    return deliver(renderer, html, request)
