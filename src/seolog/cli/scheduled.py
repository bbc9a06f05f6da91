"""`seolog scan SITE --scheduled`: the run cron starts. Silent when all is well; when the site
regressed (or cannot be reached) it says so on stdout, which cron mails, and sends the alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seolog.cli.state import State

if TYPE_CHECKING:
    from seolog.services.scans import ScanRequest, ScanResult


def scheduled_run(state: State, request: ScanRequest, alerts: dict[str, Any]) -> ScanResult | None:
    from seolog.cli import render
    from seolog.domain import ScanType
    from seolog.errors import TargetUnreachable
    from seolog.services import scans
    from seolog.services.alerts import AlertSettings, Regression, detect, send
    from seolog.storage.lock import RunBusy, run_lock

    settings = AlertSettings.from_config(alerts)
    request.scan_type = ScanType.SCHEDULED
    try:
        with run_lock(state.app.db_url, request.target):
            try:
                result = scans.run_scan(state.app, request, None)
            except TargetUnreachable as e:
                if settings.unreachable:
                    down = Regression(request.target, request.target, [f"unreachable: {e.message}"])
                    _report(state, down, send(down, settings, state.app.env))
                raise
    except RunBusy as e:
        render.note(f"{e.message}; {e.hint}", False, state.no_color, "yellow")
        return None
    regression = detect(state.app, result.scan.id or 0, settings)
    if regression is not None:
        _report(state, regression, send(regression, settings, state.app.env))
    return result


def _report(state: State, regression: Any, problems: list[str]) -> None:
    from seolog.cli import render

    render.emit_text(regression.text() + "\n")
    for problem in problems:
        render.note(f"alert not delivered: {problem}", False, state.no_color, "red")
