"""A finished scan, delivered: the summary or a machine format on stdout, and any number of
files (`--output [FORMAT:]FILE`, repeatable), each carrying the gate's verdict when there is one.
Shared by `scan`, `scans show` and `scans resume`."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seolog.cli.state import State

if TYPE_CHECKING:
    from seolog.api import Seolog
    from seolog.services.gates import Verdict
    from seolog.services.scans import ScanResult


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    csv = "csv"
    markdown = "markdown"
    github = "github"
    gitlab = "gitlab"


ReportFormatOpt = Annotated[
    ReportFormat,
    typer.Option(
        "--format",
        "-f",
        help="stdout: a summary table for people; json (the contract), sarif (GitHub code "
        "scanning), junit (GitLab/Jenkins), csv (one row per issue), markdown (PR comments), "
        "github (Actions annotations; printed even with -o) or gitlab (Code Quality JSON).",
    ),
]
OutputsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--output",
        "-o",
        metavar="[FORMAT:]FILE",
        help="Also write FILE (repeatable). The format comes from FORMAT: or the extension "
        "(.json .sarif .xml .csv .md; a .json named *code-quality* is gitlab), else from "
        "--format. The summary stays on stdout. E.g. -o gitlab:codequality.json",
    ),
]


def output_targets(fmt: ReportFormat, outputs: list[str] | None) -> list[tuple[str, Path]]:
    """Each `--output [FORMAT:]FILE` as (format, path), checked before any crawl: a file name
    whose format cannot be told, or a folder that does not exist, fails at once."""
    from seolog.errors import UsageError
    from seolog.output import output_target

    default = None if fmt is ReportFormat.table else fmt.value
    targets = [output_target(o, default) for o in outputs or []]
    for _fmt, path in targets:
        folder = path.parent
        if not folder.is_dir():
            raise UsageError(f"no folder {folder} to write {path} in", hint="create it first")
    return targets


def needs_document(fmt: ReportFormat, outputs: list[str] | None) -> bool:
    """Only machine formats need the whole scan document; the summary table does not."""
    return bool(outputs) or fmt is not ReportFormat.table


def deliver(
    state: State,
    api: Seolog,
    result: ScanResult,
    fmt: ReportFormat,
    outputs: list[str] | None,
    verdict: Verdict | None = None,
    doc: dict[str, Any] | None = None,
    summary: bool = True,
) -> None:
    """Write the files and stdout. With `summary` False (a scheduled run) nothing goes to
    stdout."""
    from seolog.cli import render

    targets = output_targets(fmt, outputs)
    if needs_document(fmt, outputs):
        doc = doc if doc is not None else api.document(result, stream=True)
        if verdict is not None:
            doc["gate"] = verdict.as_gate()
        for target_fmt, path in targets:
            render.write_file(path, _rendered(api, doc, target_fmt))
        # GitHub reads workflow commands only from the step's log, so they go to stdout even
        # when files are written too (other formats with -o files leave stdout to the summary).
        if fmt is not ReportFormat.table and (not targets or fmt is ReportFormat.github):
            render.emit_text(_rendered(api, doc, fmt.value))
            return
    if not state.quiet and summary:
        render.scan_summary(result, state.no_color, verdict=verdict)
        for _fmt, path in targets:
            if fmt is not ReportFormat.json:  # --format json keeps stderr for JSON lines
                render.note(f"Wrote {path}", state.quiet, state.no_color, "dim")


def _rendered(api: Seolog, doc: dict[str, Any], fmt: str) -> str | Iterator[str]:
    """The document in `fmt`; JSON in pieces, written as the pages and issues are read."""
    if fmt == "json":
        from seolog.output.jsonout import chunks

        return chunks(doc)
    return api.render(doc, fmt)
