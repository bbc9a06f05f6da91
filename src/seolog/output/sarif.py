"""SARIF 2.1.0, so GitHub code scanning (and other SARIF viewers) show the findings.

One rule per check code in the catalog, so rule indexes are stable across runs. A scan of a
local folder maps each URL back to its file (`public/products/spade.html`) and, where it can be
found, the line of the element (`output.locate`), which lets code scanning annotate the source in
the repository; other scans locate findings by URL.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from seolog import __version__
from seolog.checks.registry import catalog
from seolog.domain import finding_subject
from seolog.output import unicode_text
from seolog.output.locate import Locator, Place

LEVELS = {"error": "error", "warning": "warning", "notice": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# Where people read about seolog when the package does not name a home page of its own: the
# same address the crawler's User-Agent gives site owners.
PACKAGE_URI = "https://pypi.org/project/seolog/"
_HOME_LABELS = ("homepage", "home", "documentation", "repository", "source")


@lru_cache(maxsize=1)
def information_uri() -> str:
    """The project's home page from the installed package's metadata ([project.urls]), else
    its PyPI page."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        entries = metadata("seolog").get_all("Project-URL") or []
    except PackageNotFoundError:
        return PACKAGE_URI
    urls = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    for label in _HOME_LABELS:
        if urls.get(label, "").startswith("https://"):
            return urls[label]
    return PACKAGE_URI


def rule_name(title: str) -> str:
    """A rule's name as SARIF viewers show it, PascalCase from its title: "Title is too long"
    becomes "TitleIsTooLong" (the id stays the code, title-too-long)."""
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", title))


def _rule(spec: Any) -> dict[str, Any]:
    explain = f"seolog checks explain {spec.code}"
    return {
        "id": spec.code,
        "name": rule_name(spec.title),
        "shortDescription": {"text": spec.title},
        "fullDescription": {"text": spec.why},
        "help": {
            "text": f"{spec.why}\n\nHow to fix: {spec.fix}\n\nMore: {explain}",
            "markdown": f"{spec.why}\n\n**How to fix:** {spec.fix}\n\nMore: `{explain}`",
        },
        "defaultConfiguration": {"level": LEVELS[spec.severity.value]},
        "properties": {"tags": ["seo", spec.family], "precision": "high"},
    }


def _location(place: Place) -> dict[str, Any]:
    """The file a URL came from in a folder scan (relative to the working directory, else a
    file: URI) with the element's line when known, or the URL."""
    if place.path is None:
        return {"physicalLocation": {"artifactLocation": {"uri": place.url}}}
    path = Path(place.path)
    # A URI reference, not a path: a space, %, # or ? in a file name is percent-encoded.
    uri = path.as_uri() if path.is_absolute() else quote(place.path)
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if place.line is not None:
        physical["region"] = {"startLine": place.line}
    return {"physicalLocation": physical}


def render(doc: dict[str, Any]) -> str:
    specs = list(catalog())
    index = {spec.code: i for i, spec in enumerate(specs)}
    locator = Locator(doc)
    results = []
    for issue in doc["issues"]:
        subject = finding_subject(issue.get("details"))
        key = f"{issue['code']}|{issue['url']}" + (f"|{subject}" if subject else "")
        fingerprint = hashlib.sha256(key.encode()).hexdigest()[:32]
        result: dict[str, Any] = {
            "ruleId": issue["code"],
            "level": LEVELS.get(issue["severity"], "warning"),
            "message": {"text": f"{issue['message']} ({issue['url']})"},
            "locations": [_location(locator.place(issue))],
            "partialFingerprints": {"seologFinding/v1": fingerprint},
            "properties": {"url": issue["url"], "details": issue["details"]},
        }
        if issue["code"] in index:
            result["ruleIndex"] = index[issue["code"]]
        results.append(result)
    sarif = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "seolog",
                        "version": __version__,
                        "informationUri": information_uri(),
                        "rules": [_rule(s) for s in specs],
                    }
                },
                "automationDetails": {"id": f"seolog/{doc['scan']['url']}"},
                "results": results,
                "properties": {
                    "score": doc["scan"]["score"],
                    "scan_id": doc["scan"]["id"],
                    "gate": doc.get("gate"),
                },
            }
        ],
    }
    return unicode_text(json.dumps(sarif, indent=2, ensure_ascii=False)) + "\n"
