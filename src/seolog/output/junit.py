"""JUnit XML, one test case per check: a check with findings fails and lists them. GitLab and
Jenkins show it as a test report; passing checks show as passed tests."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from xml.etree import ElementTree as ET

from seolog.checks.registry import catalog
from seolog.output import xml_text

_LISTED = 200  # findings written out per failing check; the message gives the full count


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
    failures = sum(1 for c in codes if by_code.get(c))
    duration = doc["scan"].get("duration_s") or 0
    suites = ET.Element("testsuites", name="seolog", tests=str(len(codes)), failures=str(failures))
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=xml_text(f"seolog {doc['scan']['url']}"),
        tests=str(len(codes)),
        failures=str(failures),
        errors="0",
        skipped="0",
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
        if found:
            severity = found[0]["severity"]
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{len(found)} {severity} finding(s)",
                type=severity,
            )
            lines = [f"{i['url']}: {i['message']}" for i in found[:_LISTED]]
            if len(found) > _LISTED:
                lines.append(f"… and {len(found) - _LISTED} more")
            failure.text = xml_text("\n".join(lines))
    _gate_case(suites, suite, doc.get("gate"))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
