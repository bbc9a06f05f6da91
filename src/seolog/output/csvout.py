"""One row per issue, for spreadsheets."""

from __future__ import annotations

import json
from typing import Any

from seolog.csvsafe import write_rows

COLUMNS = ["code", "severity", "url", "message", "details"]


def render(doc: dict[str, Any]) -> str:
    """Messages and URLs come from crawled pages: the cells are made safe to open (csvsafe)."""
    return write_rows(
        COLUMNS,
        (
            [
                issue["code"],
                issue["severity"],
                issue["url"],
                issue["message"],
                json.dumps(issue["details"], ensure_ascii=False, sort_keys=True)
                if issue["details"]
                else "",
            ]
            for issue in doc["issues"]
        ),
    )
