"""`seolog help TOPIC`: pages that belong to no one command (environment variables, exit codes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup


class _Topics(TyperGroup):
    """`seolog help COMMAND` shows that command's help, as `git help COMMAND` does; the topics
    are this group's own commands."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        root = ctx.find_root()
        command = root.command.get_command(root, cmd_name)
        if command is None:
            return None

        prog = f"{root.info_name or 'seolog'} {cmd_name}"
        return _HelpFor(command, prog, name=cmd_name, help=f"Help for `{cmd_name}`.")


class _HelpFor(TyperCommand):
    """`seolog help scans show`: the command's own --help, a subcommand named by the rest."""

    def __init__(self, target: Any, prog: str, **kwargs: Any) -> None:
        kwargs["context_settings"] = {"allow_extra_args": True, "ignore_unknown_options": True}
        super().__init__(**kwargs)
        self.target = target
        self.prog = prog

    def invoke(self, ctx: Any) -> Any:
        rest = [a for a in ctx.args if not a.startswith("-")]
        return self.target.main(
            [*rest, "--help"],
            prog_name=self.prog,
            standalone_mode=False,
            help_option_names=ctx.find_root().help_option_names,  # -h too, as the root has it
        )


app = typer.Typer(
    cls=_Topics,
    help="Help topics: environment variables, exit codes.",
    epilog="[bold]Examples[/bold]\n\n"
    "  seolog help environment\n"
    "  seolog help exit-codes\n"
    "  seolog help scan                 [dim]# the same as seolog scan --help[/dim]\n"
    "  seolog COMMAND --help            [dim]# a command's own options[/dim]",
)


@app.callback(invoke_without_command=True)
def topics(ctx: typer.Context) -> None:
    """Help topics: environment variables, exit codes.

    `seolog help` lists the topics; `seolog COMMAND --help` shows a command's options.
    """
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


FormatOpt = Annotated[
    str,
    typer.Option(
        "--format", "-f", help="Output: text for people, json for scripts.", metavar="[text|json]"
    ),
]


@dataclass(frozen=True)
class Variable:
    name: str
    meaning: str
    default: str
    group: str


# Every variable seolog reads, by what it is for. tests/cli/test_help.py greps the source for
# SEOLOG_* names and fails when one is missing here.
PATHS = "Paths and storage"
OUTPUT = "Output"
SECRETS = "Secrets (never in a config file)"
OTHER = "Other"
VARIABLES = (
    Variable(
        "SEOLOG_HOME",
        "Folder for the database, the user config file (config.toml) and caches.",
        "the platform's data folder (~/.local/share/seolog on Linux); user config in "
        "~/.config/seolog",
        PATHS,
    ),
    Variable(
        "SEOLOG_DATABASE_URL",
        "Database URL, as --db (sqlite:///FILE or postgresql://…).",
        "sqlite:///$SEOLOG_HOME/seolog.db",
        PATHS,
    ),
    Variable(
        "SEOLOG_CONFIG",
        "Project config file, as --config.",
        "seolog.toml or pyproject.toml [tool.seolog], here or in a parent folder",
        PATHS,
    ),
    Variable(
        "NO_COLOR",
        "Any non-empty value turns colour off (no-color.org), as --no-color.",
        "unset (colour on a terminal)",
        OUTPUT,
    ),
    Variable(
        "SEOLOG_PROGRESS_INTERVAL",
        "Seconds between plain progress lines when stderr is not a terminal (CI logs); 0: a "
        "line per update.",
        "10",
        OUTPUT,
    ),
    Variable(
        "COLUMNS",
        "Width of tables when stdout is not a terminal.",
        "160 when piped",
        OUTPUT,
    ),
    Variable(
        "SEOLOG_AUTH",
        "HTTP basic auth user:password for a protected staging site, as --auth.",
        "unset",
        SECRETS,
    ),
    Variable(
        "SEOLOG_API_KEY",
        "Key for the hosted platform (CI, cron); beats the keyring.",
        "the keyring entry `seolog auth login` saved",
        SECRETS,
    ),
    Variable(
        "SEOLOG_API_URL",
        "The hosted platform's API base, e.g. https://platform.example/api/v1.",
        "the URL `seolog auth login` saved for the site",
        SECRETS,
    ),
    Variable(
        "SEOLOG_LLM_API_KEY",
        "Key for the language model endpoint of `seolog suggest` (CI, cron); beats the keyring.",
        "the keyring entry `seolog auth login --llm` saved for the endpoint",
        SECRETS,
    ),
    Variable(
        "SEOLOG_SMTP_PASSWORD",
        "Password for the e-mail alerts ([alerts.email]).",
        "the keyring entry 'smtp'",
        SECRETS,
    ),
    Variable(
        "SEOLOG_WEBHOOK_URL",
        "URL the webhook alert posts to ([alerts] webhook = true).",
        "the keyring entry 'webhook'",
        SECRETS,
    ),
    Variable(
        "SSL_CERT_FILE",
        "A PEM file of CA certificates a scan trusts on top of the public ones (a staging "
        "site's private CA), when --ca-bundle is not given.",
        "unset",
        OTHER,
    ),
    Variable(
        "REQUESTS_CA_BUNDLE",
        "As SSL_CERT_FILE (Python requests' name for it), read when SSL_CERT_FILE is unset.",
        "unset",
        OTHER,
    ),
    Variable(
        "SEOLOG_CRONTAB_FILE",
        "A file `seolog schedule` writes its lines to instead of the user's crontab (cron.d, "
        "containers).",
        "the user's crontab (crontab -l)",
        OTHER,
    ),
    Variable(
        "SEOLOG_BROWSER",
        "The Chromium or Chrome that --render and --lab run (a path or a name on PATH); "
        "--browser wins.",
        "chromium (or chromium-browser, google-chrome) on PATH",
        OTHER,
    ),
    Variable(
        "SEOLOG_LIGHTHOUSE",
        "The Lighthouse command --lab and `seolog lab` run; --lighthouse wins.",
        "lighthouse on PATH, else npx --no-install lighthouse",
        OTHER,
    ),
    Variable(
        "SEOLOG_USER",
        "Who you are in the work log: the author of your entries and of your timer (one "
        "running timer each), for a team sharing one store.",
        "the login name",
        OTHER,
    ),
    Variable(
        "SEOLOG_WORK_TYPES",
        "Comma-separated work types `seolog logs` accepts, replacing the built-in list.",
        "",  # filled in from seolog.services.logs
        OTHER,
    ),
    Variable(
        "SEOLOG_LLM_API_URL",
        "The OpenAI-compatible endpoint `seolog suggest` asks; --api-url wins.",
        "[suggest] api_url, else https://api.openai.com/v1",
        OTHER,
    ),
    Variable(
        "SEOLOG_LLM_MODEL",
        "The model `seolog suggest` asks for; --model wins.",
        "[suggest] model, else gpt-4o-mini on the OpenAI API",
        OTHER,
    ),
    Variable(
        "SEOLOG_LLM_BACKOFF",
        "Seconds before the first retry of a failed language model request (429, 5xx, a "
        "timeout) without Retry-After, doubling after each.",
        "1",
        OTHER,
    ),
    Variable(
        "SEOLOG_SYNC_BACKOFF",
        "Seconds before the first retry of a failed sync request, doubling after each.",
        "1",
        OTHER,
    ),
)
SETTINGS_GROUP = "Scan and gate settings"
SETTINGS_NOTE = (
    "Every [scan] and [gates] key of seolog.toml is also SEOLOG_SCAN_<NAME> or "
    "SEOLOG_GATES_<NAME>. A flag beats the variable; the variable beats --profile and the "
    "config files. `seolog config show` says where each value came from. Written as text: "
    "true or false; a number; for include/exclude one regex or a JSON list such as "
    '["/blog/", "/news/"]; for checks CODE=SPEC items separated by commas.'
)


def variables() -> list[Variable]:
    """The fixed variables, then one per declared setting (and its old names, still read)."""
    from seolog.services.logs import DEFAULT_WORK_TYPES
    from seolog.settings import SETTINGS

    found = [
        Variable(v.name, v.meaning, ", ".join(DEFAULT_WORK_TYPES), v.group)
        if v.name == "SEOLOG_WORK_TYPES"
        else v
        for v in VARIABLES
    ]
    for s in SETTINGS:
        default = "none" if s.default in (None, []) else json.dumps(s.default)
        found.append(Variable(s.env, f"{s.help} Same as {s.flag}.", default, SETTINGS_GROUP))
        for old in s.old_names:
            old_name = f"Old name of {s.env}, still read (with a warning)."
            found.append(Variable(s.env_for(old), old_name, "", SETTINGS_GROUP))
    return found


@app.command("environment")
def environment(fmt: FormatOpt = "text") -> None:
    """Every environment variable seolog reads, what it does and its default.

    [bold]Example[/bold]

      seolog help environment
      seolog help environment --format json | jq -r '.[].name'
    """
    found = variables()
    if fmt == "json":
        typer.echo(json.dumps([v.__dict__ for v in found], indent=2))
        return
    if fmt != "text":
        raise typer.BadParameter("use text or json", param_hint="--format")
    typer.echo(environment_page(found))


PAGE_WIDTH = 100


def environment_page(found: list[Variable]) -> str:
    import textwrap

    width = max(len(v.name) for v in found) + 4
    hang = " " * width
    lines = ["Environment variables seolog reads. A flag beats its variable."]
    group = None
    for v in found:
        if v.group != group:
            group = v.group
            lines += ["", f"{group}:"]
            if group == SETTINGS_GROUP:
                lines += textwrap.wrap(SETTINGS_NOTE, PAGE_WIDTH, initial_indent="  ",
                                       subsequent_indent="  ")  # fmt: skip
                lines.append("")
        text = v.meaning + (f" Default: {v.default}." if v.default else "")
        first = f"  {v.name:<{width - 2}}"
        lines += textwrap.wrap(text, PAGE_WIDTH, initial_indent=first, subsequent_indent=hang)
    return "\n".join(lines)


@app.command("exit-codes")
def exit_codes(fmt: FormatOpt = "text") -> None:
    """What each exit code means, the same for every command.

    [bold]Example[/bold]

      seolog help exit-codes
    """
    from seolog.errors import ExitCode

    rows = [(int(c), c.name.lower().replace("_", "-"), _EXIT_MEANING[c.name]) for c in ExitCode]
    if fmt == "json":
        typer.echo(json.dumps([{"code": c, "name": n, "meaning": m} for c, n, m in rows]))
        return
    if fmt != "text":
        raise typer.BadParameter("use text or json", param_hint="--format")
    for code, name, meaning in rows:
        typer.echo(f"{code:>4}  {name:<12} {meaning}")


_EXIT_MEANING = {
    "OK": "done, whatever was found (unless a --fail-* gate was given)",
    "THRESHOLD": "a gate failed: --fail-under, --fail-under-lab, --fail-on, --fail-on-new, --assert",
    "USAGE": "a bad flag or argument",
    "CONFIG": "a bad config file or setting, an unknown site or check code",
    "UNREACHABLE": "the start URL cannot be fetched, or robots.txt forbids it",
    "STORAGE": "a database error: locked, migration failed, schema too new",
    "SYNC": "the hosted platform refused or failed (the scan is saved)",
    "REPORT": "a report could not be rendered (template, PDF)",
    "MISSING_TOOL": "Chromium (--render, --lab) or Lighthouse (--lab) is not installed",
    "INTERNAL": "a bug in seolog: rerun with --debug and report it",
    "INTERRUPTED": "interrupted (Ctrl-C or SIGTERM); work so far is saved",
}
