"""`seolog auth …`: a site's key for the hosted platform, kept in the system keyring."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from seolog.cli import options as o
from seolog.cli.state import State

app = typer.Typer(
    help="Keys for the hosted SEO platform: log in, check, log out.", no_args_is_help=True
)

ApiUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--api-url",
        help="The platform's API base, e.g. https://platform.example/api/v1.",
        envvar="SEOLOG_API_URL",
        show_envvar=True,
    ),
]
ConcurrencyOpt = Annotated[
    int,
    typer.Option("--concurrency", "-c", min=1, max=16, help="Pages sent at the same time."),
]
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", min=1, help="Seconds to wait for one answer from the platform."),
]


def _read_key() -> str:
    """Hidden input at a terminal; one line from stdin in a script (never a command-line flag,
    which would land in the shell history and the process list)."""
    if sys.stdin.isatty():
        return str(typer.prompt("API key for this site (input hidden)", hide_input=True))
    return sys.stdin.readline().strip()


LlmOpt = Annotated[
    bool,
    typer.Option(
        "--llm",
        help="The key of a language model endpoint (seolog suggest), not a platform site's.",
    ),
]


@app.command(
    "login",
    epilog="Examples:\n\n  seolog auth login acme --api-url https://platform.example/api/v1\n\n"
    "  printf '%s\\n' \"$KEY\" | seolog auth login acme --api-url https://platform.example/api/v1"
    "\n\n  seolog auth login --llm   # the OpenAI API's key, for seolog suggest\n\n"
    "  seolog auth login --llm --api-url https://llm.example/v1",
)
def login(
    ctx: typer.Context,
    site: Annotated[
        str | None,
        typer.Argument(help="The seolog site (name or id) the key belongs to.", show_default=False),
    ] = None,
    api_url: ApiUrlOpt = None,
    timeout: TimeoutOpt = 30.0,
    llm: LlmOpt = False,
) -> None:
    """Check a site's API key with the platform and keep it in the system keyring.

    The key is asked for with hidden input (or read from stdin in a script).
    It is stored only if the platform accepts it, and never in the database, a file or output.
    On a server without a keyring, set SEOLOG_API_KEY and SEOLOG_API_URL instead.

    With --llm: the key of a language model endpoint (--api-url, default the
    OpenAI API), checked against its model list and kept for that endpoint
    only; SEOLOG_LLM_API_KEY instead on a server.
    """
    from seolog.cli import render
    from seolog.errors import UsageError
    from seolog.services import auth

    state: State = ctx.obj
    if llm:
        _llm_login(state, site, api_url, timeout)
        return
    if not site:
        raise UsageError("which site? SITE is missing", hint="seolog auth login SITE --api-url URL")
    if not api_url:
        raise UsageError(
            "which platform? --api-url is missing",
            hint="e.g. --api-url https://platform.example/api/v1 (or set SEOLOG_API_URL)",
        )

    def warn(text: str) -> None:
        render.note(f"warning: {text}", state.quiet, state.no_color, "yellow")

    account = auth.login(state.app, site, api_url, _read_key, timeout, warn)
    name = account.platform_site_name or f"#{account.platform_site_id}"
    render.note(
        f"Logged in: {account.site} → platform site {name} at {account.api_url}; "
        f"key {account.key} kept in the system keyring.",
        state.quiet,
        state.no_color,
        "green",
    )
    if account.warning:
        warn(account.warning)


def _llm_login(state: State, site: str | None, api_url: str | None, timeout: float) -> None:
    from seolog.cli import render
    from seolog.errors import UsageError
    from seolog.llm.client import DEFAULT_API_URL
    from seolog.services import llmauth

    if site:
        raise UsageError(
            "--llm takes no SITE: a language model key is the endpoint's, for every site",
            hint="seolog auth login --llm --api-url URL",
        )
    done = llmauth.login(state.app, _llm_url(api_url) or DEFAULT_API_URL, _read_key, timeout)
    models = f"; it serves {len(done.models)} model(s)" if done.models else ""
    render.note(
        f"Logged in to {done.api_url}: key {done.key} kept in the system keyring{models}.",
        state.quiet,
        state.no_color,
        "green",
    )


def _llm_url(api_url: str | None) -> str | None:
    """--api-url reads SEOLOG_API_URL, the platform's: with --llm, the language model's
    variable is the one meant."""
    import os

    if api_url and api_url == os.environ.get("SEOLOG_API_URL"):
        return os.environ.get("SEOLOG_LLM_API_URL")
    return api_url or os.environ.get("SEOLOG_LLM_API_URL")


def _account_json(a: Any) -> dict[str, Any]:
    return {
        "site": a.site,
        "api_url": a.api_url,
        "key": a.key,
        "key_source": a.key_source,
        "platform_site": {
            "id": a.platform_site_id,
            "name": a.platform_site_name,
            "url": a.platform_site_url,
        },
        "verified_at": a.verified_at.isoformat() if a.verified_at else None,
        "valid": a.valid,
        "problem": a.problem,
    }


@app.command("status", epilog="Example: seolog auth status acme --format json")
def status(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Argument(help="One site (default: every login).")] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Do not ask the platform whether keys still work.")
    ] = False,
    timeout: TimeoutOpt = 30.0,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Which sites are logged in to which platform, with the key's prefix and whether it works.

    Exits 6 when a key is missing or the platform refuses it, so scripts can check first.
    """
    from seolog.cli import render
    from seolog.errors import SyncError
    from seolog.services import auth

    state: State = ctx.obj
    accounts = auth.auth_status(state.app, site, check=not offline, timeout=timeout)
    if fmt is o.Format.json:
        render.emit_json([_account_json(a) for a in accounts])
    elif accounts:
        render.table(
            None,
            ["Site", "API", "Platform site", "Key", "Status"],
            [
                [
                    a.site,
                    a.api_url,
                    a.platform_site_name or a.platform_site_id,
                    key_cell(a.key, a.key_source),
                    _verdict(a),
                ]
                for a in accounts
            ],
            state.no_color,
        )
    note = auth.environment_note(state.app)
    if note:
        render.note(note + " (they take precedence)", state.quiet, state.no_color, "dim")
    if not accounts:
        raise SyncError(
            "no site is logged in to a platform" + (f" ({site})" if site else ""),
            hint="seolog auth login SITE --api-url URL",
        )
    bad = [a for a in accounts if a.problem]
    if bad:
        raise SyncError(
            f"{bad[0].site}: {bad[0].problem}", hint="seolog auth login SITE --api-url URL"
        )


def key_cell(key: str | None, source: str | None) -> str:
    """`sk_siloq_AbCd… (keyring)`, short enough to keep tables on one line."""
    if not key:
        return "missing"
    return f"{key} ({'env' if source == 'environment' else source})"


def _verdict(a: Any) -> str:
    if a.problem:
        return a.problem
    when = a.verified_at.astimezone().strftime("%Y-%m-%d %H:%M") if a.verified_at else "-"
    return f"valid (checked {when})" if a.valid else f"verified {when} (not checked now)"


@app.command(
    "logout",
    epilog="Examples:\n\n  seolog auth logout acme\n\n  seolog auth logout --llm --api-url URL",
)
def logout(
    ctx: typer.Context,
    site: Annotated[
        str | None, typer.Argument(help="The seolog site (name or id).", show_default=False)
    ] = None,
    api_url: ApiUrlOpt = None,
    llm: LlmOpt = False,
) -> None:
    """Remove a site's key from the keyring and forget its login. Queued pages stay queued.

    With --llm: remove a language model endpoint's key (--api-url, default
    the OpenAI API)."""
    from seolog.cli import render
    from seolog.errors import UsageError
    from seolog.services import auth

    state: State = ctx.obj
    if llm:
        from seolog.llm.client import DEFAULT_API_URL
        from seolog.services import llmauth

        url = _llm_url(api_url) or DEFAULT_API_URL
        had = llmauth.logout(url)
        render.note(
            f"Logged out of {url}"
            + ("; key removed from the keyring." if had else " (no key was kept)."),
            state.quiet,
            state.no_color,
            "green",
        )
        return
    if not site:
        raise UsageError("which site? SITE is missing", hint="seolog auth logout SITE")
    url, had_key = auth.logout(state.app, site, api_url)
    render.note(
        f"Logged out {site} from {url}" + ("; key removed from the keyring." if had_key else "."),
        state.quiet,
        state.no_color,
        "green",
    )
