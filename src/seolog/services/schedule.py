"""Scheduled scans in the user's crontab, inside a block seolog manages; other lines are never
touched. `SEOLOG_CRONTAB_FILE` points seolog at a file instead (a cron.d file, a container's
crontab, or tests)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from seolog.context import AppContext
from seolog.errors import ConfigError, NotFoundError, UsageError
from seolog.services.sites import get_site
from seolog.storage.db import session_scope
from seolog.worklog.parse import WEEKDAYS, parse_clock

BEGIN = "# >>> seolog schedule: managed by `seolog schedule`; edits inside are overwritten >>>"
END = "# <<< seolog schedule <<<"
EVERY = ("daily", "weekly", "biweekly", "monthly")
_TAG = re.compile(
    r"#\s*seolog:(?P<site>\S+)\s+(?P<every>\S+)\s+(?P<at>\d{2}:\d{2})(?:\s+(?P<day>\w+))?\s*$"
)
# Variables a scheduled run must see to use the same store as the person who scheduled it.
# (The project config goes as an absolute --config: cron starts in the home folder, where the
# project's seolog.toml, and a relative SEOLOG_CONFIG, are not found.)
PASSED_ENV = ("SEOLOG_HOME", "SEOLOG_DATABASE_URL")


@dataclass(frozen=True)
class Schedule:
    site: str
    every: str
    at: str  # HH:MM
    day: str | None  # weekday for weekly
    line: str
    config: Path | None = None  # the project config file the runs read (known when added)

    @property
    def when(self) -> str:
        if self.every == "weekly":
            return f"weekly on {self.day} at {self.at}"
        if self.every == "biweekly":
            return f"on the 1st and 15th at {self.at}"
        if self.every == "monthly":
            return f"on the 1st of the month at {self.at}"
        return f"daily at {self.at}"


def cron_fields(every: str, at: str, day: str | None) -> str:
    """Cron's five fields. Cron cannot say "every other week"; biweekly runs on the 1st and 15th."""
    if every not in EVERY:
        raise UsageError(f"unknown schedule {every!r}", hint=f"use one of: {', '.join(EVERY)}")
    clock = parse_clock(at, "--at")
    minute, hour = clock.minute, clock.hour
    if every == "daily":
        return f"{minute} {hour} * * *"
    if every == "weekly":
        return f"{minute} {hour} * * {(WEEKDAYS.index(day or 'mon') + 1) % 7}"  # cron: 0 is Sunday
    if every == "biweekly":
        return f"{minute} {hour} 1,15 * *"
    return f"{minute} {hour} 1 * *"


def _absolute(name: str, value: str) -> str:
    """A path relative to where `schedule add` ran means nothing to cron (it starts in $HOME)."""
    if name == "SEOLOG_HOME" or (name == "SEOLOG_DATABASE_URL" and "://" not in value):
        return str(Path(value).expanduser().absolute())
    return value


def _store_for_cron(url: str) -> str:
    """The store URL as the crontab may hold it: a relative SQLite path made absolute, and no
    password (the crontab is a file on disk; secrets never go there)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.password:
        raise UsageError(
            "the database URL has a password, which the crontab line would hold",
            hint="put the password in ~/.pgpass (or PGPASSFILE) and give --db without it",
        )
    database = parsed.database or ""
    relative = database not in ("", ":memory:") and not database.startswith("/")
    if parsed.drivername.startswith("sqlite") and relative:
        return f"{parsed.drivername}:///{Path(database).expanduser().absolute()}"
    return url


def config_in_force(explicit: Path | None, cwd: Path | None = None) -> Path | None:
    """The project config file a command run here would read (--config or SEOLOG_CONFIG, else
    seolog.toml or [tool.seolog] found from the folder), absolute; checked now, so a broken
    file fails `schedule add` instead of every scheduled run."""
    from seolog.projectconfig import find_config, load_config

    here = cwd or Path.cwd()
    path = (here / explicit.expanduser() if explicit is not None else find_config(here)) or None
    if path is None:
        return None
    load_config(path)  # a missing or invalid file is a ConfigError here, with its hint
    return path.absolute()


def command_line(
    site: str, env: dict[str, str], config: Path | None = None, db_url: str | None = None
) -> str:
    """The scheduled command: this Python, this store and this project config, since cron has
    none of them (it runs from $HOME with a bare PATH). `db_url`: the store this command used
    (`--db` included), which cron must use too."""
    env = dict(env)
    if db_url is not None:
        env["SEOLOG_DATABASE_URL"] = _store_for_cron(db_url)
    passed = " ".join(f"{k}={shlex.quote(_absolute(k, env[k]))}" for k in PASSED_ENV if env.get(k))
    options = f" --config {shlex.quote(str(config))}" if config is not None else ""
    cmd = f"{shlex.quote(sys.executable)} -m seolog{options} scan {shlex.quote(site)} --scheduled"
    # cron turns a bare % into a newline, even inside the shell's quotes; \% is a literal %.
    return f"{passed} {cmd}".strip().replace("%", r"\%")


# --- the crontab -------------------------------------------------------------------------------


class Crontab:
    def __init__(self, env: dict[str, str]) -> None:
        target = env.get("SEOLOG_CRONTAB_FILE")
        self.file = Path(target) if target else None

    def read(self) -> str:
        if self.file is not None:
            try:
                return self.file.read_text(encoding="utf-8") if self.file.exists() else ""
            except (OSError, UnicodeDecodeError) as e:
                raise self._file_error("cannot read", e) from e
        binary = self._binary()
        done = subprocess.run([binary, "-l"], capture_output=True, text=True)
        if done.returncode != 0:
            if "no crontab" in done.stderr.lower():
                return ""
            raise ConfigError(
                f"crontab -l failed: {done.stderr.strip()}",
                hint="check cron is set up for this user",
            )
        return done.stdout

    def write(self, text: str) -> None:
        if self.file is not None:
            tmp = self.file.with_name(self.file.name + ".tmp")
            try:
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(self.file)
            except OSError as e:
                tmp.unlink(missing_ok=True)
                raise self._file_error("cannot write", e) from e
            return
        done = subprocess.run([self._binary(), "-"], input=text, capture_output=True, text=True)
        if done.returncode != 0:
            raise ConfigError(
                f"crontab refused the update: {done.stderr.strip()}", hint="nothing was changed"
            )

    def _file_error(self, what: str, e: OSError | UnicodeDecodeError) -> ConfigError:
        """SEOLOG_CRONTAB_FILE names a file seolog cannot use: a setting to fix (exit 3)."""
        reason = e.strerror if isinstance(e, OSError) else "it is not a UTF-8 text file"
        if isinstance(e, OSError) and not (self.file and self.file.parent.is_dir()):
            reason = f"there is no folder {self.file.parent if self.file else ''}"
        return ConfigError(
            f"{what} the crontab file {self.file} (SEOLOG_CRONTAB_FILE): {reason}",
            hint="point SEOLOG_CRONTAB_FILE at a text file in an existing, writable folder",
        )

    @staticmethod
    def _binary() -> str:
        binary = shutil.which("crontab")
        if binary is None:
            raise ConfigError(
                "crontab is not installed here",
                hint="use --print and add the line to your scheduler (systemd timer, Task Scheduler …)",
            )
        return binary


def _split(text: str) -> tuple[list[str], list[Schedule], list[str]]:
    """Lines before the block, the scheduled scans in it, lines after it."""
    lines = text.splitlines()
    if BEGIN not in lines:
        return lines, [], []
    start = lines.index(BEGIN)
    end = lines.index(END, start) if END in lines[start:] else len(lines)
    schedules = []
    for line in lines[start + 1 : end]:
        m = _TAG.search(line)
        if m:
            schedules.append(Schedule(m["site"], m["every"], m["at"], m["day"], line))
    return lines[:start], schedules, lines[end + 1 :]


def _join(before: list[str], schedules: list[Schedule], after: list[str]) -> str:
    block = [BEGIN, *(s.line for s in schedules), END] if schedules else []
    lines = [*before, *block, *after]
    return "\n".join(lines) + "\n" if lines else ""


def add_schedule(
    ctx: AppContext,
    site: str,
    every: str,
    at: str,
    day: str | None = None,
    install: bool = True,
    config: Path | None = None,
) -> tuple[Schedule, bool]:
    """Schedule a site (replacing its earlier schedule); returns it and whether it replaced one.
    `config`: the project config file the scheduled runs read ([scan], [gates], [alerts]), an
    absolute path (see `config_in_force`)."""
    _store_for_cron(ctx.db_url)  # a URL cron cannot be given fails before the store is opened
    with session_scope(ctx.engine) as session:
        name = get_site(session, site).name
    if day is not None:
        if every != "weekly":
            raise UsageError("--day only goes with --every weekly", hint="drop --day")
        day = day.strip().lower()[:3]
        if day not in WEEKDAYS:
            raise UsageError(
                f"unknown weekday {day!r}", hint="use mon, tue, wed, thu, fri, sat or sun"
            )
    day = day or ("mon" if every == "weekly" else None)
    fields = cron_fields(every, at, day)
    clock = parse_clock(at, "--at")
    at = f"{clock.hour:02d}:{clock.minute:02d}"
    tag = f"# seolog:{name} {every} {at}" + (f" {day}" if day else "")
    line = f"{fields} {command_line(name, ctx.env, config, ctx.db_url)} {tag}"
    schedule = Schedule(name, every, at, day, line, config)
    if not install:
        return schedule, False
    crontab = Crontab(ctx.env)
    before, schedules, after = _split(crontab.read())
    replaced = any(s.site == name for s in schedules)
    schedules = [s for s in schedules if s.site != name] + [schedule]
    crontab.write(_join(before, schedules, after))
    return schedule, replaced


def list_schedules(ctx: AppContext) -> list[Schedule]:
    return _split(Crontab(ctx.env).read())[1]


def remove_schedule(ctx: AppContext, site: str) -> Schedule:
    crontab = Crontab(ctx.env)
    before, schedules, after = _split(crontab.read())
    found = [s for s in schedules if s.site == site]
    if not found:
        raise NotFoundError(f"{site!r} has no schedule", hint="see `seolog schedule list`")
    crontab.write(_join(before, [s for s in schedules if s.site != site], after))
    return found[0]
