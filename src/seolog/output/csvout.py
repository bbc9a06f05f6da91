"""One row per issue, for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

COLUMNS = ["code", "severity", "url", "message", "details"]


def render(doc: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for issue in doc["issues"]:
        writer.writerow(
            [
                issue["code"],
                issue["severity"],
                issue["url"],
                issue["message"],
                json.dumps(issue["details"], ensure_ascii=False, sort_keys=True)
                if issue["details"]
                else "",
            ]
        )
    return buf.getvalue()
