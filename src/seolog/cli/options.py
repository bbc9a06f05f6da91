"""Option types shared by several commands, defined once, and their parsing into settings."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from seolog.config import Credentials
from seolog.domain import Severity
from seolog.settings import ACCESS, SETTINGS, Kind, Setting

F = TypeVar("F", bound=Callable[..., Any])


class RenderMode(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class Format(StrEnum):
    table = "table"
    json = "json"


FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output: a table for people, JSON for scripts.")
]
# What `seolog lab` measures and `seolog suggest` writes for (services.lab.target_scan).
ScanTargetArg = Annotated[
    str,
    typer.Argument(
        help="A site name (its latest scan), a scan ID, or a page URL (that page alone).",
        show_default=False,
    ),
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


def parse_headers(values: list[str] | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    for v in values or []:
        if not v.strip():
            continue  # an unset optional secret in CI (`--header "$TOKEN_HEADER"`): no header
        name, sep, val = v.partition(":")
        if not sep or not name.strip():
            # The value may be a token: say what is wrong without repeating it.
            raise typer.BadParameter("each --header is 'Name: value'", param_hint="--header")
        headers[name.strip()] = val.strip()
    return headers


def parse_cookies(values: list[str] | None) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for v in values or []:
        if not v.strip():
            continue  # an unset optional secret in CI: no cookie
        name, sep, val = v.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter("each --cookie is 'name=value'", param_hint="--cookie")
        cookies[name.strip()] = val.strip()
    return cookies


def parse_auth(value: str | None) -> tuple[str, str] | None:
    # Empty means none: CI passes `--auth "$STAGING_AUTH"` whether or not the secret is set.
    if value is None or not value.strip():
        return None
    user, sep, password = value.partition(":")
    if not sep or not user:
        raise typer.BadParameter("use 'user:password'", param_hint="--auth")
    return user, password


def credentials(
    header: list[str] | None, cookie: list[str] | None, auth: str | None
) -> Credentials:
    return Credentials(parse_headers(header), parse_cookies(cookie), parse_auth(auth))


_TYPES: dict[Kind, Any] = {
    Kind.INT: int,
    Kind.FLOAT: float,
    Kind.BOOL: bool,
    Kind.STR: str,
    Kind.PATTERNS: list[str],
    Kind.HOSTS: list[str],  # --external-skip HOST, repeatable
    Kind.ORIGINS: list[str],  # --auth-origin URL, repeatable
    Kind.FILE: str,  # made absolute by the declaration, not by Click (an empty value is unset)
    Kind.SIZE: str,
    Kind.SEVERITY: Severity,
    Kind.RENDER: RenderMode,
    Kind.LAB_GATES: list[str],  # --fail-under-lab performance=80, repeatable
    Kind.ASSERTIONS: list[str],  # --assert CODE=SPEC, repeatable
}


def _option(setting: Setting) -> inspect.Parameter:
    """One Typer option from the setting's declaration. Booleans get both forms
    (`--sitemaps/--no-sitemaps`), so a flag can undo what a config file turned on."""
    names = [setting.flag]
    if setting.kind is Kind.BOOL:
        names = [f"{setting.flag}/--no-{setting.flag[2:]}"]
    if setting.short:
        names.append(setting.short)
    default = setting.default
    if setting.kind is Kind.SEVERITY and default is not None:
        default = Severity(default)
    if setting.kind is Kind.RENDER and default is not None:
        default = RenderMode(default)
    option = typer.Option(
        *names,
        help=setting.help.replace("[", "\\["),
        rich_help_panel=setting.panel,
        min=setting.minimum,
        max=setting.maximum,
        metavar=setting.metavar,
        show_default=default not in (None, [], False),
    )
    return inspect.Parameter(
        setting.name,
        inspect.Parameter.KEYWORD_ONLY,
        default=default,
        annotation=Annotated[_TYPES[setting.kind] | None, option],
    )


def _panel(parameter: inspect.Parameter) -> str | None:
    for meta in getattr(parameter.annotation, "__metadata__", ()):
        panel = getattr(meta, "rich_help_panel", None)
        if panel:
            return str(panel)
    return None


def with_settings(*sections: str) -> Callable[[F], F]:
    """Give a command one option per declared setting of these sections (seolog.settings), on
    top of its own parameters; the command receives them in its `**settings`."""

    def decorate(func: F) -> F:
        signature = inspect.signature(func, eval_str=True)
        own = [
            p.replace(kind=p.KEYWORD_ONLY)  # Typer passes everything by name; any order works
            for p in signature.parameters.values()
            if p.kind is not p.VAR_KEYWORD
        ]
        added = [_option(s) for s in SETTINGS if s.section in sections]
        # Help panels appear in the order of their first option: the command's own options
        # without a panel, then the crawl settings, then the rest.
        first = [p for p in own if _panel(p) is None]
        rest = [p for p in own if _panel(p) is not None]
        func.__signature__ = signature.replace(parameters=first + added + rest)  # type: ignore[attr-defined]
        func.__annotations__ = {
            **{k: v for k, v in func.__annotations__.items() if k != "settings"},
            **{p.name: p.annotation for p in added},
        }
        return func

    return decorate


def given(ctx: typer.Context, values: dict[str, Any]) -> dict[str, Any]:
    """The settings typed on the command line; a default shown in --help is not a flag, so the
    config files and the environment still apply beneath it."""
    typed = {}
    for name, value in values.items():
        source = ctx.get_parameter_source(name)
        if source is not None and source.name == "COMMANDLINE":
            typed[name] = value.value if isinstance(value, Severity | RenderMode) else value
    return typed
