"""The scan document as JSON: the contract (`seolog.scan/1`)."""

from __future__ import annotations

import json
from typing import Any

from seolog.output import unicode_text


def render(doc: dict[str, Any]) -> str:
    return unicode_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str)) + "\n"
