"""The run cron starts (`seolog scan SITE --scheduled`): one run per target at a time, the scan,
the regression rules, and the alerts. Silent when all is well: the caller prints only what the
outcome says went wrong."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from seolog import alerts
from seolog.alerts import AlertSettings, Regression
from seolog.context import AppContext
from seolog.domain import ScanType
from seolog.errors import SeologError, TargetUnreachable
from seolog.services.diff import compare
from seolog.services.history import previous_comparable
from seolog.services.results import scan_document
from seolog.services.scans import ScanRequest, ScanResult, run_scan


@dataclass
class ScheduledRun:
    """What happened: a result, or a skip (an earlier run still goes), or an error that the
    caller raises once it has shown the alert."""

    result: ScanResult | None = None
    skipped: str | None = None  # why it did not run, with the hint
    regression: Regression | None = None
    undelivered: list[str] = field(default_factory=list)  # alerts that could not be sent
    error: SeologError | None = None


def detect(ctx: AppContext, scan_id: int, settings: AlertSettings) -> Regression | None:
    """Compare with the site's last complete scan of the same scope. The first scan of a site
    has nothing to regress from; nor has a partial scan (stopped at a limit), nor one whose scope
    no earlier scan shares (a 5-page test scan is no baseline)."""
    previous = previous_comparable(ctx, scan_id).scan_id
    if previous is None:
        return None
    before, after = scan_document(ctx, previous), scan_document(ctx, scan_id)
    diff = compare(before, after)
    reasons = []
    drop = diff.score_change
    if drop is not None and -drop >= settings.score_drop:
        reasons.append(f"score fell from {before['scan']['score']} to {after['scan']['score']}")
    new_errors = [i for i in diff.new if i["severity"] == "error"]
    if settings.new_errors and new_errors:
        reasons.append(f"{len(new_errors)} new error(s)")
    if not reasons:
        return None
    scan = after["scan"]
    return Regression(
        scan["site"],
        scan["url"],
        reasons,
        scan["id"],
        scan["score"],
        before["scan"]["score"],
        new_errors,
    )


def scheduled_run(
    ctx: AppContext,
    request: ScanRequest,
    settings: AlertSettings,
    send: Callable[[Regression, AlertSettings, dict[str, str]], list[str]] = alerts.send,
) -> ScheduledRun:
    """Scan as cron does. An unreachable site is alerted on (when asked) and returned as the
    error; a run that finds the previous one still going is skipped, not queued."""
    from seolog.storage.lock import RunBusy, run_lock

    request = replace(request, scan_type=ScanType.SCHEDULED)
    try:
        with run_lock(ctx.db_url, request.target):
            try:
                result = run_scan(ctx, request, None)
            except TargetUnreachable as e:
                if not settings.unreachable:
                    return ScheduledRun(error=e)
                down = Regression(request.target, request.target, [f"unreachable: {e.message}"])
                return ScheduledRun(
                    regression=down, undelivered=send(down, settings, ctx.env), error=e
                )
    except RunBusy as e:
        return ScheduledRun(skipped=f"{e.message}; {e.hint}")
    regression = detect(ctx, result.scan.id or 0, settings)
    undelivered = send(regression, settings, ctx.env) if regression is not None else []
    return ScheduledRun(result, regression=regression, undelivered=undelivered)
