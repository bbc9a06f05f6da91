"""The command tree's conventions, applied in one pass as each command is loaded: commands are
imported only when used, the global options work after any command too, and help reads as
words (metavars such as N, URL, FILE; ranges in words; literal [brackets] kept)."""

from __future__ import annotations

import copy
import importlib
import importlib.abc
import importlib.machinery
import re
import sys
import types
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
import typer.main
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

GLOBAL_PANEL = "Global options"
# The root's options that every command also accepts after its name: `seolog scan URL -q`.
# --version and the completion options stay on the root only.
GLOBAL_OPTIONS = ("db", "config", "quiet", "debug", "no_color")


# --- commands imported when used ---------------------------------------------------------------


@dataclass(frozen=True)
class Lazy:
    """A command of the root, imported only when it runs or shows its help. `module.attr` is its
    Typer app; with `attr` None the module's `register(app)` adds one command. `help` is the line
    `seolog --help` lists, so listing the commands imports none of them (a test keeps it equal to
    the command's own)."""

    module: str
    attr: str | None
    help: str


class _Commands(MutableMapping[str, Any]):
    """The root's subcommands: the eager ones plus the lazy ones, loaded on first lookup."""

    def __init__(
        self, eager: dict[str, Any], lazy: Mapping[str, Lazy], load: Callable[[str, Lazy], Any]
    ) -> None:
        self._loaded = eager
        self._lazy = lazy
        self._load = load

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded:
            self._loaded[name] = self._load(name, self._lazy[name])  # KeyError: no such command
        return self._loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError("the root's commands are fixed")

    def __iter__(self) -> Iterator[str]:
        yield from self._lazy
        yield from (n for n in self._loaded if n not in self._lazy)

    def __len__(self) -> int:
        return len(set(self._lazy) | set(self._loaded))

    def __contains__(self, name: object) -> bool:
        return name in self._lazy or name in self._loaded

    def loaded(self, name: str) -> bool:
        return name in self._loaded


def _with_words(params: list[Any]) -> list[Any]:
    """A command's parameters with their words (metavar, range, brackets), given when first
    listed: Click's --help option and the completion options are made late."""
    for param in params:
        _words(param)
    return params


class _WordsCommand(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _with_words(super().get_params(ctx))


class _WordsGroup(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _with_words(super().get_params(ctx))


def _words_class(cls: type) -> type | None:
    """The class a command becomes: Typer's own get the words; so does a command class of ours
    derived from them (the help topics' group), by a subclass of it (a mixin would change the
    instance layout, which `__class__` assignment refuses)."""
    if cls in _COMMAND_SWAPS:
        return _COMMAND_SWAPS[cls]
    if issubclass(cls, (LazyGroup, _WordsCommand, _WordsGroup)) or getattr(cls, "_words", False):
        return None  # the root lists its own options with their words
    if not issubclass(cls, (TyperCommand, TyperGroup)):
        return None

    def get_params(self: Any, ctx: Any) -> list[Any]:
        return _with_words(cls.get_params(self, ctx))

    return type(cls.__name__, (cls,), {"get_params": get_params, "_words": True})


_COMMAND_SWAPS: dict[type, type] = {TyperCommand: _WordsCommand, TyperGroup: _WordsGroup}


class LazyGroup(TyperGroup):
    """The root group: subcommands from `lazy` are imported on use, each passed through
    `prepare` (global options, words in help); the root's own help lists them from `lazy`."""

    lazy: Mapping[str, Lazy] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        eager = dict(self.commands)
        self.commands = _Commands(eager, self.lazy, self._load)
        self._listing = False
        self._globals: list[Any] | None = None
        prepare(self, None)
        for command in eager.values():
            prepare(command, self.global_options())

    def _load(self, name: str, entry: Lazy) -> Any:
        module = importlib.import_module(entry.module)
        # Mounted as `add_typer` would mount it, on a bare holder with the root's markup mode.
        holder = typer.Typer(add_completion=False, rich_markup_mode=self.rich_markup_mode)
        if entry.attr is None:
            module.register(holder)
        else:
            holder.add_typer(getattr(module, entry.attr), name=name)
        command = typer.main.get_group(holder).commands[name]
        prepare(command, self.global_options())
        return command

    def global_options(self) -> list[Any]:
        """Copies of the root's global options for a subcommand: the value typed after the
        command wins over one typed before it, and the root's State receives it."""
        if self._globals is None:
            self._globals = [_global_copy(p) for p in self.params if p.name in GLOBAL_OPTIONS]
        return self._globals

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        commands = self.commands
        if self._listing and isinstance(commands, _Commands) and not commands.loaded(cmd_name):
            entry = self.lazy.get(cmd_name)
            if entry is not None:  # listed by name and line, without importing it
                return TyperCommand(name=cmd_name, help=escape_brackets(entry.help))
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def get_params(self, ctx: Any) -> list[Any]:
        return _with_words(super().get_params(ctx))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


# --- global options after the command ----------------------------------------------------------


def _global_copy(param: Any) -> Any:
    """The root's option, for a subcommand: not passed to the command's function but folded into
    the root's State, and only when typed (a default must not undo what was typed before)."""
    option = copy.copy(param)
    option.name = f"global_{param.name}"
    option.expose_value = False
    option.is_eager = False
    option.callback = _fold(param.name)
    option.rich_help_panel = GLOBAL_PANEL
    return option


def _fold(field: str) -> Callable[[Any, Any, Any], Any]:
    def callback(ctx: Any, param: Any, value: Any) -> Any:
        source = ctx.get_parameter_source(param.name)
        if source is None or source.name != "COMMANDLINE":
            return value
        state = ctx.find_root().obj
        if hasattr(state, field):
            setattr(state, field, value)
        return value

    return callback


def _add_globals(command: Any, options: list[Any]) -> None:
    """Append the global options a command does not define itself (its own option wins)."""
    taken = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
    names = {p.name for p in command.params}
    for option in options:
        if option.name in names:
            continue
        opts = [o for o in option.opts if o not in taken]
        if not opts:
            continue
        if opts != option.opts:
            option = copy.copy(option)
            option.opts = opts
        # Before --help, so the Global options panel follows the command's own.
        at = next(
            (i for i, p in enumerate(command.params) if p.name == "help"), len(command.params)
        )
        command.params.insert(at, option)


# --- help that reads as words ------------------------------------------------------------------


def prepare(command: Any, global_options: list[Any] | None) -> None:
    """Once per command (recursively): words for metavars and ranges, literal brackets escaped,
    and (below the root) the global options."""
    if getattr(command, "_seolog_prepared", False):
        return
    command._seolog_prepared = True
    for attr in ("help", "short_help", "epilog"):
        text = getattr(command, attr, None)
        if text:
            setattr(command, attr, escape_brackets(text))
    if global_options is not None:
        _add_globals(command, global_options)
    swap = _words_class(type(command))
    if swap is not None:
        command.__class__ = swap
    subcommands = getattr(command, "commands", None)
    if subcommands and not isinstance(subcommands, _Commands):  # lazy ones: when loaded
        for sub in subcommands.values():
            prepare(sub, global_options)


# Parameter names with a better word than their type's; a name may also contain one of PARTS.
NAMES = {
    "url": "URL",
    "base_url": "URL",
    "api_url": "URL",
    "website": "URL",
    "auth": "USER:PASSWORD",
    "header": "'NAME: VALUE'",
    "cookie": "NAME=VALUE",
    "include": "REGEX",
    "exclude": "REGEX",
    "user_agent": "TEXT",
    "max_body_size": "SIZE",
    "email": "EMAIL",
    "currency": "CODE",
    "code": "CODE",
    "fixes": "CODE",
    "family": "FAMILY",
    "lang": "LANG",
    "profile": "NAME",
    "work_type": "TYPE",
    "tag": "TAG",
    "since": "DATE",
    "date": "DATE",
    "until": "DATE",
    "day": "DAY",
    "month": "YYYY-MM",
    "period": "PERIOD",
    "time": "DURATION",
    "start": "HH:MM",
    "end": "HH:MM",
    "at": "HH:MM",
    "every": "INTERVAL",
    "rate": "N",
    "by": "FIELD",
    "limit": "N",
    "keep": "N",
    "db": "URL",
    "fmt": "FORMAT",
}
# Choices longer than this are named by a word (FORMAT) and listed in the help text instead, so
# the metavar column stays narrow.
_CHOICES_WIDTH = 24
PARTS = (
    ("timeout", "SECONDS"),
    ("max_time", "SECONDS"),
    ("delay", "SECONDS"),
    ("interval", "SECONDS"),
    ("scan_id", "ID"),
    ("entry_id", "ID"),
    ("client", "CLIENT"),
    ("project", "PROJECT"),
    ("site", "SITE"),
    ("name", "NAME"),
    ("description", "TEXT"),
    ("notes", "TEXT"),
    ("dir", "DIR"),
    ("file", "FILE"),
    ("output", "FILE"),
)


def metavar(param: Any) -> str:
    """The word shown for a parameter's value: its own metavar, nothing for a flag, the name in
    capitals for an argument, the choices, a word from NAMES (by flag, then name) or PARTS,
    else one from its type (FILE, DIR, N, TEXT)."""
    if param.metavar is not None:
        return str(param.metavar)
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    name = param.name or ""
    if isinstance(param, TyperArgument):
        return name.upper()
    choices = _choices(param)
    if choices and len("|".join(choices)) <= _CHOICES_WIDTH:
        return "[" + "|".join(choices) + "]"
    flag = next((o[2:].replace("-", "_") for o in param.opts if o.startswith("--")), name)
    if name == "rate" and _annotation(param) is str:
        return "AMOUNT"  # an hourly rate (logs, clients); the crawl's --rate is a number
    for key in (flag, name):
        if key in NAMES:
            return NAMES[key]
    for part, word in PARTS:
        if part in name:
            return word
    annotation = _annotation(param)
    # An older Typer has no annotation on the parameter, but Click's type: "integer range",
    # "float", "path"…
    click_type = getattr(param, "type", None)
    type_name = str(getattr(click_type, "name", ""))
    if type_name == "directory":
        return "DIR"
    if (isinstance(annotation, type) and issubclass(annotation, Path)) or type_name in (
        "file",
        "path",
    ):
        file_okay = getattr(click_type, "file_okay", getattr(param, "file_okay", True))
        return "DIR" if file_okay is False else "FILE"
    if annotation in (int, float) or type_name.startswith(("integer", "float")):
        return "N"
    return "TEXT"


def _annotation(param: Any) -> Any:
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    args = getattr(annotation, "__args__", None)
    if args and getattr(annotation, "__origin__", None) is list:
        return args[0]
    return annotation


def _choices(param: Any) -> list[str]:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None and getattr(descriptor, "is_choice", False):
        return [str(getattr(c, "value", c)) for c in descriptor.choices or ()]
    return [str(c) for c in getattr(getattr(param, "type", None), "choices", None) or ()]


def range_words(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"Range {low:g}–{high:g}."
    if low is not None:
        return f"At least {low:g}."
    return f"At most {high:g}."


class _WordsOption(TyperOption):
    """Typer's option, showing its metavar word instead of `<type>` and its range in words in
    the help text instead of `[x>=1]`; its value is converted only when there is one (Typer's
    converter imports pydantic, which `seolog scan --help` never needs)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return self.metavar or None

    def _get_number_range_help_str(self) -> str | None:
        return None

    def get_runtime_param(self) -> Any:
        return _runtime(self, TyperOption)


class _WordsArgument(TyperArgument):
    """Typer's argument, named by its metavar word with no `<type>` beside it."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _get_number_range_help_str(self) -> str | None:
        return None

    def get_runtime_param(self) -> Any:
        return _runtime(self, TyperArgument)

    def _usage_display_name(self) -> str:
        """`seolog scans show [OPTIONS] SCAN_ID`, as man pages and Click write a required
        argument (Typer 0.29 writes `{SCAN_ID}`); an optional one stays `[TARGET]`."""
        name = super()._usage_display_name()
        if name.startswith("{"):
            name = name[1:].replace("}", "", 1)
        return name


def _runtime(param: Any, base: Any) -> Any:
    # One converter per parameter, kept: Typer caches its own in `_runtime_param` once built,
    # and every later value (a second command run in the same process) must still pass here.
    runtime = getattr(param, "_seolog_runtime", None)
    if runtime is None:
        runtime = param._seolog_runtime = _OnlyWithValue(param, base)
    return runtime


class _OnlyWithValue:
    """Converts a parameter's value with Typer's own converter, built only once a value exists
    (None stays None, or an empty tuple for a repeatable option, as Typer's does), and holds
    every value to what any command can use (cli/values.py: 64-bit whole numbers, finite
    numbers, text without NUL or undecodable bytes)."""

    def __init__(self, param: Any, base: Any) -> None:
        self.param = param
        self.base = base

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        from seolog.cli import values

        if value is None:
            return () if param.multiple or param.nargs == -1 else None
        values.check_raw(value, param)
        if isinstance(value, str) and _plain_text(param):  # --db from SEOLOG_DATABASE_URL
            return value  # nothing to convert, so no pydantic for it: a help stays light
        converted = self.base.get_runtime_param(self.param).coerce(value, param=param, ctx=ctx)
        return values.check_converted(converted, param)


def _plain_text(param: Any) -> bool:
    """A single text value declared as plain `str` (no choices, no path, no number)."""
    descriptor = getattr(param, "type_descriptor", None)
    return (
        getattr(descriptor, "annotation", None) is str and not param.multiple and param.nargs == 1
    )


_SWAPS: dict[type, type] = {TyperOption: _WordsOption, TyperArgument: _WordsArgument}
# Typer with its own Click (0.29 here) shows `<type>` beside each option and converts values
# through pydantic; the swaps above correct both. On an older Typer, Click's own metavars and
# range notes apply and nothing is swapped.
_MODERN = all(hasattr(TyperOption, a) for a in ("display_type_rich", "get_runtime_param"))


def _words(param: Any) -> None:
    if getattr(param, "_seolog_words", False):
        return
    param._seolog_words = True
    if getattr(param, "help", None):
        param.help = escape_brackets(param.help)
    choices = _choices(param)
    if len("|".join(choices)) > _CHOICES_WIDTH and param.metavar is None:
        missing = [c for c in choices if c not in (param.help or "")]
        if missing:
            param.help = f"{(param.help or '').rstrip()} One of: {', '.join(choices)}.".strip()
    swap = _SWAPS.get(type(param))
    if swap is None:
        return
    param.metavar = metavar(param)
    if not _MODERN:
        return  # an older Typer shows Click's metavar and range itself
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None or high is not None:
        param.help = f"{(param.help or '').rstrip()} {range_words(low, high)}".strip()
    param.__class__ = swap


# Rich markup tags seolog's help uses on purpose; any other [word] is text to show as written.
_STYLE_WORDS = frozenset(
    {"bold", "dim", "italic", "underline", "strike", "reverse", "blink", "b", "i", "u", "s"}
    | {"not", "on", "default", "black", "red", "green", "yellow", "blue", "magenta", "cyan"}
    | {"white"}
)
_TAG = re.compile(r"(?<!\\)\[([a-z#/@][^\[\]]*)\]")


def escape_brackets(text: str) -> str:
    """Escape `[tool.seolog]`, `[scan]` and the like so Rich markup shows them, keeping real
    markup (`[bold]`, `[/dim]`, `[link=…]`)."""

    def fix(m: re.Match[str]) -> str:
        tag = m.group(1)
        words = tag.replace("_", " ").split()
        markup = all(w in _STYLE_WORDS or w.startswith("bright") for w in words)
        if tag.startswith(("/", "link=")) or (words and markup):
            return m.group(0)
        return "\\" + m.group(0)

    return _TAG.sub(fix, text)


# --- Typer's rich help without Markdown and tracebacks -----------------------------------------


class _Deferred(type):
    """A stand-in class for a name from a heavy module: the module is imported when the name
    is first called or looked into, not when it is imported."""

    _module: str
    _name: str

    def _real(cls) -> Any:
        return getattr(importlib.import_module(cls._module), cls._name)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._real()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(cls._real(), name)


# typer.rich_utils imports rich.markdown (markdown-it, pygments) and rich.traceback for its
# Markdown markup mode and pretty tracebacks, neither of which `seolog … --help` uses: about
# half of the time help takes. They are imported when first used instead.
_HEAVY = ("rich.markdown", "rich.traceback")


def _stand_in(module: str) -> types.ModuleType:
    stand_in = types.ModuleType(module)

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Deferred(name, (), {"_module": module, "_name": name})

    stand_in.__getattr__ = __getattr__  # type: ignore[method-assign]
    return stand_in


class _LightLoader(importlib.abc.Loader):
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def create_module(self, spec: Any) -> Any:
        return self.inner.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        stand_ins = {m: _stand_in(m) for m in _HEAVY if m not in sys.modules}
        sys.modules.update(stand_ins)
        try:
            self.inner.exec_module(module)
        finally:
            for name, stand_in in stand_ins.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]


class _LightRichUtils(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "typer.rich_utils":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _LightLoader(spec.loader)
        return spec


def light_rich_help() -> None:
    """Have typer.rich_utils, when it is first imported, take Markdown and Traceback lazily."""
    if "typer.rich_utils" in sys.modules:
        return
    if not any(isinstance(f, _LightRichUtils) for f in sys.meta_path):
        sys.meta_path.insert(0, _LightRichUtils())
