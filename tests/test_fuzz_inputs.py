"""Every command of every group, each of its options and arguments given a value it cannot use:
numbers out of range (beyond 64 bits, negative, inf, nan), odd text (a byte that is not UTF-8,
a NUL, a newline) and files that cannot be read (a folder, a path in a missing folder, a binary
file). Whatever the command makes of it, it must not be "a bug in seolog" (exit 70) and must not
print a traceback: each is the user's mistake, named in one line with its exit code.

The cases are made from the command tree itself (as `seolog --help` lists it), so a new command
or option is covered the day it is added. Every other value is a good one, so the bad one is
what the command meets; a world built once (a site with a scan, a client with a project, a log
entry) is copied for each case, so commands reach past "not found". In-process (the `cli`
fixture), well under a minute on two cores."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer

from seolog.cli.app import COMMANDS, app
from tests.conftest import Cli
from tests.world import world_template

pytestmark = pytest.mark.store_agnostic  # input handling; the SQLite run covers it

HUGE = "9" * 30
NUMBERS = [HUGE, f"-{HUGE}", "-1", "inf", "nan", "1e309", "1e300"]
TEXT = ["\udcff", "x\x00y", "two\nlines", HUGE, "-1"]  # \udcff: a raw \xff byte from argv
FILES = ["{folder}", "{missing}", "{binary}"]
UNREACHABLE = "http://127.0.0.1:9/"  # refused at once: nothing waits on a network

# Good values for what a command needs, by (group, parameter) then by parameter.
GOOD = {
    ("sites", "name"): "acme",
    ("clients", "name"): "Acme Ltd",
    ("projects", "name"): "Launch",
    ("reports", "target"): "acme",
    ("scan", "target"): UNREACHABLE,
    ("db", "file"): "{backup}",
    ("logs", "file"): "{csv}",
    "url": "http://127.0.0.1:9/other",
    "scan_id": "1",
    "before": "1",
    "after": "1",
    "entry_id": "1",
    "keep": "1",
    "code": "title-missing",
    "description": "Audit",
    "site": "acme",
    "client": "Acme Ltd",
    "every": "daily",
}


@dataclass(frozen=True)
class Case:
    path: tuple[str, ...]
    param: str
    value: str

    def id(self) -> str:
        return f"{' '.join(self.path)} {self.param}={self.value.encode('unicode_escape').decode()[:12]}"


def _context(command: Any) -> Any:
    """A context for `command` from its own Click: Typer may vendor one (typer._click) and not
    depend on the click package at all."""
    return command.context_class(command)


def _commands() -> Iterator[tuple[tuple[str, ...], Any]]:
    root = typer.main.get_command(app)

    def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
        if hasattr(command, "list_commands"):  # a group
            ctx = _context(command)
            for name in command.list_commands(ctx):
                yield from walk(command.get_command(ctx, name), (*path, name))
        else:
            yield path, command

    yield from walk(root, ())


def _kind(param: Any) -> str | None:
    """What kind of bad value the parameter gets: None for a flag (nothing to get wrong)."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    args = getattr(annotation, "__args__", None)
    if args and getattr(annotation, "__origin__", None) is list:
        annotation = args[0]
    if annotation in (int, float):
        return "number"
    if isinstance(annotation, type) and issubclass(annotation, Path):
        return "file"
    return "text"


GLOBAL_FILES = ("global_db", "global_config")  # --db and --config: a store, a config file


def _params(command: Any) -> list[Any]:
    ctx = _context(command)
    return [
        p
        for p in command.get_params(ctx)
        if p.name not in ("help", "version") and (p.expose_value or p.name in GLOBAL_FILES)
    ]


def _cases() -> list[Case]:
    """One bad value per parameter, taken in turn from its kind's list, so each command meets
    every bad value of a kind across its parameters (all of them, for a command with as many
    parameters of that kind) while the run stays short: the CLI is the slow part."""
    cases = []
    seen: set[str] = set()
    for path, command in _commands():
        first_of_group = path[0] not in seen  # --db and --config: the same for every command
        seen.add(path[0])
        turn = {"number": 0, "file": 0, "text": 0}
        for param in _params(command):
            kind = _kind(param)
            if kind is None or (param.name in GLOBAL_FILES and not first_of_group):
                continue
            values = {"number": NUMBERS, "file": FILES, "text": TEXT}[kind]
            if param.name in GLOBAL_FILES:
                values = FILES  # --db is text, but a path is what it gets wrong
            if param.name in GLOBAL_FILES or param.param_type_name == "argument":
                chosen = values  # what the command is about: every bad value
            else:
                chosen = [values[turn[kind] % len(values)]]
                turn[kind] += 1
            cases += [Case(path, str(param.name), v) for v in chosen]
    return cases


CASES = _cases()


def _param(case: Case) -> Any:
    return pytest.param(case, id=case.id())


def test_every_command_group_is_driven():
    driven = {c.path[0] for c in CASES}
    assert driven == set(COMMANDS), set(COMMANDS) - driven


def _good(path: tuple[str, ...], name: str) -> str | None:
    return GOOD.get((path[0], name), GOOD.get(name))  # type: ignore[call-overload]


def _args(case: Case, command: Any, files: dict[str, str]) -> list[str]:
    """The command line: every required or positional parameter given a good value, except the
    one under test, which gets the bad value."""
    args: list[str] = list(case.path)
    options: list[str] = []
    positional: list[str] = []
    for param in _params(command):
        bad = param.name == case.param
        if not bad and not (param.required or param.param_type_name == "argument"):
            continue
        value = case.value if bad else _good(case.path, str(param.name))
        if value is None:
            continue  # an optional argument left out
        value = value.format(**files)
        if param.param_type_name == "argument":
            positional.append(value)
        else:
            options += [param.opts[0], value]
    return [*args, *options, "--", *positional] if positional else [*args, *options]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return world_template(tmp_path_factory)


@pytest.fixture
def world(cli: Cli, home: Path, template: Path, tmp_path: Path, monkeypatch) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, home / "seolog.db")
    monkeypatch.chdir(tmp_path)  # no project config from the checkout; files land here
    monkeypatch.setenv("SEOLOG_CRONTAB_FILE", str(tmp_path / "crontab"))  # never the real one
    monkeypatch.setenv("SEOLOG_API_URL", UNREACHABLE)  # the hosted platform: refused at once
    monkeypatch.setenv("SEOLOG_SCAN_RETRIES", "0")  # an unreachable start URL fails at once
    binary = tmp_path / "binary.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    good_csv = tmp_path / "hours.csv"
    good_csv.write_text("date,description,duration,client\n2026-11-02,Titles,1h,Acme Ltd\n")
    return {
        "folder": str(tmp_path),
        "missing": str(tmp_path / "no" / "such" / "file.txt"),
        "binary": str(binary),
        "backup": str(tmp_path / "backup.db"),
        "csv": str(good_csv),
    }


_COMMAND = dict(_commands())


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_no_bad_value_is_a_bug(cli: Cli, world: dict[str, str], case: Case):
    args = _args(case, _COMMAND[case.path], world)
    r = cli(*args, input="")
    out = r.stdout + r.stderr
    assert r.exit_code != 70, f"{args!r}: {r.stderr}"
    assert "Traceback" not in out, f"{args!r}: {out}"
