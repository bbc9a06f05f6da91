"""What `seolog scan` does with its flags, in order: plan (settings, gates, baseline: before any
request), crawl with a progress bar, gate, write every output with the verdict, compare, push,
and exit by the verdict. The rules live in `seolog.api` and the services; this is presentation."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from seolog.cli import render
from seolog.cli.delivery import ReportFormat, deliver, needs_document, output_targets
from seolog.cli.state import State
from seolog.config import Credentials

if TYPE_CHECKING:
    from seolog.api import Seolog
    from seolog.services.plan import ScanPlan
    from seolog.services.scans import ScanResult


@dataclass
class ScanCommand:
    """The flags of one `seolog scan`, beyond the declared settings (`settings`, typed only)."""

    target: str | None = None
    resume: int | None = None
    credentials: Credentials = field(default_factory=Credentials)
    base_url: str | None = None
    thresholds: list[str] = field(default_factory=list)
    profile: str | None = None
    scheduled: bool = False
    against_previous: bool = False
    exit_zero: bool = False  # a failing gate still exits 0
    statistics: bool = False  # counts per code instead of the summary
    fmt: ReportFormat = ReportFormat.table
    outputs: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)


def run_scan_command(state: State, command: ScanCommand) -> None:
    from seolog.api import Seolog

    output_targets(command.fmt, command.outputs)  # a bad -o fails before the crawl, not after
    if command.statistics and command.fmt is not ReportFormat.table:
        from seolog.errors import UsageError

        raise UsageError(
            f"--statistics prints a table, not --format {command.fmt.value}",
            hint="drop --format (or write it with -o FILE); the JSON has summary.by_code",
        )
    api = Seolog.for_cli(state.app, state.config, command.profile)
    plan = api.plan(
        command.target,
        resume=command.resume,
        thresholds=command.thresholds,
        headers=command.credentials.headers,
        cookies=command.credentials.cookies,
        auth=command.credentials.auth,
        base_url=command.base_url,
        **command.settings,
    )
    as_json = command.fmt is ReportFormat.json  # then stderr is JSON lines too
    for warning in plan.warnings:
        render.warning(warning, state.quiet, state.no_color, as_json)
    if command.scheduled:
        _scheduled(state, api, plan, command)
        return
    lab = _lab_tools(plan)  # a missing Lighthouse or browser is said before the crawl
    with render.scan_progress(
        state.quiet, state.no_color, plan.max_pages, plain_lines=not as_json
    ) as bar:
        result = api.run(plan, bar)
    if lab is not None:
        from seolog.cli.lab import measure

        measure(state, result.scan.id, *lab)
    verdict = _deliver(
        state, api, plan, result, command.fmt, command.outputs, summary=not command.statistics
    )
    if command.statistics:
        render.statistics(api.document(result, stream=True)["issues"], state.no_color)
    fmt = command.fmt
    if lab is not None and not state.quiet and fmt is ReportFormat.table and not command.outputs:
        from seolog.cli.lab import show
        from seolog.services.lab import lab_rows

        show(lab_rows(state.app, result.scan.id), state.no_color)
    if (
        command.against_previous
        and not state.quiet
        and (fmt is ReportFormat.table or command.outputs)
    ):
        _against_previous(state, result.scan.id)
    if not state.quiet and fmt is ReportFormat.table and not command.outputs:
        render.note(
            f"Details: seolog scans show {result.scan.id}", state.quiet, state.no_color, "dim"
        )
    if plan.sync:
        _push(state, result.scan.id)
    _exit(state, verdict, command.exit_zero, as_json)


def _lab_tools(plan: ScanPlan) -> Any:
    """(LabSettings, LabTools) when the scan asks for --lab, found before the crawl."""
    if not plan.resolved.get("scan.lab"):
        return None
    from seolog.cli.lab import lab_settings
    from seolog.services.lab import find_tools

    how = lab_settings({name: plan.resolved.get(f"scan.{name}") for name in LAB_KEYS})
    return how, find_tools(how)


LAB_KEYS = ("lab_pages", "desktop", "lighthouse", "browser")


def _exit(state: State, verdict: Any, exit_zero: bool, as_json: bool = False) -> None:
    """Exit by the verdict; with --exit-zero a failing gate is said, not enforced. Warn-level
    assertions that failed are said first, and never change the exit code."""
    for warning in verdict.warnings:
        render.warning(
            f"{warning.message} (a warn-level assertion: the gate still passes)",
            state.quiet,
            state.no_color,
            as_json,
        )
    if exit_zero and not verdict.passed:
        first = verdict.failures[0]
        render.warning(
            f"gate failed: {first.message} (exit 0: --exit-zero)", False, state.no_color, as_json
        )
        return
    verdict.raise_if_failed()


def _deliver(
    state: State,
    api: Seolog,
    plan: ScanPlan,
    result: ScanResult,
    fmt: ReportFormat,
    outputs: list[str],
    summary: bool = True,
) -> Any:
    """Gate first, so every output carries the verdict; fail only after all are written."""
    doc = api.document(result, stream=True) if needs_document(fmt, outputs) else None
    verdict = api.gate(result, plan.gates, baseline=plan.baseline, document=doc)
    deliver(state, api, result, fmt, outputs, verdict, doc, summary=summary)
    return verdict


def _scheduled(state: State, api: Seolog, plan: ScanPlan, command: ScanCommand) -> None:
    """Silent when all is well: cron mails whatever is printed."""
    run = api.run_scheduled(plan)
    if run.skipped:
        render.note(run.skipped, False, state.no_color, "yellow")
        return
    if run.regression is not None:
        render.emit_text(run.regression.text() + "\n")
    for problem in run.undelivered:
        render.note(f"alert not delivered: {problem}", False, state.no_color, "red")
    if run.error is not None:
        raise run.error
    assert run.result is not None
    verdict = _deliver(
        state, api, plan, run.result, ReportFormat.table, command.outputs, summary=False
    )
    if plan.sync:
        _push(state, run.result.scan.id, quiet=True)
    # Warn-level assertions stay quiet under cron (it mails whatever is printed).
    _exit(replace(state, quiet=True), verdict, command.exit_zero)


def _against_previous(state: State, scan_id: int) -> None:
    from seolog.services.diff import diff_scans
    from seolog.services.history import previous_comparable

    previous = previous_comparable(state.app, scan_id)
    if previous.scan_id is None:
        said = previous.reason or "No earlier completed scan of this site to compare with."
        render.note(said[0].upper() + said[1:], False, state.no_color, "dim")
        return
    render.out(state.no_color).print()
    render.diff_summary(diff_scans(state.app, previous.scan_id, scan_id), state.no_color)


def _push(state: State, scan_id: int, quiet: bool = False) -> None:
    """--sync: after the outputs are written and before the gates, so a failing gate still
    reaches the dashboard, and a failing platform still leaves the scan saved (exit 6).
    `quiet` for cron: a push that worked says nothing; one that failed still does."""
    from seolog.cli import options as o
    from seolog.cli.sync import finish, with_progress
    from seolog.services.sync import push

    state = replace(state, quiet=state.quiet or quiet)
    finish(state, with_progress(state, push, scan_id=scan_id), o.Format.table)
