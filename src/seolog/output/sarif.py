"""SARIF 2.1.0, so GitHub code scanning (and other SARIF viewers) show the findings.

One rule per check code in the catalog, so rule indexes are stable across runs. A scan of a
local folder maps each URL back to its file (`public/products/spade.html`), which lets code
scanning annotate the file in the repository; other scans locate findings by URL.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from seolog import __version__
from seolog.checks.registry import catalog
from seolog.output import unicode_text

LEVELS = {"error": "error", "warning": "warning", "notice": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/seolog/seolog"


def _rule(spec: Any) -> dict[str, Any]:
    return {
        "id": spec.code,
        "name": "".join(part.capitalize() for part in spec.code.split("-")),
        "shortDescription": {"text": spec.title},
        "fullDescription": {"text": spec.why},
        "help": {
            "text": f"{spec.why}\n\nHow to fix: {spec.fix}",
            "markdown": f"{spec.why}\n\n**How to fix:** {spec.fix}",
        },
        "defaultConfiguration": {"level": LEVELS[spec.severity.value]},
        "properties": {"tags": ["seo", spec.family], "precision": "high"},
    }


def _location(url: str, folder: str | None) -> dict[str, Any]:
    """The file a URL came from in a folder scan (relative to the working directory), or the URL."""
    if folder:
        path = urlsplit(url).path.lstrip("/")
        candidate = Path(folder) / path
        if not path or path.endswith("/") or candidate.is_dir():
            candidate = candidate / "index.html"
        try:
            uri = candidate.resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            uri = candidate.resolve().as_uri()
        return {"physicalLocation": {"artifactLocation": {"uri": uri}}}
    return {"physicalLocation": {"artifactLocation": {"uri": url}}}


def render(doc: dict[str, Any]) -> str:
    specs = list(catalog())
    index = {spec.code: i for i, spec in enumerate(specs)}
    folder = (doc["scan"].get("settings") or {}).get("folder")
    results = []
    for issue in doc["issues"]:
        fingerprint = hashlib.sha256(f"{issue['code']}|{issue['url']}".encode()).hexdigest()[:32]
        result: dict[str, Any] = {
            "ruleId": issue["code"],
            "level": LEVELS.get(issue["severity"], "warning"),
            "message": {"text": f"{issue['message']} ({issue['url']})"},
            "locations": [_location(issue["url"], folder)],
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
                        "informationUri": INFO_URI,
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
