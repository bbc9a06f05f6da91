"""One emitter per machine format, each rendering the same saved scan document.

Every format is built from `services.results.scan_document`, never from live crawl state, so a
stored scan renders exactly as it did when it ran (Lighthouse's rule: reports render only from
the saved result).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Emitter = Callable[[dict[str, Any]], str]


def emitter(fmt: str) -> Emitter:
    from seolog.output import csvout, jsonout, junit, markdown, sarif

    return {
        "json": jsonout.render,
        "sarif": sarif.render,
        "junit": junit.render,
        "csv": csvout.render,
        "markdown": markdown.render,
    }[fmt]


# What a file name says about its format, for `--output FILE` without a FORMAT: prefix.
EXTENSIONS = {
    ".json": "json",
    ".sarif": "sarif",
    ".xml": "junit",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
}
