"""Help reads as words: metavars such as N, URL, FILE (never `<bool>` or `<list[str]>`), ranges
in words, literal [brackets] shown; `seolog help environment` lists every variable seolog reads;
`seolog --help` stays light (commands are imported when used)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import seolog
from seolog.cli.tree import escape_brackets

SRC = Path(seolog.__file__).resolve().parent


def _paths() -> list[tuple[str, ...]]:
    from typer.main import get_command

    from seolog.cli.app import app

    root = get_command(app)
    paths: list[tuple[str, ...]] = [()]
    for name, cmd in root.commands.items():
        paths.append((name,))
        paths += [(name, sub) for sub in getattr(cmd, "commands", None) or {}]
    return paths


def _flat(text: str) -> str:
    """Help text without the boxes, wrapping and spacing, to find a phrase a line break split."""
    return re.sub(r"[\s│╭╮╰╯─]+", "", text)


# Typer's own type labels: <bool>, <str>, <int range>, <list[str]>, <float range>, <file>…
TYPE_LABEL = re.compile(r"<(bool|str|int|float|file|path|dir|list\[|int range|float range)[^>]*>")


@pytest.mark.parametrize("path", _paths(), ids=lambda p: " ".join(p) or "seolog")
def test_every_help_reads_as_words(cli, monkeypatch, path):
    monkeypatch.setenv("COLUMNS", "120")
    r = cli(*path, "--help")
    assert r.exit_code == 0
    assert not TYPE_LABEL.search(r.stdout), f"seolog {' '.join(path)} --help: type labels"
    assert not re.search(r"\[(\d+<=)?x(>=|<=)", r.stdout), "a range in Click's notation"


def test_scan_help_names_values_and_states_ranges_in_words(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    text = cli("scan", "--help").stdout
    for option, word in [
        ("--max-pages", "N"),
        ("--timeout", "SECONDS"),
        ("--max-time", "SECONDS"),
        ("--include", "REGEX"),
        ("--exclude", "REGEX"),
        ("--base-url", "URL"),
        ("--max-body-size", "SIZE"),
    ]:
        assert re.search(rf"{option}\s+(-\w\s+)?{word}\s", text), f"{option} {word}"
    assert re.search(r"--concurrency\s+-c\s+N\s+Parallel requests\. Range 1–64\.", text)
    assert "Usage: seolog scan [OPTIONS] [TARGET]" in text
    # A flag shows no value at all.
    assert re.search(r"--subdomains\s+--no-subdomains\s+Also crawl", text)


@pytest.mark.parametrize(
    "path, literal",
    [
        ((), "[tool.seolog]"),  # --config's help and the config line of the command list
        (("config",), "[tool.seolog]"),
        (("scan",), "[scan]"),
        (("scan",), "[gates]"),
        (("scan",), "[gates.checks]"),
        (("scan",), "[alerts]"),
    ],
)
def test_bracketed_words_are_shown_not_eaten_as_markup(cli, path, literal):
    assert literal in _flat(cli(*path, "--help").stdout)


def test_every_bracketed_word_in_any_help_text_is_shown(cli):
    """Whatever help text a command declares, its [bracketed] words survive Rich markup."""
    from typer.main import get_command

    from seolog.cli.app import app

    root = get_command(app)
    for path in _paths():
        cmd = root
        for name in path:
            cmd = cmd.commands[name]
        shown = _flat(cli(*path, "--help").stdout)
        texts = [cmd.help or "", cmd.epilog or ""]
        texts += [getattr(p, "help", None) or "" for p in cmd.params]
        for text in texts:
            for literal in re.findall(r"\\(\[[a-z][^\[\]]*\])", escape_brackets(text)):
                assert _flat(literal) in shown, f"seolog {' '.join(path)}: {literal} not shown"


def test_escape_keeps_markup_and_escapes_words():
    assert escape_brackets("[bold]Examples[/bold]") == "[bold]Examples[/bold]"
    assert escape_brackets("[dim]# x[/dim] [bold red]y[/]") == "[dim]# x[/dim] [bold red]y[/]"
    assert escape_brackets("pyproject.toml [tool.seolog]") == "pyproject.toml \\[tool.seolog]"
    assert escape_brackets("seolog.toml (\\[scan])") == "seolog.toml (\\[scan])"  # once only
    assert escape_brackets("[FORMAT:]FILE [0-9]") == "[FORMAT:]FILE [0-9]"  # not markup anyway


def test_the_command_list_is_each_commands_own_first_line():
    """`seolog --help` lists the commands without importing them, from lines kept in app.py."""
    from typer.main import get_command

    from seolog.cli.app import COMMANDS, app

    root = get_command(app)
    for name, entry in COMMANDS.items():
        own = root.commands[name].help or ""
        first = own.strip().split("\n\n")[0].replace("\n", " ")
        assert escape_brackets(entry.help) == first, f"COMMANDS[{name!r}] differs from its help"


# --- seolog help environment ---------------------------------------------------------------------

VARIABLE = re.compile(r"\bSEOLOG_[A-Z][A-Z0-9_]*[A-Z0-9]\b")


def _variables_in_source() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        found |= set(VARIABLE.findall(path.read_text(encoding="utf-8")))
    return found


def test_help_environment_lists_every_variable_the_code_reads(cli):
    r = cli("help", "environment")
    assert r.exit_code == 0
    names = set(re.findall(r"^\s+([A-Z][A-Z0-9_]+)\s", r.stdout, re.MULTILINE))
    in_source = _variables_in_source()
    assert {"SEOLOG_HOME", "SEOLOG_DATABASE_URL", "SEOLOG_API_KEY"} <= in_source  # the grep works
    missing = in_source - names
    assert not missing, f"not on `seolog help environment`: {sorted(missing)}"
    assert "NO_COLOR" in names


def test_help_environment_lists_each_setting_variable_with_its_default(cli):
    from seolog.settings import SETTINGS

    text = cli("help", "environment").stdout
    for s in SETTINGS:
        assert s.env in text
    assert re.search(r"SEOLOG_SCAN_MAX_PAGES\s+Stop after this many URLs\..*Default: 10000", text)


def test_help_environment_as_json(cli):
    rows = cli("help", "environment", "--format", "json").json()
    assert {"name", "meaning", "default", "group"} <= set(rows[0])
    assert "SEOLOG_HOME" in {r["name"] for r in rows}


def test_help_lists_its_topics(cli):
    r = cli("help")
    assert r.exit_code == 0
    assert "environment" in r.stdout and "exit-codes" in r.stdout


def test_help_exit_codes_lists_every_exit_code(cli):
    from seolog.errors import ExitCode

    text = cli("help", "exit-codes").stdout
    for code in ExitCode:
        name = code.name.lower().replace("_", "-")
        assert re.search(rf"^\s*{int(code)}\s+{name}\s", text, re.MULTILINE)


# --- start-up stays light (deterministic: what is imported, not how long it takes) ---------------

HEAVY = ("pydantic", "sqlalchemy", "sqlmodel", "httpx", "rich.markdown", "pygments")


def _imported_after(argv: list[str], env: dict[str, str]) -> set[str]:
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['seolog', *{argv!r}]\n"
        "try:\n    runpy.run_module('seolog', run_name='__main__')\nexcept SystemExit: pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert "Usage" in done.stdout, done.stderr[-2000:]
    return set(done.stderr.split())


def test_importing_the_cli_imports_no_heavy_library(seolog_env):
    code = "import sys, seolog.cli.app; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=seolog_env, timeout=120
    )
    modules = set(done.stdout.split())
    assert "seolog.cli.app" in modules
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_root_help_imports_no_command_module(seolog_env):
    modules = _imported_after(["--help"], seolog_env)
    commands = {m for m in modules if m.startswith("seolog.cli.")} - {
        "seolog.cli.app",
        "seolog.cli.state",
        "seolog.cli.tree",
    }
    assert not commands, sorted(commands)
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_scan_help_imports_only_the_scan_command_and_no_heavy_library(seolog_env):
    modules = _imported_after(["scan", "--help"], seolog_env)
    assert "seolog.cli.scan" in modules
    assert "seolog.cli.logs" not in modules and "seolog.cli.reports" not in modules
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_help_command_shows_a_command_s_own_help_as_git_help_does(cli):
    scan = cli("help", "scan")
    assert scan.exit_code == 0 and "Usage: seolog scan [OPTIONS] [TARGET]" in scan.stdout
    assert scan.stdout == cli("scan", "--help").stdout
    show = cli("help", "scans", "show")
    assert show.exit_code == 0 and "Usage: seolog scans show [OPTIONS] SCAN_ID" in show.stdout
    r = cli("help", "nope")
    assert r.exit_code == 2 and "No such command 'nope'" in r.stderr


def test_required_arguments_are_written_as_man_pages_write_them(cli):
    """`SCAN_ID`, not Typer's `{SCAN_ID}`; an optional one stays `[TARGET]`."""
    assert "Usage: seolog scans diff [OPTIONS] BEFORE AFTER" in cli("scans", "diff", "-h").stdout
    assert "{" not in cli("scans", "show", "-h").stdout.splitlines()[1]
