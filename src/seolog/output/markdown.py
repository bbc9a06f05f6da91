"""A compact Markdown summary for pull-request comments and $GITHUB_STEP_SUMMARY: the gate's
verdict first (pass or fail, and why), the site by name, the checks that found most, errors
first."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from seolog.checks.registry import get_check
from seolog.output import SEVERITY_RANK, checks_line, worst_pages

TOP = 10
ICONS = {"error": "🔴", "warning": "🟠", "notice": "🔵"}


def _cell(text: Any) -> str:
    text = str(text).replace("|", "\\|").replace("\n", " ")
    return text.replace("<", "&lt;").replace(">", "&gt;")  # "<html>" in a title is text, not markup


def _gates_set(gates: dict[str, Any]) -> str:
    """The gates a scan was judged by, as flags: "--fail-under 90 · --fail-on error"."""
    said = []
    if gates.get("fail_under") is not None:
        said.append(f"--fail-under {gates['fail_under']}")
    for category, minimum in (gates.get("fail_under_lab") or {}).items():
        said.append(f"--fail-under-lab {category.replace('_', '-')}={minimum}")
    if gates.get("fail_on"):
        said.append(f"--fail-on {gates['fail_on']}")
    if gates.get("fail_on_new"):
        said.append(f"--fail-on-new --baseline {gates.get('baseline')}")
    asserted = [a for a in gates.get("assertions") or [] if a.get("level") != "off"]
    if asserted:
        said.append(f"{len(asserted)} check assertion(s)")
    return " · ".join(_cell(s) for s in said)


def _verdict(gate: dict[str, Any] | None) -> list[str]:
    """The lines under the heading: the gate's verdict first, so a reviewer sees at once whether
    the build passed and why."""
    if not gate:
        return []
    # Warn-level assertions that did not hold: said, never failing (absent from older documents).
    warned = [f"⚠️ {_cell(w['message'])}" for w in gate.get("warnings") or []]
    if gate["passed"]:
        said = _gates_set(gate.get("gates") or {})
        lines = ["✅ **Gate passed**", "", f"Gates: {said}"] if said else ["✅ **Gate passed**"]
    else:
        reasons = "; ".join(_cell(f["message"]) for f in gate["failures"])
        lines = [f"❌ **Gate failed**: {reasons}"]
    return lines + (["", "<br>".join(warned)] if warned else [])


def site_name(doc: dict[str, Any]) -> str:
    """What the scan was of, as a reader knows it: the folder (`public/`) or the host."""
    folder = (doc["scan"].get("settings") or {}).get("folder")
    if folder:
        path = Path(folder)
        try:
            shown = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            shown = path.name
        return f"{shown if shown != '.' else path.name}/"
    return urlsplit(doc["scan"]["url"]).netloc or doc["scan"]["url"]


def render(doc: dict[str, Any]) -> str:
    scan, summary = doc["scan"], doc["summary"]
    sev = summary["by_severity"]
    score = scan["score"]
    verdict = _verdict(doc.get("gate"))
    heading = "## seolog: "
    if verdict:
        heading += "gate passed · " if doc["gate"]["passed"] else "gate failed · "
    heading += f"{score if score is not None else '–'}/100 for {_cell(site_name(doc))}"
    status = f" ({scan['status']})" if scan["status"] != "completed" else ""
    lines = [heading, ""]
    if verdict:
        lines += [*verdict, ""]
    lines += [
        f"{ICONS['error']} **{sev.get('error', 0)}** errors · {ICONS['warning']} "
        f"**{sev.get('warning', 0)}** warnings · {ICONS['notice']} **{sev.get('notice', 0)}** notices "
        f"· {scan['pages_crawled']} pages · {_cell(scan['url'])}{status}",
        "",
    ]
    checks = checks_line(summary.get("checks") or {})  # absent from older saved documents
    if checks:
        lines += [f"Checks: {checks}", ""]
    by_code = summary["by_code"]
    if by_code:
        severity = {i["code"]: i["severity"] for i in doc["issues"]}
        # Errors first, then warnings, then notices; the most found first within each.
        ranked = sorted(
            by_code.items(),
            key=lambda kv: (SEVERITY_RANK.get(severity.get(kv[0], ""), 3), -kv[1], kv[0]),
        )
        lines += ["| Code | Severity | Found | What |", "|---|---|---:|---|"]
        for code, n in ranked[:TOP]:
            spec = get_check(code)
            title = spec.title if spec else ""
            lines.append(f"| `{code}` | {severity.get(code, '')} | {n} | {_cell(title)} |")
        if len(ranked) > TOP:
            lines.append(f"\n… and {len(ranked) - TOP} more codes.")
        lines.append("")
    worst = worst_pages(doc, TOP)
    if worst:
        lines += ["<details><summary>Worst pages</summary>", "", "| Score | URL | Issues |",
                  "|---:|---|---|"]  # fmt: skip
        for p, codes in worst:
            listed = ", ".join(f"`{c}`" for c in codes[:4])
            lines.append(f"| {p['score']} | {_cell(p['url'])} | {listed} |")
        lines += ["", "</details>", ""]
    lines += _lab(doc.get("lab") or [])
    return "\n".join(lines)


def _lab(rows: list[dict[str, Any]]) -> list[str]:
    """The Lighthouse lab scores (--lab): a page a row."""
    if not rows:
        return []
    first = rows[0]
    lines = [
        f"**Lab scores** (Lighthouse {_cell(first['lighthouse_version'] or '?')}, "
        f"{first['form_factor']})",
        "",
        "| Perf | A11y | BP | SEO | LCP ms | CLS | URL |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        scores = [r["scores"][c] for c in ("performance", "accessibility", "best_practices", "seo")]
        lcp, cls = r["metrics"]["lcp_ms"], r["metrics"]["cls"]
        cells = [*("–" if v is None else str(v) for v in scores)]
        cells += ["–" if lcp is None else f"{lcp:.0f}", "–" if cls is None else f"{cls:.3f}"]
        error = f" ({_cell(r['error'])})" if r["error"] else ""
        lines.append(f"| {' | '.join(cells)} | {_cell(r['url'])}{error} |")
    return [*lines, ""]


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
        + (
            f"{len(issues['not_rechecked'])} not rechecked · "
            if issues.get("not_rechecked")
            else ""
        )
        + f"{issues['persisting']} persisting · scan #{a['id']} → #{b['id']}",
        "",
    ]
    if diff.get("not_comparable"):
        lines[1:1] = ["", f"> ⚠️ {diff['not_comparable']}"]
    sections = (
        ("New issues", issues["new"]),
        ("Fixed issues", issues["fixed"]),
        (
            "Not rechecked (the later scan did not fetch these URLs)",
            issues.get("not_rechecked") or [],
        ),
    )
    for title, rows in sections:
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
