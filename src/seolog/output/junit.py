"""JUnit XML, one test case per check. GitLab and Jenkins show it as a test report.

A check's test case fails only when the gate fails on it (the codes a failing gate blames,
`Failure.codes`): the report and the exit code then agree. A check with findings the gate does
not blame (a notice under `--fail-on error`, or any finding when no gate was set) is a passed
test whose findings are its output (`<system-out>`), so they are read, not counted as failures.
A check that judged nothing (not applicable: no hreflang anywhere, a server-only check in a
folder scan) or was switched off is a skipped test, as Lighthouse CI reports such audits: a
pass there would claim something was checked.
A gated scan has one more test case, `gate`, failing with the gate's reasons.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from xml.etree import ElementTree as ET

from seolog.checks.registry import catalog
from seolog.output import xml_text

_LISTED = 200  # findings written out per check; the message gives the full count
_SKIPPED = {
    "not_applicable": "not applicable: nothing on this site for it to judge",
    "disabled": "switched off in the config ([checks] disable)",
}


def blamed_codes(gate: dict[str, Any] | None) -> set[str]:
    """The check codes a failing gate blames (none when it passed or no gate was set)."""
    if not gate or gate.get("passed", True):
        return set()
    return {code for f in gate.get("failures") or [] for code in f.get("codes") or []}


def _listing(found: list[dict[str, Any]]) -> str:
    lines = [f"{i['url']}: {i['message']}" for i in found[:_LISTED]]
    if len(found) > _LISTED:
        lines.append(f"… and {len(found) - _LISTED} more")
    return xml_text("\n".join(lines))


def _gate_case(suites: ET.Element, suite: ET.Element, gate: dict[str, Any] | None) -> None:
    """A gated scan gets one more test case, the gate itself, failing with the reasons that
    made seolog exit 1."""
    if not gate:
        return
    case = ET.SubElement(suite, "testcase", name="gate", classname="seolog", time="0")
    for element in (suites, suite):
        element.set("tests", str(int(element.get("tests", "0")) + 1))
        if not gate["passed"]:
            element.set("failures", str(int(element.get("failures", "0")) + 1))
    if not gate["passed"]:
        failure = ET.SubElement(case, "failure", message="the gate failed", type="gate")
        failure.text = xml_text("\n".join(f["message"] for f in gate["failures"]))


def render(doc: dict[str, Any]) -> str:
    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for issue in doc["issues"]:
        by_code[issue["code"]].append(issue)
    specs = {s.code: s for s in catalog()}
    codes = sorted(set(specs) | set(by_code))
    blamed = blamed_codes(doc.get("gate"))
    failures = sum(1 for c in codes if by_code.get(c) and c in blamed)
    unjudged = {
        c["code"]: c["result"]
        for c in doc.get("checks") or []
        if c.get("result") in _SKIPPED and not by_code.get(c["code"])
    }
    duration = doc["scan"].get("duration_s") or 0
    suites = ET.Element("testsuites", name="seolog", tests=str(len(codes)), failures=str(failures))
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=xml_text(f"seolog {doc['scan']['url']}"),
        tests=str(len(codes)),
        failures=str(failures),
        errors="0",
        skipped=str(sum(1 for c in codes if c in unjudged)),
        time=f"{duration:.3f}",
    )
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="score", value=str(doc["scan"]["score"]))
    for code in codes:
        spec = specs.get(code)
        case = ET.SubElement(
            suite,
            "testcase",
            name=f"{code}: {spec.title}" if spec else code,
            classname=f"seolog.{spec.family}" if spec else "seolog",
            time="0",
        )
        found = by_code.get(code)
        if code in unjudged:
            ET.SubElement(case, "skipped", message=_SKIPPED[unjudged[code]])
            continue
        if not found:
            continue
        severity = found[0]["severity"]
        if code in blamed:
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{len(found)} {severity} finding(s)",
                type=severity,
            )
            failure.text = _listing(found)
        else:
            why = "no gate was set" if not doc.get("gate") else "the gate does not fail on them"
            out = ET.SubElement(case, "system-out")
            out.text = f"{len(found)} {severity} finding(s) ({why}):\n" + _listing(found)
    _gate_case(suites, suite, doc.get("gate"))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
