"""A finished scan, delivered: the summary or a machine format on stdout, any number of files
(`--output [FORMAT:]FILE`, repeatable), then the gates. Shared by `scan` and `scans show`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seolog.cli.state import State

if TYPE_CHECKING:
    from seolog.services.scans import ScanResult

GATES = "Audit and gates"


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    csv = "csv"
    markdown = "markdown"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    notice = "notice"


ReportFormatOpt = Annotated[
    ReportFormat,
    typer.Option(
        "--format",
        "-f",
        help="stdout: a summary table for people; json (the contract), sarif (GitHub code "
        "scanning), junit (GitLab/Jenkins), csv (one row per issue) or markdown (PR comments).",
    ),
]
OutputsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--output",
        "-o",
        metavar="[FORMAT:]FILE",
        help="Also write FILE (repeatable). The format comes from FORMAT: or the extension "
        "(.json .sarif .xml .csv .md), else from --format. The summary stays on stdout.",
    ),
]
FailUnderOpt = Annotated[
    int | None,
    typer.Option(
        "--fail-under",
        min=0,
        max=100,
        help="Exit 1 when the site score is below N (after writing the output).",
        rich_help_panel=GATES,
    ),
]
FailOnOpt = Annotated[
    FailOn | None,
    typer.Option(
        "--fail-on",
        help="Exit 1 when any issue is at or above this severity.",
        rich_help_panel=GATES,
    ),
]
FailOnNewOpt = Annotated[
    bool,
    typer.Option(
        "--fail-on-new",
        help="With --baseline: exit 1 only for issues the baseline does not have "
        "(at or above --fail-on, default any).",
        rich_help_panel=GATES,
    ),
]
BaselineOpt = Annotated[
    str | None,
    typer.Option(
        "--baseline",
        metavar="FILE|SCAN_ID",
        help="The accepted state: a scan JSON file (--format json) or a stored scan's ID.",
        rich_help_panel=GATES,
    ),
]


@dataclass
class Gates:
    fail_under: int | None = None
    fail_on: FailOn | None = None
    fail_on_new: bool = False
    baseline: str | None = None

    def check_usage(self) -> None:
        from seolog.errors import UsageError

        if self.fail_on_new and self.baseline is None:
            raise UsageError("--fail-on-new needs --baseline", hint="e.g. --baseline main.json")


def _split_output(spec: str, default: ReportFormat) -> tuple[str, Path]:
    from seolog.errors import UsageError
    from seolog.output import EXTENSIONS

    prefix, sep, rest = spec.partition(":")
    if sep and prefix in ReportFormat.__members__ and prefix != "table" and len(prefix) > 1:
        return prefix, Path(rest)
    path = Path(spec)
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        if default is ReportFormat.table:
            raise UsageError(
                f"cannot tell which format to write to {spec}",
                hint="name it FORMAT:FILE (e.g. sarif:results.txt) or give it an extension",
            )
        fmt = default.value
    return fmt, path


def deliver(
    state: State,
    result: ScanResult,
    fmt: ReportFormat,
    outputs: list[str] | None,
    summary: bool = True,
) -> dict[str, Any] | None:
    """Write the outputs and stdout; returns the scan document when one was built. With
    `summary` False (a scheduled run) nothing goes to stdout."""
    from seolog.cli import render
    from seolog.output import emitter
    from seolog.services.results import scan_document

    targets = [_split_output(o, fmt) for o in outputs or []]
    doc = None
    if targets or fmt is not ReportFormat.table:
        doc = scan_document(state.app, result.scan.id or 0)
    for target_fmt, path in targets:
        assert doc is not None
        render.write_file(path, emitter(target_fmt)(doc))
    if fmt is not ReportFormat.table and not targets:
        assert doc is not None
        render.emit_text(emitter(fmt.value)(doc))
        return doc
    if not state.quiet and summary:
        render.scan_summary(result, state.no_color)
        for _fmt, path in targets:
            render.note(f"Wrote {path}", state.quiet, state.no_color, "dim")
    return doc


def _issue_keys(issues: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(i["code"], i["url"]) for i in issues}


def _baseline_issues(state: State, baseline: str) -> tuple[str, list[dict[str, Any]]]:
    import json

    from seolog.errors import UsageError
    from seolog.services.results import scan_document
    from seolog.services.scans import get_scan

    if baseline.strip().isdigit():
        scan_id = int(baseline)
        get_scan(state.app, scan_id)  # a clear error for an unknown ID
        return f"scan {scan_id}", scan_document(state.app, scan_id)["issues"]
    path = Path(baseline)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise UsageError(
            f"cannot read the baseline {path}: {e.strerror}", hint="check the path"
        ) from e
    except ValueError as e:
        raise UsageError(
            f"the baseline {path} is not JSON",
            hint="write one with `seolog scan URL --format json -o FILE`",
        ) from e
    if not isinstance(data, dict) or not str(data.get("schema", "")).startswith("seolog.scan/"):
        raise UsageError(
            f"the baseline {path} is not a seolog scan document",
            hint="write one with `seolog scan URL --format json -o FILE`",
        )
    return str(path), list(data.get("issues") or [])


_RANK = {"error": 3, "warning": 2, "notice": 1}


def gate(state: State, result: ScanResult, gates: Gates, doc: dict[str, Any] | None) -> None:
    """Checked after every output is written, so CI keeps the report either way. The first
    failing gate is named in one line; exit 1."""
    from seolog.errors import GateFailed
    from seolog.services.results import scan_document

    if gates.fail_under is None and gates.fail_on is None and not gates.fail_on_new:
        return
    score = result.scan.score
    if gates.fail_under is not None:
        if score is None:
            raise GateFailed(
                f"--fail-under {gates.fail_under}: the scan has no score (no HTML page was audited)",
                hint="check the start URL answers with an HTML page",
            )
        if score < gates.fail_under:
            raise GateFailed(
                f"site score {score} is below --fail-under {gates.fail_under}",
                hint=f"see the issues with `seolog scans show {result.scan.id}`",
            )
    if doc is None:
        doc = scan_document(state.app, result.scan.id or 0)
    floor = _RANK[gates.fail_on.value] if gates.fail_on else 1
    issues = [i for i in doc["issues"] if _RANK.get(i["severity"], 0) >= floor]
    what = f"at or above {gates.fail_on.value}" if gates.fail_on else ""
    if gates.fail_on_new and gates.baseline is not None:
        name, accepted = _baseline_issues(state, gates.baseline)
        known = _issue_keys(accepted)
        new = [i for i in issues if (i["code"], i["url"]) not in known]
        if new:
            listed = ", ".join(f"{i['code']} on {i['url']}" for i in new[:3])
            more = f" and {len(new) - 3} more" if len(new) > 3 else ""
            raise GateFailed(
                f"{len(new)} new issue(s) {what} not in the baseline ({name}): {listed}{more}".replace(
                    "  ", " "
                ),
                hint=f"fix them, or accept them by making scan {result.scan.id} the new baseline",
            )
        return
    if gates.fail_on is not None and issues:
        counts: dict[str, int] = {}
        for i in issues:
            counts[i["severity"]] = counts.get(i["severity"], 0) + 1
        listed = ", ".join(
            f"{n} {sev}(s)" for sev, n in sorted(counts.items(), key=lambda kv: -_RANK[kv[0]])
        )
        raise GateFailed(
            f"--fail-on {gates.fail_on.value}: the scan has {listed}",
            hint=f"see them with `seolog scans show {result.scan.id}`",
        )
