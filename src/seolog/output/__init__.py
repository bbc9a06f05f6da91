"""One emitter per machine format, each rendering the same saved scan document.

Every format is built from `services.results.scan_document`, never from live crawl state, so a
stored scan renders exactly as it did when it ran (Lighthouse's rule: reports render only from
the saved result).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

Emitter = Callable[[dict[str, Any]], str]

# What a page says reaches the outputs (titles, link texts, JSON-LD values): whatever it holds,
# the file must stay well-formed. XML 1.0 allows no control characters but tab and newlines, no
# U+FFFE/U+FFFF; no UTF-8 file can hold a lone surrogate (JSON-LD's "\ud800" decodes to one).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def xml_text(value: str) -> str:
    """`value` with what XML 1.0 cannot carry replaced by U+FFFD (the escaping is ElementTree's)."""
    return _NOT_XML.sub("\ufffd", value)


def unicode_text(value: str) -> str:
    """`value` with lone surrogates replaced by U+FFFD, so it can be written as UTF-8."""
    return _SURROGATE.sub("\ufffd", value)


SEVERITY_RANK = {"error": 0, "warning": 1, "notice": 2}  # most severe first; unknown after


def worst_pages(doc: dict[str, Any], limit: int) -> list[tuple[dict[str, Any], list[str]]]:
    """The lowest-scoring pages below 100 of a scan document, each with its distinct codes,
    worst severity first: the same list in the Markdown summary and the audit report."""
    pages = sorted(
        (p for p in doc["pages"] if p["score"] is not None and p["score"] < 100),
        key=lambda p: (p["score"], p["url"]),
    )[:limit]
    wanted = {p["url"]: list[str]() for p in pages}
    for i in sorted(doc["issues"], key=lambda i: SEVERITY_RANK.get(i["severity"], 3)):
        codes = wanted.get(i["url"])
        if codes is not None and i["code"] not in codes:
            codes.append(i["code"])
    return [(p, wanted[p["url"]]) for p in pages]


def checks_line(by_result: dict[str, int]) -> str | None:
    """What the checks did, e.g. "31 passed · 4 failed · 12 not applicable" (kinds with none are
    left out; "unknown" counts checks of a scan stored before seolog recorded where they applied)."""
    return " · ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in by_result.items() if n) or None


# Each machine format and the module of its emitter (each has a `render`).
_MODULES = {
    "json": "jsonout",
    "sarif": "sarif",
    "junit": "junit",
    "csv": "csvout",
    "markdown": "markdown",
    "github": "github",
    "gitlab": "gitlab",
}
FORMATS = tuple(_MODULES)


def emitter(fmt: str) -> Emitter:
    """The emitter of `fmt`, importing only its module: a scan writing JSON does not pay for
    the other six (the GitHub one alone loads a CI environment's path rules)."""
    import importlib

    render: Emitter = importlib.import_module(f"seolog.output.{_MODULES[fmt]}").render
    return render


_CODE_QUALITY = re.compile(r"code[-_]?quality", re.IGNORECASE)  # gl-code-quality-report.json

# What a file name says about its format, for `--output FILE` without a FORMAT: prefix. GitLab's
# report is a .json file too (gl-code-quality-report.json), so it is asked for by name:
# `-o gitlab:gl-code-quality-report.json`; GitHub's workflow commands belong on stdout.
EXTENSIONS = {
    ".json": "json",
    ".sarif": "sarif",
    ".xml": "junit",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
}


def output_target(spec: str, default: str | None = None) -> tuple[str, Path]:
    """`[FORMAT:]FILE` to a format and a path: the FORMAT: prefix, else the file's extension,
    else `default`. A one-letter prefix is a Windows drive, not a format."""
    from seolog.errors import UsageError

    prefix, sep, rest = spec.partition(":")
    if sep and prefix in FORMATS:
        return prefix, Path(rest)
    if sep and len(prefix) > 1 and prefix.isalpha() and "/" not in prefix:  # yaml:out.y
        raise UsageError(
            f"unknown format {prefix!r} in -o {spec}", hint=f"formats: {', '.join(FORMATS)}"
        )
    path = Path(spec)
    fmt = EXTENSIONS.get(path.suffix.lower(), default)
    if fmt == "json" and _CODE_QUALITY.search(path.name):
        fmt = "gitlab"  # what GitLab's docs name the report; seolog's JSON there would not load
    if fmt is None:
        known = " ".join(EXTENSIONS)
        raise UsageError(
            f"cannot tell which format to write to {spec}"
            + (f": {path.suffix} is no format's extension" if path.suffix else ""),
            hint=f"name it FORMAT:FILE (e.g. sarif:{path.name}) or use one of {known}",
        )
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint=f"formats: {', '.join(FORMATS)}")
    return fmt, path
