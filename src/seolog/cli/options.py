"""Option types shared by several commands, defined once, and their parsing into settings."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from seolog.config import CrawlSettings

CRAWL = "Crawl"
ACCESS = "Access (staging sites)"
AUDIT = "Audit and gates"


class Format(StrEnum):
    table = "table"
    json = "json"


FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output: a table for people, JSON for scripts.")
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the output to this file instead of stdout (the summary still shows).",
        dir_okay=False,
    ),
]

# Secrets: accepted on every command that fetches, never stored.
HeaderOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--header",
        "-H",
        help="Extra request header 'Name: value' (repeatable).",
        rich_help_panel=ACCESS,
    ),
]
CookieOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--cookie",
        help="Cookie 'name=value' sent with every request (repeatable).",
        rich_help_panel=ACCESS,
    ),
]
AuthOpt = Annotated[
    str | None,
    typer.Option(
        "--auth",
        help="HTTP basic auth 'user:password' for a protected staging site.",
        envvar="SEOLOG_AUTH",
        show_envvar=True,
        rich_help_panel=ACCESS,
    ),
]

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)?\s*$", re.I)
_UNITS = {
    "": 1,
    "b": 1,
    "k": 1024,
    "kb": 1024,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1024**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1024**3,
    "gib": 1024**3,
}


def parse_size(value: str) -> int:
    """'5M', '500k', '2MiB' or plain bytes."""
    m = _SIZE.match(value)
    unit = (m.group(2) or "").lower() if m else None
    if m is None or unit not in _UNITS:
        raise typer.BadParameter(f"{value!r} is not a size; use bytes or a suffix like 500k or 5M")
    return int(float(m.group(1)) * _UNITS[unit])


def parse_headers(values: list[str] | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    for v in values or []:
        name, sep, val = v.partition(":")
        if not sep or not name.strip():
            raise typer.BadParameter(f"{v!r} is not 'Name: value'", param_hint="--header")
        headers[name.strip()] = val.strip()
    return headers


def parse_cookies(values: list[str] | None) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for v in values or []:
        name, sep, val = v.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"{v!r} is not 'name=value'", param_hint="--cookie")
        cookies[name.strip()] = val.strip()
    return cookies


def parse_auth(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user:
        raise typer.BadParameter("use 'user:password'", param_hint="--auth")
    return user, password


def secrets(header: list[str] | None, cookie: list[str] | None, auth: str | None) -> CrawlSettings:
    return CrawlSettings(
        headers=parse_headers(header), cookies=parse_cookies(cookie), auth=parse_auth(auth)
    )
