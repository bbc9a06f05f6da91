"""Presentation: Rich tables, the progress display and one-line errors. stdout is data, stderr people."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from seolog.output import checks_line

if TYPE_CHECKING:
    from seolog.crawl.stats import CrawlStats
    from seolog.services.gates import Verdict
    from seolog.services.scans import ScanResult


def _color(no_color: bool) -> bool:
    return not no_color and not os.environ.get("NO_COLOR")


# Piped or redirected output has no terminal width; wrapping URLs at 80 columns helps nobody.
PIPE_WIDTH = 160


def out(no_color: bool = False) -> Console:
    console = Console(file=sys.stdout, no_color=not _color(no_color), highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPE_WIDTH
    return console


def err(no_color: bool = False) -> Console:
    return Console(file=sys.stderr, no_color=not _color(no_color), highlight=False)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def error(
    message: str,
    hint: str | None,
    no_color: bool = False,
    as_json: bool = False,
    exit_code: int | None = None,
) -> None:
    """One line (and a hint) for people; with `--format json`, one JSON object on stderr for
    scripts: {"error": {"message", "hint", "exit_code"}}, so `2> err.json` is parseable."""
    if as_json:
        record = {"error": {"message": clean(message), "hint": hint, "exit_code": exit_code}}
        sys.stderr.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    console = err(no_color)
    line = Text("error: ", style="bold red")
    line.append(clean(message))
    console.print(line, soft_wrap=True)
    if hint:
        console.print(Text(f"  hint: {hint}", style="dim"), soft_wrap=True)


def warning(message: str, quiet: bool, no_color: bool = False, as_json: bool = False) -> None:
    """A `warning:` line; with `--format json`, one {"warning": …} object per line instead, so
    stderr stays JSON Lines for a script (errors are JSON there too)."""
    if quiet:
        return
    if as_json:
        sys.stderr.write(json.dumps({"warning": clean(message)}, ensure_ascii=False) + "\n")
        return
    note(f"warning: {message}", quiet, no_color, "yellow")


def note(message: str, quiet: bool, no_color: bool = False, style: str = "") -> None:
    if not quiet:
        err(no_color).print(Text(clean(message), style=style), soft_wrap=True)


def emit_json(data: Any, output: Path | None = None) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        write_file(output, text)


def emit_text(text: str | Iterable[str]) -> None:
    if isinstance(text, str):
        sys.stdout.write(text)
        return
    for piece in text:
        sys.stdout.write(piece)


def statistics(issues: list[dict[str, Any]], no_color: bool) -> None:
    """Findings per check code, most first: count, code, severity, title (ruff --statistics).
    Plain aligned columns, so `sort`, `awk` and `grep` read it."""
    from collections import Counter

    from seolog.checks.registry import get_check

    counts = Counter((i["code"], i["severity"]) for i in issues)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    width = max((len(code) for (code, _sev), _n in rows), default=4)
    lines = []
    for (code, severity), n in rows:
        spec = get_check(code)
        lines.append(
            f"{n:>6}  {code:<{width}}  {severity:<7}  {spec.title if spec else ''}".rstrip()
        )
    emit_text("\n".join(lines) + "\n" if lines else "no findings\n")


def write_file(path: Path, text: str | Iterable[str]) -> None:
    """Write `text`, or text in pieces (a streamed JSON document), all or nothing."""
    from seolog.files import atomic_write, atomic_write_chunks

    if isinstance(text, str):
        atomic_write(path, text)
    else:
        atomic_write_chunks(path, text)


def when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "-"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: Any) -> str:
    """Text from the web, safe for a terminal: control characters (ANSI escapes, backspaces,
    carriage returns that overwrite a line) are dropped. Rich markup is never parsed from it,
    because it always goes out as a Text, never as a markup string."""
    return _CONTROL.sub("", str(value))


def cell(value: Any) -> Text:
    if isinstance(value, Text):
        return value
    return Text("-" if value is None or value == "" else clean(value))


def table(
    title: str | None, columns: list[str], rows: list[list[Any]], no_color: bool = False
) -> None:
    t = Table(title=title, title_justify="left", header_style="bold", box=None, pad_edge=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*(cell(v) for v in r))
    out(no_color).print(t)


def fields(pairs: list[tuple[str, Any]], no_color: bool = False) -> None:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    for k, v in pairs:
        t.add_row(k, cell(v))
    out(no_color).print(t)


class ScanProgress:
    """A live line on stderr: pages done, queued, rate, errors, elapsed. Off when not a TTY."""

    def __init__(self, console: Console, max_pages: int) -> None:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.max_pages = max_pages
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.completed:>6.0f}[/] pages"),
            BarColumn(bar_width=24),
            TextColumn(
                "{task.fields[queued]:>6} queued · {task.fields[rate]:>6.1f}/s · "
                "[red]{task.fields[errors]}[/] errors · {task.fields[blocked]} blocked"
                "{task.fields[resources]}"
            ),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task(
            "crawl", total=None, queued=0, rate=0.0, errors=0, blocked=0, resources=""
        )

    def __call__(self, stats: CrawlStats) -> None:
        if not self.progress.live.is_started:
            # Started by the first update, not before the crawl: the page worker process is
            # forked first, and forking while the display's refresh thread runs is unsafe.
            self.progress.start()
        total = min(self.max_pages, stats.pages + stats.queued) or None
        self.progress.update(
            self.task,
            completed=stats.pages,
            total=total,
            queued=stats.queued,
            rate=stats.rate,
            errors=stats.errors,
            blocked=stats.blocked,
            resources="".join(f" · {part}" for part in progress_extras(stats)),
        )


def progress_extras(stats: CrawlStats) -> list[str]:
    """What a crawl does besides fetching pages, when it does: rendering, resource checks."""
    parts = []
    if stats.rendered:
        failed = f" ({stats.render_failed} not in full)" if stats.render_failed else ""
        parts.append(f"{stats.rendered} rendered{failed}")
    if stats.resources_queued:
        parts.append(resources_progress(stats))
    return parts


def resources_progress(stats: CrawlStats) -> str:
    """The resource checks, counted apart from the pages: "120/500 links and resources checked"."""
    return f"{stats.resources_checked}/{stats.resources_queued} links and resources checked"


PROGRESS_INTERVAL = 10.0  # seconds between plain progress lines when stderr is not a terminal
PROGRESS_INTERVAL_ENV = "SEOLOG_PROGRESS_INTERVAL"


class PlainProgress:
    """Progress for logs (CI, cron, `2> file`): a plain line every `interval` seconds and a last
    line when the crawl ends, instead of a live bar nobody sees. Interval 0: a line per update.
    The clock is injectable; the numbers all come from the crawl's statistics."""

    def __init__(
        self,
        stream: Any,
        interval: float = PROGRESS_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.interval = interval
        self.clock = clock
        self.next_line = clock() + interval
        self.last: tuple[int, int, float, int, float] | None = None
        self.resources = ""

    @staticmethod
    def line(numbers: tuple[int, int, float, int, float]) -> str:
        pages, queued, rate, errors, elapsed = numbers
        # "errors" are failed fetches and 4xx/5xx answers, not the audit's error-level issues.
        return (
            f"{_count(pages, 'page')}, {queued} queued, {rate:.1f} pages/s, "
            f"{_count(errors, 'HTTP error')}, "
            f"{duration(elapsed)} elapsed"
        )

    def _write(self, text: str) -> None:
        text += f", {self.resources}" if self.resources else ""
        self.stream.write(text + "\n")
        self.stream.flush()

    def __call__(self, stats: CrawlStats) -> None:
        # A copy of the numbers: the statistics object goes on changing after the call.
        self.last = (stats.pages, stats.queued, stats.rate, stats.errors, stats.elapsed)
        self.resources = ", ".join(progress_extras(stats))
        now = self.clock()
        if now >= self.next_line:
            self.next_line = now + self.interval
            self._write("seolog: crawling: " + self.line(self.last))

    def finish(self) -> None:
        if self.last is not None:
            self._write("seolog: crawl ended: " + self.line(self.last))


def progress_interval(env: Mapping[str, str] | None = None) -> float:
    """Seconds between plain progress lines: SEOLOG_PROGRESS_INTERVAL, else 10."""
    from seolog.errors import ConfigError

    raw = (os.environ if env is None else env).get(PROGRESS_INTERVAL_ENV, "").strip()
    if not raw:
        return PROGRESS_INTERVAL
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise ConfigError(
            f"{PROGRESS_INTERVAL_ENV}={raw!r} is not a number of seconds",
            hint=f"set it to 0 or more (0: a line per update), or unset it for {PROGRESS_INTERVAL:g}",
        )
    return value


@contextmanager
def scan_progress(
    quiet: bool, no_color: bool, max_pages: int, plain_lines: bool = True
) -> Iterator[ScanProgress | PlainProgress | None]:
    """A live bar on a terminal; plain lines every 10 s when stderr is a log (not with
    `plain_lines=False`: `--format json`, whose stderr is for JSON); nothing with -q."""
    if quiet:
        yield None
        return
    console = err(no_color)
    if not console.is_terminal and not plain_lines:
        yield None
        return
    if not console.is_terminal:
        plain = PlainProgress(sys.stderr, progress_interval())
        try:
            yield plain
        finally:
            plain.finish()
        return
    bar = ScanProgress(console, max_pages)
    try:
        yield bar
    finally:
        if bar.progress.live.is_started:
            bar.progress.stop()


@contextmanager
def count_progress(quiet: bool, no_color: bool, label: str) -> Iterator[Any]:
    """A bar for work of known size (`update(done, total)`); None when quiet or not a TTY."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = err(no_color)
    if quiet or not console.is_terminal:
        yield None
        return
    bar = Progress(
        f"[bold]{label}[/]",
        BarColumn(bar_width=30),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total or None)

    with bar:
        yield update


def scan_summary(
    result: ScanResult,
    no_color: bool = False,
    console: Console | None = None,
    verdict: Verdict | None = None,
) -> None:
    scan, site, c, stats = result.scan, result.site, result.counts, result.stats
    status_style = {"completed": "green", "interrupted": "yellow", "failed": "red"}.get(
        scan.status, ""
    )
    console = console or out(no_color)
    console.print(
        Text.assemble(
            ("Scan ", "bold"),
            (f"#{scan.id}", "bold cyan"),
            f"  {clean(site.name)}  ",
            clean(scan.url),
        )
    )
    pairs: list[tuple[str, Any]] = [
        ("Status", Text(f"{scan.status} ({scan.stop_reason or '-'})", style=status_style)),
        ("Pages", f"{c.total} stored, {c.html} HTML"),
        (
            "Responses",
            f"{c.ok} ok · {c.redirects} redirected · {c.client_errors} 4xx · {c.server_errors} 5xx"
            f" · {c.failed} failed · {c.blocked} blocked by robots.txt",
        ),
        (
            "Time",
            f"{duration(stats.elapsed)} · {stats.rate:.1f} pages/s" if stats else None,
        ),
        ("robots.txt", stats.robots_display if stats else None),
        ("Sitemap URLs", stats.sitemap_urls if stats else None),
    ]
    if stats and stats.resources_queued:
        pairs.append(("Resources", resources_line(stats)))
    skipped = stats.skipped if stats else {}
    if skipped:
        pairs.append(
            ("Not crawled", ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in skipped.items()))
        )
    audit = result.audit
    if audit.score is not None:
        pairs.insert(1, ("Score", Text(f"{audit.score}/100", style=score_style(audit.score))))
    if audit.total or audit.score is not None:
        sev = audit.by_severity
        pairs.insert(
            2,
            (
                "Issues",
                Text.assemble(
                    (f"{sev.get('error', 0)} errors", "red" if sev.get("error") else ""),
                    " · ",
                    (f"{sev.get('warning', 0)} warnings", "yellow" if sev.get("warning") else ""),
                    f" · {sev.get('notice', 0)} notices",
                ),
            ),
        )
    checks = checks_line(audit.by_result)  # "31 passed · 4 failed · 12 not applicable"
    if checks:
        pairs.append(("Checks", checks))
    if scan.error:
        pairs.append(("Error", Text(scan.error, style="red")))
    if verdict is not None and verdict.gates.active:
        gate = (
            Text("passed", style="green")
            if verdict.passed
            else Text("failed: " + "; ".join(f.message for f in verdict.failures), style="red")
        )
        pairs.append(("Gate", gate))
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    for k, v in pairs:
        t.add_row(k, cell(v))
    console.print(t)
    for n in stats.notes if stats else []:
        console.print(Text(f"note: {n}", style="yellow"), soft_wrap=True)
    _audit_tables(result, console)


def resources_line(stats: CrawlStats) -> str:
    """ "812 links and resources checked (840 requests) · 12 skipped (skip list)"."""
    line = (
        f"{stats.resources_checked} links and resources checked "
        f"({_count(stats.resource_requests, 'request')})"
    )
    for reason, n in stats.resources_skipped.items():
        line += f" · {n} not checked ({reason})"
    return line


def score_style(score: int) -> str:
    return "bold green" if score >= 90 else "bold yellow" if score >= 70 else "bold red"


_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "notice": "cyan"}
TOP_CODES = 10


def _audit_tables(result: ScanResult, console: Console) -> None:
    audit = result.audit
    if audit.by_code:
        t = Table(title="Top issues", title_justify="left", title_style="bold", box=None)
        t.add_column("Code")
        t.add_column("Severity")
        t.add_column("Found", justify="right")
        t.add_column("What", overflow="fold")
        for code, severity, n, title in audit.by_code[:TOP_CODES]:
            t.add_row(
                cell(code),
                Text(severity, style=_SEVERITY_STYLE.get(severity, "")),
                cell(n),
                cell(title),
            )
        console.print()
        console.print(t)
        more = len(audit.by_code) - TOP_CODES
        if more > 0:
            console.print(Text(f"… and {more} more codes", style="dim"))
    if audit.worst_pages:
        t = Table(title="Worst pages", title_justify="left", title_style="bold", box=None)
        t.add_column("Score", justify="right")
        t.add_column("URL", overflow="fold")
        t.add_column("Issues", overflow="fold")
        for url, score, codes in audit.worst_pages:
            shown = ", ".join(codes[:3]) + (f" +{len(codes) - 3}" if len(codes) > 3 else "")
            t.add_row(Text(str(score), style=score_style(score)), cell(url), cell(shown))
        console.print()
        console.print(t)


def interactive() -> bool:
    """Somebody at a terminal can answer a question (cron and CI cannot)."""
    return sys.stdin.isatty()


def confirm_or_abort(question: str) -> None:
    """Ask on a terminal; refuse (exit 2) where nobody can answer, so scripts never hang or delete."""
    import typer

    from seolog.errors import UsageError

    if not interactive():
        raise UsageError("refusing to go on without confirmation", hint="pass --yes to confirm")
    if not typer.confirm(question, default=False, err=True):
        raise typer.Abort()


LISTED = 20  # rows per section of a diff on a terminal; --format json has them all


def diff_summary(diff: Any, no_color: bool = False) -> None:
    """`scans diff` and `scan --against-previous` for people."""
    console = out(no_color)
    a, b = diff.before, diff.after
    change = diff.score_change
    delta = Text("")
    if change is not None:
        delta = Text(
            f" ({change:+d})", style="green" if change > 0 else "red" if change < 0 else ""
        )
    if diff.not_comparable is not None:  # --force: say so first, and claim no change
        console.print(Text(diff.not_comparable[0].upper() + diff.not_comparable[1:], "yellow"))
    console.print(
        Text.assemble(
            ("Scan ", "bold"), (f"#{a['id']}", "bold cyan"), " → ", (f"#{b['id']}", "bold cyan"),
            f"  score {a.get('score', '-')} → {b.get('score', '-')}", delta,
        )
    )  # fmt: skip
    console.print(
        Text.assemble(
            (f"{len(diff.new)} new", "red" if diff.new else ""), " · ",
            (f"{len(diff.fixed)} fixed", "green" if diff.fixed else ""),
            f" · {len(diff.not_rechecked)} not rechecked" if diff.not_rechecked else "",
            f" · {diff.persisting} persisting issues · {len(diff.pages_added)} pages added · "
            f"{len(diff.pages_removed)} removed · {len(diff.changes)} page changes",
        )
    )  # fmt: skip
    sections = [
        ("New issues", ["Code", "URL", "Finding"], [[i["code"], i["url"], i["message"]] for i in diff.new]),
        ("Fixed issues", ["Code", "URL", "Finding"], [[i["code"], i["url"], i["message"]] for i in diff.fixed]),
        ("Not rechecked (the later scan did not fetch these URLs)", ["Code", "URL", "Finding"],
         [[i["code"], i["url"], i["message"]] for i in diff.not_rechecked]),
        ("Changed pages", ["URL", "What", "Before", "After"],
         [[c["url"], c["field"], c["before"], c["after"]] for c in diff.changes]),
        ("Pages added", ["URL"], [[u] for u in diff.pages_added]),
        ("Pages removed", ["URL"], [[u] for u in diff.pages_removed]),
    ]  # fmt: skip
    for title, columns, rows in sections:
        if not rows:
            continue
        console.print()
        more = f" (first {LISTED} of {len(rows)})" if len(rows) > LISTED else ""
        t = Table(title=title + more, title_justify="left", title_style="bold", box=None)
        for c in columns:
            t.add_column(c, overflow="fold")
        for r in rows[:LISTED]:
            t.add_row(*(cell(v) for v in r))
        console.print(t)
