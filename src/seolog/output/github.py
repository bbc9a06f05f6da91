"""GitHub Actions workflow commands: each finding annotates the run (and, in a folder scan, the
file and line of the offending element in the pull request), without paid code scanning.

    ::error file=public/index.html,line=22,title=link-broken%3A Links to a broken internal URL::…

GitHub turns at most 10 commands of each kind (error, warning, notice) per step into
annotations (actions/toolkit docs/problem-matchers.md, "Limitations"); the rest only show in the
log. So seolog prints every finding, most severe first, but only as many commands of a kind as
GitHub will show (one finding of each check code before a second of any); the rest are plain log
lines in the same order. A notice then says how many were not annotated, and the gate's verdict
comes last, with a place kept for it among the error annotations.
"""

from __future__ import annotations

from typing import Any

from seolog.checks.registry import get_check
from seolog.output import SEVERITY_RANK, unicode_text
from seolog.output.locate import Locator, Place

ANNOTATIONS_PER_KIND = 10  # GitHub's cap per step for each of error, warning and notice
KINDS = {"error": "error", "warning": "warning", "notice": "notice"}


def data(value: str) -> str:
    """A command's message, escaped as the runner reads it (actions/toolkit command.ts)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def prop(value: str) -> str:
    """A command's property value (file, title): ':' and ',' would end it."""
    return data(value).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **props: str | int | None) -> str:
    given = ",".join(f"{k}={prop(str(v))}" for k, v in props.items() if v is not None)
    return f"::{kind}{' ' + given if given else ''}::{data(message)}"


def _title(code: str) -> str:
    spec = get_check(code)
    return f"{code}: {spec.title}" if spec else code


def _message(issue: dict[str, Any], place: Place) -> str:
    # With a file the URL still says which page it was; without one it is the only location.
    return f"{issue['message']} ({issue['url']})"


def _plain(issue: dict[str, Any], place: Place) -> str:
    """A finding past the annotation cap, as one log line: where, severity, code, message."""
    where = place.path or issue["url"]
    if place.path and place.line:
        where += f":{place.line}"
    line = f"{where}: {issue['severity']} {issue['code']}: {_message(issue, place)}"
    return " ".join(line.splitlines())  # a page's text must not start a line (or a command)


def _summary(doc: dict[str, Any]) -> str:
    scan, sev = doc["scan"], doc["summary"]["by_severity"]
    score = scan["score"] if scan["score"] is not None else "–"
    return (
        f"seolog: {score}/100 for {scan['url']} · {sev.get('error', 0)} errors · "
        f"{sev.get('warning', 0)} warnings · {sev.get('notice', 0)} notices · "
        f"{scan['pages_crawled']} pages"
    )


def _annotated(issues: list[dict[str, Any]], budget: dict[str, int]) -> set[int]:
    """Which findings (by position) become annotations: within each kind, one of every check
    code before a second of any, so the few GitHub shows cover as many problems as they can."""
    turn: dict[str, int] = {}
    order = []
    for n, issue in enumerate(issues):
        turn[issue["code"]] = turn.get(issue["code"], -1) + 1
        order.append((turn[issue["code"]], n))
    chosen = set()
    left = dict(budget)
    for _turn, n in sorted(order):
        kind = KINDS.get(issues[n]["severity"], "warning")
        if left[kind] > 0:
            left[kind] -= 1
            chosen.add(n)
    return chosen


def render(doc: dict[str, Any]) -> str:
    gate: dict[str, Any] | None = doc.get("gate")
    gate_failed = gate is not None and not gate["passed"]
    issues = sorted(
        doc["issues"],
        key=lambda i: (SEVERITY_RANK.get(i["severity"], 3), i["code"], i["url"]),
    )
    budget = {kind: ANNOTATIONS_PER_KIND for kind in KINDS.values()}
    warned = (gate or {}).get("warnings") or []  # warn-level assertions that did not hold
    if gate_failed:
        budget["error"] -= 1  # the verdict is the one error annotation that must show
    budget["warning"] = max(0, budget["warning"] - len(warned))
    wanted = {kind: 0 for kind in budget}
    for issue in issues:
        wanted[KINDS.get(issue["severity"], "warning")] += 1
    if any(wanted[k] > budget[k] for k in budget):
        budget["notice"] -= 1  # room for the notice saying how many were not annotated
    annotated = _annotated(issues, budget)
    locator = Locator(doc)
    lines: list[str] = []
    for n, issue in enumerate(issues):
        place = locator.place(issue)
        if n not in annotated:
            lines.append(_plain(issue, place))
            continue
        lines.append(
            command(
                KINDS.get(issue["severity"], "warning"),
                _message(issue, place),
                file=place.path,
                line=place.line if place.path else None,
                title=_title(issue["code"]),
            )
        )
    plain = len(issues) - len(annotated)
    if plain:
        lines.append(
            command(
                "notice",
                f"{plain} of {len(issues)} findings are not annotated: GitHub shows at most "
                f"{ANNOTATIONS_PER_KIND} annotations of each kind per step. Every finding is "
                "listed in this step's log.",
                title="seolog",
            )
        )
    lines.append(_summary(doc))
    lines += [command("warning", w["message"], title="seolog gate") for w in warned]
    if gate:
        if gate["passed"]:
            lines.append("seolog gate passed")
        else:
            reasons = "; ".join(f["message"] for f in gate["failures"])
            lines.append(command("error", f"gate failed: {reasons}", title="seolog gate"))
    return unicode_text("\n".join(lines)) + "\n"
