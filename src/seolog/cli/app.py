"""The root command: global options, command groups, and the one error funnel."""

from __future__ import annotations

import signal
import sys
import traceback
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer

from seolog import __version__
from seolog.cli.state import State
from seolog.cli.tree import Lazy, LazyGroup, light_rich_help
from seolog.errors import ExitCode, SeologError

# Typer may vendor Click, so take Click's exception bases from Typer's own classes.
_CLICK_EXCEPTION: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


class SeologGroup(LazyGroup):
    """Every command runs through here: known errors print one line, bugs one line plus --debug."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """A mistake in the root options (`seolog --bogus`) is said like any other: one line."""
        try:
            return super().parse_args(ctx, args)
        except _CLICK_EXCEPTION as e:
            if _shows_help(e):
                raise
            raise typer.Exit(_usage_error(e, wants_json(args))) from e

    def invoke(self, ctx: Any) -> Any:  # Click's Context, which Typer may vendor
        # render (Rich tables, the output module) is imported by the commands that print, and
        # here only on an error: `seolog scan --help` passes through this function too.
        as_json = wants_json([*getattr(ctx, "_protected_args", ()), *ctx.args])
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except _CLICK_EXCEPTION as e:  # a bad flag or argument: Click's own message and code
            if _shows_help(e):
                raise
            ctx.exit(_usage_error(e, as_json))
        except SeologError as e:
            from seolog.cli import render

            state = _state(ctx)
            if state.debug:
                traceback.print_exc()
            render.error(e.message, e.hint, state.no_color, as_json, int(e.exit_code))
            ctx.exit(int(e.exit_code))
        except KeyboardInterrupt:
            from seolog.cli import render

            code = int(ExitCode.INTERRUPTED)
            render.error("interrupted", None, _state(ctx).no_color, as_json, code)
            ctx.exit(code)
        except Exception as e:
            from seolog.cli import render

            state = _state(ctx)
            if state.debug:
                traceback.print_exc()
            render.error(
                f"internal error: {type(e).__name__}: {e}",
                "this is a bug in seolog; rerun with --debug for the traceback and report it",
                state.no_color,
                as_json,
                int(ExitCode.INTERNAL),
            )
            ctx.exit(int(ExitCode.INTERNAL))
        finally:
            state = _state(ctx)
            if state._app is not None:
                state._app.close()


def _shows_help(e: Exception) -> bool:
    """Click's "no arguments: here is the help" is an exception too; it must still show help."""
    return type(e).__name__ == "NoArgsIsHelpError"


def _usage_error(e: Any, as_json: bool) -> int:
    """A Click usage error (unknown flag, bad value, missing argument) in seolog's own style, one
    `error:` line and a hint naming the command's help, not a framed panel; returns its exit
    code (2)."""
    from seolog.cli import render

    failing = getattr(e, "ctx", None)
    where = failing.command_path if failing is not None else "seolog"
    hint = None if as_json else f"see `{where} --help`"
    message = e.format_message()
    for theirs, ours in _PLAINER:
        message = message.replace(theirs, ours)
    render.error(message, hint, as_json=as_json, exit_code=e.exit_code)
    return int(e.exit_code)


# Typer converts values through pydantic, whose wording is for programmers.
_PLAINER = (
    ("Input should be a valid integer, unable to parse string as an integer", "not a whole number"),
    ("Input should be a valid number, unable to parse string as a number", "not a number"),
    ("Value error, ", ""),
)


def wants_json(args: list[str]) -> bool:
    """Whether the command line asks for `--format json` (`-f json`, `--format=json`, `-fjson`):
    then errors go to stderr as JSON too, and a script parsing stderr never meets prose.
    Read from the raw arguments because a usage error can stop Click before any option is set."""
    for i, arg in enumerate(args):
        if arg == "--":
            return False
        if arg in ("--format", "-f") and i + 1 < len(args):
            if args[i + 1] == "json":
                return True
        elif arg in ("--format=json", "-fjson", "-f=json"):
            return True
    return False


def _state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, State) else State()


app = typer.Typer(
    cls=SeologGroup,
    name="seolog",
    help="SEO audits, a log of SEO work, and client reports, from the command line.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Start with: [bold]seolog scan https://www.example.com[/bold]  ·  seolog help COMMAND for any command\n\n"
    "--db, --config, -q, --debug and --no-color also work after a command "
    "([bold]seolog scan URL -q[/bold]); given twice, the later one wins. Variables and exit "
    "codes: [bold]seolog help environment[/bold], [bold]seolog help exit-codes[/bold].",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"seolog {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL (default: SQLite in $SEOLOG_HOME).",
            envvar="SEOLOG_DATABASE_URL",
            show_envvar=True,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Project config file (default: seolog.toml or pyproject.toml [tool.seolog] "
            "here or in a parent folder).",
            envvar="SEOLOG_CONFIG",
            dir_okay=False,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing but data and errors.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colours (also: NO_COLOR set to any value).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """SEO audits, a log of SEO work, and client reports, from the command line."""
    ctx.obj = State(db=db, config=config, quiet=quiet, debug=debug, no_color=no_color)


# The root's commands, in `seolog --help` order. Each module is imported only when its command
# runs or shows its help (cli/tree.py), so `seolog --help` imports none of them; the line is what
# `seolog --help` lists (tests/cli/test_help.py keeps it equal to the command's own).
COMMANDS = {
    "scan": Lazy(
        "seolog.cli.scan",
        None,
        "Crawl a website (or a folder of HTML) politely, audit every page, and print a summary.",
    ),
    "lab": Lazy("seolog.cli.lab", None, "Lighthouse lab scores for a site's pages."),
    "suggest": Lazy(
        "seolog.cli.suggest",
        None,
        "Titles, descriptions, H1s, alt texts and FAQs from a language model, checked by the audit.",
    ),
    "suggestions": Lazy(
        "seolog.cli.suggestions",
        "app",
        "Review language-model suggestions: list, accept, reject, export for a CMS.",
    ),
    "sites": Lazy("seolog.cli.sites", "app", "Register and manage the sites you audit."),
    "scans": Lazy("seolog.cli.scans", "app", "Look at, resume and delete stored scans."),
    "checks": Lazy(
        "seolog.cli.checks", "app", "The audit's checks: codes, severities and explanations."
    ),
    "logs": Lazy("seolog.cli.logs", "app", "Log SEO work: hours per client, project and site."),
    "clients": Lazy(
        "seolog.cli.clients", "app", "The clients you work for, with their hourly rate."
    ),
    "projects": Lazy(
        "seolog.cli.clients", "projects_app", "Projects of a client (a site may belong to one)."
    ),
    "invoices": Lazy(
        "seolog.cli.invoices",
        "app",
        "Invoices: a client's billable hours of a period, numbered and frozen (HTML, PDF, CSV).",
    ),
    "config": Lazy(
        "seolog.cli.configcmd", "app", "The project config file (seolog.toml or [tool.seolog])."
    ),
    "schedule": Lazy(
        "seolog.cli.schedule",
        "app",
        "Scan sites on a schedule (cron). Runs are silent unless something regressed.",
    ),
    "reports": Lazy(
        "seolog.cli.reports",
        "app",
        "Client reports: audits, work done, and the monthly report (HTML or PDF).",
    ),
    "db": Lazy("seolog.cli.db", "app", "The database: info, vacuum, backup, verify, restore."),
    "auth": Lazy(
        "seolog.cli.auth", "app", "Keys for the hosted SEO platform: log in, check, log out."
    ),
    "sync": Lazy(
        "seolog.cli.sync", "app", "Send scans to the hosted SEO platform: push, status, retry."
    ),
    "help": Lazy("seolog.cli.helptopics", "app", "Help topics: environment variables, exit codes."),
}
SeologGroup.lazy = COMMANDS
light_rich_help()


def main() -> None:
    install_stop_handlers()
    app(prog_name="seolog")


def install_stop_handlers() -> None:
    """SIGTERM stops seolog as Ctrl-C does, and an interrupt that lands in a finalizer is not
    lost (`_interrupt_again`)."""
    signal.signal(signal.SIGTERM, _stop_as_ctrl_c)
    sys.unraisablehook = _interrupt_again(sys.unraisablehook)


def _interrupt_again(previous: Any) -> Any:
    """A KeyboardInterrupt raised while Python runs a finalizer (a weakref callback, a
    `__del__`) cannot propagate: Python prints "Exception ignored" and goes on, and a scan
    stopped by SIGTERM at that instant ran to its end and exited 0 (seen in CI). Such an
    interrupt is delivered again, as a SIGTERM (handled as Ctrl-C) sent a moment later from
    another thread: raised here, at once, the handler would run inside this hook and be
    swallowed the same way. Swallowed again, it is sent again."""
    import os
    import threading

    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            again = threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGTERM))
            again.daemon = True
            again.start()
            return
        previous(unraisable)

    return hook


def _stop_as_ctrl_c(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (what `timeout`, CI runners, `kill` and service managers send) stops seolog the
    way Ctrl-C does: a scan saves what it fetched, is marked interrupted and stays resumable,
    and the exit code is 130. Without this the process died on the spot, leaving its scan
    `running` forever. Whatever handles Ctrl-C now (asyncio's, during a crawl) handles this."""
    on_ctrl_c = signal.getsignal(signal.SIGINT)
    if callable(on_ctrl_c):
        on_ctrl_c(signal.SIGINT, frame)
    else:  # Ctrl-C ignored (a job started in the background): stop all the same
        raise KeyboardInterrupt


if __name__ == "__main__":  # pragma: no cover
    main()
