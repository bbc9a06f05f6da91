"""A compact Markdown summary for pull-request comments and $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

from collections import Counter
from typing import Any

from seolog.checks.registry import get_check
from seolog.output import checks_line, worst_pages

TOP = 10
ICONS = {"error": "🔴", "warning": "🟠", "notice": "🔵"}


def _cell(text: Any) -> str:
    text = str(text).replace("|", "\\|").replace("\n", " ")
    return text.replace("<", "&lt;").replace(">", "&gt;")  # "<html>" in a title is text, not markup


def _verdict(gate: dict[str, Any]) -> str:
    """The gate's verdict first, so a reviewer sees at once why the build passed or failed."""
    if gate["passed"]:
        return "✅ **Gate passed**"
    reasons = "; ".join(_cell(f["message"]) for f in gate["failures"])
    return f"❌ **Gate failed**: {reasons}"


def render(doc: dict[str, Any]) -> str:
    scan, summary = doc["scan"], doc["summary"]
    sev = summary["by_severity"]
    score = scan["score"]
    lines = [
        f"## seolog: {score if score is not None else '–'}/100 for {scan['url']}",
        "",
        f"{ICONS['error']} **{sev.get('error', 0)}** errors · {ICONS['warning']} "
        f"**{sev.get('warning', 0)}** warnings · {ICONS['notice']} **{sev.get('notice', 0)}** notices "
        f"· {scan['pages_crawled']} pages · scan #{scan['id']} ({scan['status']})",
        "",
    ]
    checks = checks_line(summary.get("checks") or {})  # absent from older saved documents
    if checks:
        lines[-1:-1] = ["", f"Checks: {checks}"]
    gate = doc.get("gate")
    if gate:
        lines[1:1] = ["", _verdict(gate)]
    by_code = Counter(summary["by_code"])
    if by_code:
        severity = {i["code"]: i["severity"] for i in doc["issues"]}
        lines += ["| Code | Severity | Found | What |", "|---|---|---:|---|"]
        for code, n in by_code.most_common(TOP):
            spec = get_check(code)
            title = spec.title if spec else ""
            lines.append(f"| `{code}` | {severity.get(code, '')} | {n} | {_cell(title)} |")
        if len(by_code) > TOP:
            lines.append(f"\n… and {len(by_code) - TOP} more codes.")
        lines.append("")
    worst = worst_pages(doc, TOP)
    if worst:
        lines += ["<details><summary>Worst pages</summary>", "", "| Score | URL | Issues |",
                  "|---:|---|---|"]  # fmt: skip
        for p, codes in worst:
            listed = ", ".join(f"`{c}`" for c in codes[:4])
            lines.append(f"| {p['score']} | {_cell(p['url'])} | {listed} |")
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def render_diff(diff: dict[str, Any]) -> str:
    """A scan diff (`seolog.diff/1`) for a pull-request comment."""
    a, b = diff["before"], diff["after"]
    change = diff["score_change"]
    issues = diff["issues"]
    lines = [
        f"## seolog: score {a['score']} → {b['score']}"
        + (f" ({change:+d})" if change is not None else "")
        + f" for {b['url']}",
        "",
        f"{ICONS['error']} **{len(issues['new'])}** new · ✅ **{len(issues['fixed'])}** fixed · "
        f"{issues['persisting']} persisting · scan #{a['id']} → #{b['id']}",
        "",
    ]
    for title, rows in (("New issues", issues["new"]), ("Fixed issues", issues["fixed"])):
        if rows:
            lines += [f"### {title}", "", "| Code | URL | Finding |", "|---|---|---|"]
            lines += [
                f"| `{i['code']}` | {_cell(i['url'])} | {_cell(i['message'])} |"
                for i in rows[: TOP * 3]
            ]
            if len(rows) > TOP * 3:
                lines.append(f"\n… and {len(rows) - TOP * 3} more.")
            lines.append("")
    if diff["changes"]:
        lines += ["<details><summary>Changed pages</summary>", "", "| URL | What | Before | After |",
                  "|---|---|---|---|"]  # fmt: skip
        lines += [
            f"| {_cell(c['url'])} | {c['field']} | {_cell(c['before'])} | {_cell(c['after'])} |"
            for c in diff["changes"][: TOP * 5]
        ]
        lines += ["", "</details>", ""]
    return "\n".join(lines)
