"""Gates: does a stored scan pass the bar a CI job or a script set? A typed verdict that every
output format and the exit code read, so the JSON, the Markdown summary and `$?` never disagree.

- `fail_under N`: the site score is below N (a scan with no score fails: nothing was audited).
- `fail_on SEVERITY`: an issue at or above that severity.
- `fail_on_new` with a `baseline` (a scan JSON file or a stored scan's ID): an issue the baseline
  does not have, at or above `fail_on` (any severity without it). Issues match by (code, URL);
  an issue on another origin than the baseline's is looked up at the same path there.
- `assertions` (`[gates.checks]`, `--assert`): at most `max` issues with a check code, as
  Lighthouse CI asserts per audit. A code or an fnmatch glob (`image-*`); an exact code wins over
  a glob, a longer glob over a shorter one. Level `error` fails the gate, `warn` is a warning in
  the verdict (the gate passes), `off` switches a broader glob off for that code.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from seolog.context import AppContext
from seolog.domain import Severity, finding_subject
from seolog.errors import GateFailed, NotFoundError, UsageError
from seolog.ids import numeric_id
from seolog.scope import ScanScope
from seolog.services.resolve import Resolved
from seolog.urls import origin_of, path_of

LISTED = 3  # new issues named in the failure line; the rest are counted
LEVELS = ("error", "warn", "off")


@dataclass(frozen=True)
class Assertion:
    """At most `max` issues with each check code `pattern` names (a code or a glob)."""

    pattern: str
    max: int = 0
    level: str = "error"  # error | warn | off

    @property
    def glob(self) -> bool:
        return any(ch in self.pattern for ch in "*?[")

    def matches(self, code: str) -> bool:
        return fnmatchcase(code, self.pattern) if self.glob else code == self.pattern


@dataclass(frozen=True)
class Gates:
    fail_under: int | None = None
    # With --lab: the lowest score any measured page may have, per Lighthouse category.
    fail_under_lab: dict[str, int] | None = None
    fail_on: Severity | None = None
    fail_on_new: bool = False
    baseline: str | None = None  # FILE or SCAN_ID
    assertions: tuple[Assertion, ...] = ()  # [gates.checks] and --assert, checked when planned

    @classmethod
    def from_resolved(cls, resolved: Resolved) -> Gates:
        fail_on = resolved.get("gates.fail_on")
        checks = resolved.get("gates.checks") or {}
        return cls(
            fail_under=resolved.get("gates.fail_under"),
            fail_under_lab=resolved.get("gates.fail_under_lab") or None,
            fail_on=Severity(fail_on) if fail_on else None,
            fail_on_new=bool(resolved.get("gates.fail_on_new")),
            baseline=resolved.get("gates.baseline"),
            assertions=tuple(
                Assertion(pattern, int(spec["max"]), str(spec["level"]))
                for pattern, spec in checks.items()
            ),
        )

    @property
    def asserting(self) -> bool:
        """Whether any assertion can fail or warn (all `off`: nothing to judge)."""
        return any(a.level != "off" for a in self.assertions)

    @property
    def active(self) -> bool:
        return (
            self.fail_under is not None
            or bool(self.fail_under_lab)
            or self.fail_on is not None
            or self.fail_on_new
            or self.asserting
        )

    def assertion_for(self, code: str) -> Assertion | None:
        """The assertion that judges `code`: its exact code, else the longest glob matching it
        (the most specific), the later one on a tie."""
        exact = [a for a in self.assertions if not a.glob and a.pattern == code]
        if exact:
            return exact[-1]
        globs = [a for a in self.assertions if a.glob and a.matches(code)]
        return max(reversed(globs), key=lambda a: len(a.pattern), default=None)

    def check_usage(self) -> None:
        """Before the crawl, not after it: a gate that cannot work is a usage error."""
        if self.fail_on_new and self.baseline is None:
            raise UsageError("--fail-on-new needs --baseline", hint="e.g. --baseline main.json")
        for a in self.assertions:  # a Python caller may build Gates by hand
            if a.level not in LEVELS or a.max < 0:
                raise UsageError(
                    f"assertion {a.pattern}: level {a.level!r}, max {a.max}",
                    hint="the level is error, warn or off; max is 0 or more",
                )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["fail_on"] = self.fail_on.value if self.fail_on else None
        return data


@dataclass(frozen=True)
class Baseline:
    """The accepted issues, read once: before the crawl, so a bad baseline fails fast."""

    name: str  # "scan 12" or the file's path, for messages
    keys: frozenset[tuple[str, str, str]]  # (code, url, subject: see domain.finding_subject)
    # The origin the baseline was scanned at (https://www.example.com), when known. An issue on
    # another origin (staging, a review app, a folder's made-up host) is looked up at the same
    # path here, so a baseline from production gates a staging scan of the same site.
    origin: str | None = None
    # What it crawled and how it judged (None: a file from before seolog kept the scope).
    scope: ScanScope | None = None

    def has(self, code: str, url: str, subject: str = "") -> bool:
        if (code, url, subject) in self.keys:
            return True
        if self.origin is None or origin_of(url) == self.origin:
            return False
        return (code, self.origin + path_of(url), subject) in self.keys


@dataclass(frozen=True)
class Failure:
    gate: str  # fail_under | fail_on | fail_on_new | assert
    message: str
    hint: str
    # The check codes whose issues made this gate fail (empty for the score gate), so JUnit and
    # the annotations mark exactly what the gate blamed, not every check that found something.
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    gates: Gates
    failures: tuple[Failure, ...] = ()
    # Warn-level assertions that failed: said (a `warning:` line, the document's
    # gate.warnings), never failing the gate.
    warnings: tuple[Failure, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def blamed(self) -> frozenset[str]:
        """The check codes the failing gates blame: a check with issues is a failure in JUnit
        only when it is one of these; otherwise its issues are output of a passed test."""
        return frozenset(code for f in self.failures for code in f.codes)

    def to_dict(self) -> dict[str, Any]:
        """The `gate` object of the scan document (JSON, SARIF, JUnit, Markdown read it)."""
        return {
            "passed": self.passed,
            "gates": self.gates.to_dict(),
            "failures": [asdict(f) for f in self.failures],
            "warnings": [asdict(f) for f in self.warnings],
        }

    def as_gate(self) -> dict[str, Any] | None:
        """The document's `gate`: null when no gate was set, so an ungated scan renders the
        same whether it ran just now or is shown from the store."""
        return self.to_dict() if self.gates.active else None

    def raise_if_failed(self) -> None:
        """Exit 1 with the first failing gate named in one line (and how many more failed)."""
        if self.failures:
            first, more = self.failures[0], len(self.failures) - 1
            also = f" (and {more} more failed gate{'s' if more > 1 else ''})" if more else ""
            raise GateFailed(first.message + also, hint=first.hint)


def load_baseline(ctx: AppContext, spec: str) -> Baseline:
    """A scan JSON file (`--format json`) or the ID of a stored scan."""
    from seolog.services.results import scan_issues, scan_scope
    from seolog.services.scans import get_scan

    if spec.strip().isascii() and spec.strip().isdigit():  # int("²") fails: a file name
        scan_id = numeric_id(spec)
        if scan_id is None:
            raise NotFoundError(f"no scan with id {spec.strip()}", hint="see `seolog scans list`")
        stored = get_scan(ctx, scan_id)  # a clear error for an unknown ID
        scope = scan_scope(ctx, scan_id)
        return Baseline(
            f"scan {scan_id}", _keys(scan_issues(ctx, scan_id)), origin_of(stored.scan.url), scope
        )
    path = Path(spec)
    hint = "write one with `seolog scan URL --format json -o FILE`"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise UsageError(
            f"cannot read the baseline {path}: {e.strerror}", hint="check the path"
        ) from e
    except ValueError as e:
        raise UsageError(f"the baseline {path} is not JSON", hint=hint) from e
    if not isinstance(data, dict) or not str(data.get("schema", "")).startswith("seolog.scan/"):
        raise UsageError(f"the baseline {path} is not a seolog scan document", hint=hint)
    issues = data.get("issues") or []
    if not isinstance(issues, list) or not all(
        isinstance(i, dict) and "code" in i and "url" in i for i in issues
    ):
        raise UsageError(f"the baseline {path} has no readable issues list", hint=hint)
    scan = data.get("scan")
    url = scan.get("url") if isinstance(scan, dict) else None
    kept: ScanScope | None = None  # a file from before seolog kept the scope has none
    if isinstance(scan, dict) and isinstance(url, str) and isinstance(scan.get("settings"), dict):
        from seolog.services.results import scope_in

        kept = scope_in(scan)
    return Baseline(
        str(path), _keys(issues), origin_of(url) if isinstance(url, str) else None, kept
    )


def check_baseline(baseline: Baseline, scope: ScanScope) -> None:
    """A baseline --fail-on-new can trust, before the crawl: a complete scan, judged by the same
    thresholds, rules and checks as the scan it gates. A partial one would make every issue on
    a page it never reached "new"; another threshold would make every finding it moves new."""
    if baseline.scope is None:
        return
    if baseline.scope.partial:
        raise UsageError(
            f"the baseline {baseline.name} is partial ({baseline.scope.partial_reason}): issues "
            "on the pages it never reached would all count as new",
            hint="use a complete scan as the baseline",
        )
    differences = baseline.scope.judged_differently(scope)
    if differences:
        raise UsageError(
            f"the baseline {baseline.name} was judged differently: " + "; ".join(differences),
            hint="make the baseline with the same thresholds and rules (and seolog release)",
        )


def prepare(ctx: AppContext, gates: Gates) -> Baseline | None:
    """Gates made ready to judge, before any crawl: usable (or a usage error), and the baseline
    read whenever one is named, so a missing or junk baseline fails before the crawl even when
    no gate uses it yet (a typo there would otherwise surface only on the day --fail-on-new is
    switched on)."""
    gates.check_usage()
    if gates.baseline is None:
        return None
    baseline = load_baseline(ctx, gates.baseline)
    return baseline if gates.fail_on_new else None


def _keys(issues: Iterable[Mapping[str, Any]]) -> frozenset[tuple[str, str, str]]:
    return frozenset(
        (str(i["code"]), str(i["url"]), finding_subject(i.get("details"))) for i in issues
    )


def evaluate(
    gates: Gates,
    scan_id: int,
    score: int | None,
    issues: Iterable[Mapping[str, Any]],
    baseline: Baseline | None = None,
    lab: Sequence[Mapping[str, Any]] | None = None,
) -> Verdict:
    """The verdict on one scan: every gate that failed, first the score, then the issues, then
    the assertions (in code order)."""
    issues = list(issues)
    failures: list[Failure] = []
    if gates.fail_under is not None:
        if score is None:
            failures.append(
                Failure(
                    "fail_under",
                    f"--fail-under {gates.fail_under}: the scan has no score "
                    "(no HTML page was audited)",
                    "check the start URL answers with an HTML page",
                )
            )
        elif score < gates.fail_under:
            failures.append(
                Failure(
                    "fail_under",
                    f"site score {score} is below --fail-under {gates.fail_under}",
                    f"see the issues with `seolog scans show {scan_id}`",
                )
            )
    failures += _lab_failures(gates, scan_id, lab or [])
    if gates.fail_on is not None or gates.fail_on_new:
        floor = gates.fail_on.rank if gates.fail_on else Severity.NOTICE.rank
        counted = [i for i in issues if _rank(i) >= floor]
        if gates.fail_on_new:
            if baseline is None:  # pragma: no cover - check_usage runs first
                raise UsageError("--fail-on-new needs --baseline", hint="e.g. --baseline main.json")
            failure = _new_issues(gates, scan_id, counted, baseline)
        else:
            failure = _issues(gates, scan_id, counted)
        failures += [failure] if failure else []
    asserted = _assertions(gates, scan_id, issues)
    return Verdict(
        gates,
        tuple(failures + [f for f, level in asserted if level == "error"]),
        tuple(f for f, level in asserted if level == "warn"),
    )


def _lab_failures(gates: Gates, scan_id: int, lab: Sequence[Mapping[str, Any]]) -> list[Failure]:
    """--fail-under-lab: each category whose lowest measured page is below its minimum. No
    page measured, or none scored in that category, fails too: the gate cannot vouch."""
    failures: list[Failure] = []
    for category, minimum in (gates.fail_under_lab or {}).items():
        flag = f"--fail-under-lab {category.replace('_', '-')}={minimum}"
        scored = [
            (r["scores"][category], r["url"]) for r in lab if r["scores"][category] is not None
        ]
        if not scored:
            failures.append(
                Failure(
                    "fail_under_lab",
                    f"{flag}: no page was scored (run the scan with --lab)",
                    f"see `seolog lab {scan_id}`, or `seolog scans show {scan_id}` for errors",
                )
            )
            continue
        low, url = min(scored)
        if low < minimum:
            below = sum(1 for value, _ in scored if value < minimum)
            failures.append(
                Failure(
                    "fail_under_lab",
                    f"lab {category.replace('_', '-')} score {low} on {url} is below {flag}"
                    f" ({below} of {len(scored)} pages below)",
                    f"see the lab results with `seolog scans show {scan_id}`",
                )
            )
    return failures


def _assertions(
    gates: Gates, scan_id: int, issues: list[Mapping[str, Any]]
) -> list[tuple[Failure, str]]:
    """Each code with more issues than its assertion allows, with the assertion's level."""
    if not gates.asserting:
        return []
    found: list[tuple[Failure, str]] = []
    for code, count in sorted(Counter(str(i["code"]) for i in issues).items()):
        a = gates.assertion_for(code)
        if a is None or a.level == "off" or count <= a.max:
            continue
        via = f" (asserted by {a.pattern})" if a.glob else ""
        message = f"assertion failed: {code} has {count} issue(s), max {a.max}{via}"
        hint = f"see them with `seolog scans show {scan_id} --code {code}`"
        found.append((Failure("assert", message, hint, (code,)), a.level))
    return found


def _rank(issue: Mapping[str, Any]) -> int:
    try:
        return Severity(issue["severity"]).rank
    except ValueError:
        return 0


def _new_issues(
    gates: Gates, scan_id: int, issues: list[Mapping[str, Any]], baseline: Baseline
) -> Failure | None:
    new = [
        i
        for i in issues
        if not baseline.has(str(i["code"]), str(i["url"]), finding_subject(i.get("details")))
    ]
    if not new:
        return None
    listed = ", ".join(f"{i['code']} on {i['url']}" for i in new[:LISTED])
    more = f" and {len(new) - LISTED} more" if len(new) > LISTED else ""
    what = f" at or above {gates.fail_on.value}" if gates.fail_on else ""
    return Failure(
        "fail_on_new",
        f"{len(new)} new issue(s){what} not in the baseline ({baseline.name}): {listed}{more}",
        f"fix them, or accept them by making scan {scan_id} the new baseline",
        _codes(new),
    )


def _issues(gates: Gates, scan_id: int, issues: list[Mapping[str, Any]]) -> Failure | None:
    if not issues or gates.fail_on is None:
        return None
    counts: dict[Severity, int] = {}
    for i in issues:
        severity = Severity(i["severity"])
        counts[severity] = counts.get(severity, 0) + 1
    listed = ", ".join(
        f"{n} {sev.value}(s)" for sev, n in sorted(counts.items(), key=lambda kv: -kv[0].rank)
    )
    return Failure(
        "fail_on",
        f"--fail-on {gates.fail_on.value}: the scan has {listed}",
        f"see them with `seolog scans show {scan_id}`",
        _codes(issues),
    )


def _codes(issues: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    return tuple(sorted({str(i["code"]) for i in issues}))


def gate_scan(
    ctx: AppContext,
    scan_id: int,
    score: int | None,
    gates: Gates,
    baseline: Baseline | None = None,
    document: Mapping[str, Any] | None = None,
) -> Verdict:
    """The verdict on a stored scan; its issues are read only when a gate looks at them (from
    the scan document when one was built anyway)."""
    from seolog.services.lab import lab_rows
    from seolog.services.results import scan_issues

    lab = lab_rows(ctx, scan_id) if gates.fail_under_lab else None
    if gates.fail_on is None and not gates.fail_on_new and not gates.asserting:
        return evaluate(gates, scan_id, score, (), lab=lab)
    issues = document["issues"] if document is not None else scan_issues(ctx, scan_id)
    return evaluate(gates, scan_id, score, issues, baseline, lab=lab)
