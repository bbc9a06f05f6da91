"""The one error hierarchy and the one exit-code enum: scripts depend on both."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes. Public API: never renumber, only add."""

    OK = 0
    THRESHOLD = 1  # a --fail-under / --fail-on gate failed
    USAGE = 2  # bad flag or argument: a malformed value (Click's own code)
    CONFIG = 3  # bad configuration; a name that does not exist (site, scan, client, check code)
    UNREACHABLE = 4  # the start URL cannot be fetched, or robots.txt forbids it
    STORAGE = 5  # database locked, migration failed, schema too new
    SYNC = 6  # hosted API rejected us
    REPORT = 7  # template or PDF rendering failed
    MISSING_TOOL = 8  # a browser or Lighthouse that --render / --lab need is not installed
    INTERNAL = 70  # a bug: one line, --debug for the traceback
    INTERRUPTED = 130  # Ctrl-C; partial work saved


class SeologWarning(UserWarning):
    """Something a Python caller should know that does not stop the work: a deprecated setting
    name, an unknown SEOLOG_SCAN_* variable, a crawl that ignores robots.txt. The CLI prints the
    same text as a `warning:` line."""


class SeologError(Exception):
    """An error a user can act on: a one-line message, a hint naming the fix, an exit code."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __reduce__(self) -> tuple[object, ...]:
        # Keep the hint when the error crosses from the page worker process.
        return (type(self), (self.message, self.hint), self.__dict__)


class GateFailed(SeologError):
    """A --fail-* gate failed: the scan itself worked, and its output was written."""

    exit_code = ExitCode.THRESHOLD


class UsageError(SeologError):
    exit_code = ExitCode.USAGE


class ConfigError(SeologError):
    exit_code = ExitCode.CONFIG


class NotFoundError(ConfigError):
    """A site, scan, client, project, log entry or check code the user named does not exist.
    Every command exits 3 for it, flag or argument alike; the hint names the closest existing
    name when one is close (`seolog.suggest`). A malformed value is a UsageError (exit 2)."""


class TargetUnreachable(SeologError):
    exit_code = ExitCode.UNREACHABLE


class StorageError(SeologError):
    exit_code = ExitCode.STORAGE


class ReportError(SeologError):
    exit_code = ExitCode.REPORT


class ToolMissing(SeologError):
    """A program a feature needs is not there (Chromium for --render, Lighthouse for --lab):
    the environment lacks it, so it is neither a bug nor a bad flag."""

    exit_code = ExitCode.MISSING_TOOL


class Interrupted(SeologError):
    exit_code = ExitCode.INTERRUPTED


class SyncError(SeologError):
    """The hosted platform could not be reached or refused us; whatever is queued stays queued."""

    exit_code = ExitCode.SYNC
