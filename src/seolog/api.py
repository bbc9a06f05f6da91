"""seolog as a Python library: the same scans, settings and gates as the command line.

```python
import seolog

result = seolog.scan("public/", base_url="https://www.example.com", max_pages=500)
verdict = seolog.gate(result, fail_under=90)
seolog.write(result, "results.sarif", verdict=verdict)
print(result.scan.score, verdict.passed)
```

Settings are resolved exactly as for `seolog scan`: keyword arguments (the flags' names with
underscores: `max_pages`, `include`, `fail_under` …) beat `SEOLOG_SCAN_*` variables, which beat a
profile, `seolog.toml` and the user's config file. Pass `config=False` to read no file, and
`env={}` to ignore the environment. Results are plain frozen dataclasses, never database rows.

Each module-level function opens the store, does one thing and closes it; `Seolog` keeps one
store open across calls. Errors are `seolog.errors.SeologError` subclasses with a one-line
`message`, a `hint`, and the `exit_code` the CLI would use.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any

from seolog.config import Credentials, database_url
from seolog.context import AppContext
from seolog.errors import SeologWarning
from seolog.services.gates import Baseline, Gates, Verdict
from seolog.services.resolve import ConfigSource, Resolved
from seolog.services.scans import ScanResult

if TYPE_CHECKING:
    from seolog.crawl.stats import CrawlStats
    from seolog.services.plan import ScanPlan
    from seolog.services.scheduled import ScheduledRun

Progress = Callable[["CrawlStats"], None]
ScanRef = ScanResult | int  # a result, or a stored scan's ID
_ARGUMENT = "argument"  # the source `config show` names for a keyword argument


class Seolog:
    """One store and one set of config files, for several calls in a row.

    `db`: a database URL (default: SEOLOG_DATABASE_URL, else SQLite in SEOLOG_HOME).
    `config`: the project config file; None takes SEOLOG_CONFIG or finds `seolog.toml` from
    `cwd`; False reads no file.
    `profile`: a profile from the config files or the built-in `staging`.
    `env`: the environment to read SEOLOG_* settings, SEOLOG_CONFIG and SEOLOG_DATABASE_URL from
    (default: the process's; `{}` ignores it).
    """

    def __init__(
        self,
        db: str | None = None,
        *,
        config: str | Path | bool | None = None,
        profile: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
        context: AppContext | None = None,
    ) -> None:
        if context is None:
            environ = dict(os.environ if env is None else env)
            context = AppContext(
                db_url=database_url(db or environ.get("SEOLOG_DATABASE_URL") or None),
                env=environ,
            )
        self.context = context
        if config is None and context.env.get("SEOLOG_CONFIG"):
            config = context.env["SEOLOG_CONFIG"]  # as the CLI's --config reads it
        self.source = ConfigSource(
            path=Path(config) if isinstance(config, str | Path) else None,
            profile=profile,
            files=config is not False,
            cwd=Path(cwd) if cwd is not None else None,
        )
        self._label = _ARGUMENT

    @classmethod
    def for_cli(cls, context: AppContext, config: Path | None, profile: str | None) -> Seolog:
        """The CLI's instance: its store, its --config and --profile; settings come as flags."""
        api = cls(config=config, profile=profile, context=context)
        api._label = "command line"
        return api

    def __enter__(self) -> Seolog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.context.close()

    # Settings -------------------------------------------------------------------------------

    def settings(self, **settings: Any) -> Resolved:
        """Every scan and gate setting with the layer it came from (`seolog config show`)."""
        from seolog.services.resolve import resolve

        return resolve(self.source, settings, self.context.env, self._label)

    def plan(
        self,
        target: str | None = None,
        *,
        resume: int | None = None,
        thresholds: Mapping[str, int] | list[str] | None = None,
        headers: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        base_url: str | None = None,
        gated: bool = True,
        **settings: Any,
    ) -> ScanPlan:
        """A scan checked before its first request: settings, gates (unless `gated` is False:
        nothing will gate it) and the baseline."""
        from seolog.services.plan import plan_scan

        credentials = Credentials(_table(headers), _table(cookies), auth)
        plan = plan_scan(
            self.context,
            self.source,
            target,
            resume=resume,
            flags=settings,
            thresholds=_threshold_pairs(thresholds),
            credentials=credentials,
            base_url=base_url,
            flag_label=self._label,
            gated=gated,
        )
        if self._label == _ARGUMENT:  # the CLI prints them as `warning:` lines instead
            for message in plan.warnings:
                _warn(message)
        return plan

    # Scans ----------------------------------------------------------------------------------

    def run(self, plan: ScanPlan, progress: Progress | None = None) -> ScanResult:
        """Crawl and audit a planned scan (or finish the interrupted one it names)."""
        from seolog.services import scans

        if plan.request is None:
            return scans.resume_scan(
                self.context, plan.resume or 0, plan.credentials, progress, plan.trust
            )
        return scans.run_scan(self.context, plan.request, progress)

    def run_scheduled(self, plan: ScanPlan) -> ScheduledRun:
        """A cron run of a planned scan: one at a time per target, regressions alerted."""
        from seolog.services.scheduled import scheduled_run

        if plan.request is None:
            from seolog.errors import UsageError

            raise UsageError("a scheduled run starts a new scan", hint="drop --resume")
        return scheduled_run(self.context, plan.request, plan.alerts)

    def scan(
        self,
        target: str,
        *,
        progress: Progress | None = None,
        thresholds: Mapping[str, int] | list[str] | None = None,
        headers: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        base_url: str | None = None,
        **settings: Any,
    ) -> ScanResult:
        """Crawl a URL, a registered site's name or a folder of HTML, audit it and store it.
        Gate the result with `gate()`; push it with `seolog sync push`."""
        _scan_settings_only(settings)
        plan = self.plan(
            target,
            thresholds=thresholds,
            headers=headers,
            cookies=cookies,
            auth=auth,
            base_url=base_url,
            gated=False,
            **settings,
        )
        if plan.sync:
            _warn(
                f"scan.sync is set ({plan.resolved.sources['scan.sync']}), but the library does "
                "not push: run `seolog sync push` after the scan"
            )
        return self.run(plan, progress)

    def resume(
        self,
        scan_id: int,
        *,
        progress: Progress | None = None,
        headers: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> ScanResult:
        """Finish an interrupted scan; credentials are never stored, so give them again."""
        plan = self.plan(resume=scan_id, headers=headers, cookies=cookies, auth=auth, gated=False)
        return self.run(plan, progress)

    def load_scan(self, scan_id: int) -> ScanResult:
        from seolog.services.scans import get_scan

        return get_scan(self.context, scan_id)

    # Results --------------------------------------------------------------------------------

    def document(
        self, scan: ScanRef, verdict: Verdict | None = None, *, stream: bool = False
    ) -> dict[str, Any]:
        """The scan as its JSON contract (`seolog.scan/1`), with the gate's verdict if given.
        With `stream`, its pages and issues are read from the store each time they are
        iterated, never held whole (a sequence, not a list: `render` writes it as JSON)."""
        from seolog.services.results import scan_document

        doc = scan_document(self.context, _scan_id(scan), stream=stream)
        if verdict is not None:
            doc["gate"] = verdict.as_gate()
        return doc

    def gate(
        self,
        scan: ScanRef,
        gates: Gates | None = None,
        *,
        baseline: Baseline | None = None,
        document: Mapping[str, Any] | None = None,
        **settings: Any,
    ) -> Verdict:
        """Does the scan pass? `gates` as planned, else from the config files and environment
        with `fail_under`, `fail_on`, `fail_on_new`, `baseline` keywords on top."""
        from seolog.errors import UsageError
        from seolog.services.gates import gate_scan, prepare
        from seolog.settings import in_section, lookup

        names = [s.name for s in in_section("gates")]
        if any(lookup("gates", name)[0] is None for name in settings):
            raise UsageError(
                f"gate() takes gate settings only, not {', '.join(sorted(settings))}",
                hint=f"gate settings: {', '.join(names)}",
            )
        if gates is not None and settings:
            raise UsageError("give either gates or gate settings, not both", hint="drop one")
        if gates is None:
            gates = Gates.from_resolved(self.settings(**settings))
        if baseline is None:
            baseline = prepare(self.context, gates)
        result = scan if isinstance(scan, ScanResult) else self.load_scan(scan)
        return gate_scan(self.context, result.scan.id, result.scan.score, gates, baseline, document)

    def render(
        self,
        scan: ScanRef | Mapping[str, Any],
        fmt: str = "json",
        verdict: Verdict | None = None,
    ) -> str:
        """The scan in one machine format: json, sarif, junit, csv, markdown, github or gitlab."""
        from seolog.errors import UsageError
        from seolog.output import FORMATS, emitter

        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}", hint=f"formats: {', '.join(FORMATS)}")
        doc = dict(scan) if isinstance(scan, Mapping) else self.document(scan)
        if verdict is not None:
            doc["gate"] = verdict.as_gate()
        return emitter(fmt)(doc)

    def write(
        self,
        scan: ScanRef | Mapping[str, Any],
        path: str | Path,
        fmt: str | None = None,
        verdict: Verdict | None = None,
    ) -> Path:
        """Write the scan to a file; the format comes from `fmt`, a `FORMAT:` prefix or the
        extension (.json .sarif .xml .csv .md). The file is replaced whole or not at all."""
        from seolog.files import atomic_write
        from seolog.output import output_target

        fmt, target = output_target(str(path), fmt)
        atomic_write(target, self.render(scan, fmt, verdict))
        return target


def _warn(message: str) -> None:
    """A SeologWarning pointing at the caller's own line, however deep in seolog it arose."""
    here = os.path.dirname(os.path.abspath(__file__))
    frame: FrameType | None = sys._getframe(1)  # stacklevel 2: the one that called _warn
    level = 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(here):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, SeologWarning, stacklevel=level)


def _scan_settings_only(settings: Mapping[str, Any]) -> None:
    from seolog.errors import UsageError
    from seolog.settings import lookup

    gates = sorted(name for name in settings if lookup("gates", name)[0] is not None)
    if gates:
        raise UsageError(
            f"scan() takes scan settings; {', '.join(gates)} gates a result",
            hint="gate it with seolog.gate(result, fail_under=…)",
        )
    if settings.get("sync"):
        raise UsageError(
            "the library does not push to the platform",
            hint="push with `seolog sync push` after the scan",
        )


def _table(value: Any) -> Any:
    """A mapping as a dict; anything else passes on to be refused with a clear message."""
    return dict(value) if isinstance(value, Mapping) else (value or {})


def _scan_id(scan: ScanRef) -> int:
    return scan.scan.id if isinstance(scan, ScanResult) else int(scan)


def _threshold_pairs(thresholds: Mapping[str, int] | list[str] | None) -> list[str]:
    if thresholds is None:
        return []
    if isinstance(thresholds, Mapping):
        return [f"{name}={value}" for name, value in thresholds.items()]
    return list(thresholds)


def _once(
    db: str | None,
    config: str | Path | bool | None,
    profile: str | None,
    env: Mapping[str, str] | None,
) -> Seolog:
    return Seolog(db, config=config, profile=profile, env=env)


def scan(
    target: str,
    *,
    db: str | None = None,
    config: str | Path | bool | None = None,
    profile: str | None = None,
    env: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> ScanResult:
    """Crawl and audit `target` (a URL, a site name or a folder) into the store.

    Keywords: any scan setting (`max_pages=500`, `include=["/blog/"]`, `sitemaps=False` …),
    `thresholds={"title_max_px": 600}`, `headers`, `cookies`, `auth=(user, password)`,
    `base_url` for a folder. See `seolog config show` for every setting.
    """
    with _once(db, config, profile, env) as api:
        return api.scan(target, progress=progress, **settings)


def load_scan(scan_id: int, *, db: str | None = None) -> ScanResult:
    """A stored scan by ID."""
    with Seolog(db, config=False) as api:
        return api.load_scan(scan_id)


def gate(
    scan: ScanRef,
    *,
    db: str | None = None,
    config: str | Path | bool | None = None,
    profile: str | None = None,
    env: Mapping[str, str] | None = None,
    **settings: Any,
) -> Verdict:
    """The verdict on a scan: `fail_under`, `fail_on`, `fail_on_new` and `baseline` keywords,
    over the `[gates]` of the config files and SEOLOG_GATES_* variables."""
    with _once(db, config, profile, env) as api:
        return api.gate(scan, **settings)


def render(
    scan: ScanRef | Mapping[str, Any],
    fmt: str = "json",
    *,
    verdict: Verdict | None = None,
    db: str | None = None,
) -> str:
    """The scan as json, sarif, junit, csv, markdown, github or gitlab text."""
    with Seolog(db, config=False) as api:
        return api.render(scan, fmt, verdict)


def write(
    scan: ScanRef | Mapping[str, Any],
    path: str | Path,
    fmt: str | None = None,
    *,
    verdict: Verdict | None = None,
    db: str | None = None,
) -> Path:
    """Write the scan to `path` in the format its extension names (or `fmt`)."""
    with Seolog(db, config=False) as api:
        return api.write(scan, path, fmt, verdict)
