"""Run the real Lighthouse CLI on one URL and keep the scores and metrics seolog stores.

Lighthouse is a Node program that starts its own Chromium, so three things here exist only to
keep a run contained:

- The run gets a private scratch folder as TMPDIR. Chromium's throwaway profile goes there
  (Lighthouse's chrome-launcher makes it in the temp folder), and so does the file of extra
  headers; the folder is removed after every run, including a killed one.
- Lighthouse runs in a session of its own, and chrome-launcher starts Chromium *detached* (in a
  session of its own too). Killing Lighthouse's process group therefore leaves Chromium
  running; `_end_run` first collects every descendant process and kills each one's group.
- Extra headers (cookies, authorization) are passed in that 0600 file, never on the command
  line (any local user can read another's argv), and are scrubbed from every error text.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from seolog.errors import ToolMissing

FormFactor = Literal["mobile", "desktop"]
FORM_FACTORS: tuple[FormFactor, ...] = ("mobile", "desktop")

ENV_VAR = "SEOLOG_LIGHTHOUSE"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# --headless=new: the real browser, headless (the old headless mode is a different program).
# --no-sandbox: Chromium's sandbox cannot start as root or in most containers.
# --disable-gpu: no GPU on servers; software rendering is what Lighthouse's CI runs use.
# --disable-dev-shm-usage: Docker gives /dev/shm 64 MB, too little; Chromium crashes tabs in it.
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
DEFAULT_TIMEOUT_S = 120.0  # one run takes 10-30 s on a 2-core machine; a slow site takes longer
VERSION_TIMEOUT_S = 30.0  # `npx --no-install lighthouse --version` takes ~1 s; a cold cache more
KILL_WAIT_S = 5.0  # for killed processes to be gone; it takes milliseconds
_STDERR_CHARS = 300  # of Lighthouse's last stderr line, quoted in an error
_SCRATCH_PREFIX = "seolog-lab-"  # tempfile adds 8 characters
# Chromium puts its singleton socket at $TMPDIR/.org.chromium.Chromium.XXXXXX/SingletonSocket
# and does not start when that path is longer than a socket address holds (sun_path: 108 bytes
# on Linux, 104 on macOS); Lighthouse then says only "Unable to connect to Chrome".
_SOCKET_PATH_MAX = 104
_CHROMIUM_SOCKET_CHARS = len("/.org.chromium.Chromium.XXXXXX/SingletonSocket")

_HINT = (
    "install it: npm install -g lighthouse (needs Node.js: apt-get install nodejs npm), "
    f"or name it with --lighthouse PATH / {ENV_VAR}"
)

# Report field -> Lighthouse category id / audit id.
_SCORES = {
    "performance": "performance",
    "accessibility": "accessibility",
    "best_practices": "best-practices",
    "seo": "seo",
}
_METRICS = {
    "lcp_ms": "largest-contentful-paint",
    "fcp_ms": "first-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "speed_index_ms": "speed-index",
    "cls": "cumulative-layout-shift",
}


class LighthouseMissing(ToolMissing):
    """No runnable Lighthouse here: exit 8 (MISSING_TOOL), the environment lacks a program, which
    is neither a bug nor a bad flag. Its own class so a caller can tell it from a missing
    browser."""


@dataclass(frozen=True)
class LabResult:
    """One Lighthouse run on one URL: what seolog stores and compares between runs.

    Scores are 0-100 as Lighthouse shows them; metrics are in milliseconds, CLS unitless.
    Any of them is None when Lighthouse could not measure it; `error` then says why in one line.
    """

    url: str
    final_url: str | None
    form_factor: str
    lighthouse_version: str | None
    performance: int | None = None
    accessibility: int | None = None
    best_practices: int | None = None
    seo: int | None = None
    lcp_ms: float | None = None
    fcp_ms: float | None = None
    tbt_ms: float | None = None
    speed_index_ms: float | None = None
    cls: float | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stored JSON shape. Field names are a contract: rename nothing, only add."""
        return {
            "url": self.url,
            "final_url": self.final_url,
            "form_factor": self.form_factor,
            "lighthouse_version": self.lighthouse_version,
            "scores": {name: getattr(self, name) for name in _SCORES},
            "metrics": {name: getattr(self, name) for name in _METRICS},
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LabResult:
        """Read back what `to_dict` wrote. A missing score or metric reads as None (a record
        written before it existed); a value of the wrong type is a ValueError, not a guess."""
        scores = _mapping(data.get("scores"), "scores")
        metrics = _mapping(data.get("metrics"), "metrics")
        return cls(
            url=_text(data.get("url"), "url", optional=False) or "",
            final_url=_text(data.get("final_url"), "final_url"),
            form_factor=_text(data.get("form_factor"), "form_factor", optional=False) or "",
            lighthouse_version=_text(data.get("lighthouse_version"), "lighthouse_version"),
            error=_text(data.get("error"), "error"),
            performance=_score_value(scores.get("performance"), "performance"),
            accessibility=_score_value(scores.get("accessibility"), "accessibility"),
            best_practices=_score_value(scores.get("best_practices"), "best_practices"),
            seo=_score_value(scores.get("seo"), "seo"),
            lcp_ms=_metric_value(metrics.get("lcp_ms"), "lcp_ms"),
            fcp_ms=_metric_value(metrics.get("fcp_ms"), "fcp_ms"),
            tbt_ms=_metric_value(metrics.get("tbt_ms"), "tbt_ms"),
            speed_index_ms=_metric_value(metrics.get("speed_index_ms"), "speed_index_ms"),
            cls=_metric_value(metrics.get("cls"), "cls"),
        )


def _mapping(value: object, name: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} must be an object, not {type(value).__name__}")
    return value


def _text(value: object, name: str, *, optional: bool = True) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {type(value).__name__}")
    return value


def _score_value(value: object, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValueError(f"score {name} must be a whole number 0-100, not {value!r}")
    return value


def _metric_value(value: object, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"metric {name} must be a finite number, not {value!r}")
    return float(value)


# --- parsing a Lighthouse report ------------------------------------------------------------


def parse_report(data: Mapping[str, Any]) -> LabResult:
    """The LabResult of one Lighthouse JSON report (the LHR of Lighthouse 10-12).

    A category or audit Lighthouse could not compute reads as None rather than 0: a page that
    failed to load has no performance, which is not the same as a performance of 0.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("lighthouseVersion"), str):
        raise ValueError("not a Lighthouse report: no lighthouseVersion")
    categories = data.get("categories") or {}
    audits = data.get("audits") or {}
    settings = data.get("configSettings") or {}
    runtime = data.get("runtimeError") or {}
    error = None
    if isinstance(runtime, Mapping) and (runtime.get("message") or runtime.get("code")):
        error = _one_line(str(runtime.get("message") or runtime.get("code")))
    final = data.get("finalDisplayedUrl") or data.get("finalUrl")
    return LabResult(
        url=str(data.get("requestedUrl") or final or ""),
        final_url=str(final) if final else None,
        form_factor=str(settings.get("formFactor") or "mobile"),  # Lighthouse's default
        lighthouse_version=data["lighthouseVersion"],
        error=error,
        performance=_category_score(categories, _SCORES["performance"]),
        accessibility=_category_score(categories, _SCORES["accessibility"]),
        best_practices=_category_score(categories, _SCORES["best_practices"]),
        seo=_category_score(categories, _SCORES["seo"]),
        lcp_ms=_audit_value(audits, _METRICS["lcp_ms"]),
        fcp_ms=_audit_value(audits, _METRICS["fcp_ms"]),
        tbt_ms=_audit_value(audits, _METRICS["tbt_ms"]),
        speed_index_ms=_audit_value(audits, _METRICS["speed_index_ms"]),
        cls=_audit_value(audits, _METRICS["cls"]),
    )


def _category_score(categories: Mapping[str, Any], cid: str) -> int | None:
    score = (categories.get(cid) or {}).get("score")
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        return None
    # Half up, as Lighthouse's report shows it (Math.round), not Python's half to even.
    return max(0, min(100, math.floor(score * 100 + 0.5)))


def _audit_value(audits: Mapping[str, Any], aid: str) -> float | None:
    value = (audits.get(aid) or {}).get("numericValue")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- finding Lighthouse ---------------------------------------------------------------------


def find_lighthouse(explicit: str | None = None) -> list[str]:
    """The command that runs Lighthouse here, as a prefix to which arguments are appended.

    Tried in order: `explicit` (--lighthouse PATH), $SEOLOG_LIGHTHOUSE, `lighthouse` on PATH, then
    `npx --no-install lighthouse` when npx can run one without downloading it. A name the user
    gave that does not work is an error, not a reason to quietly run some other Lighthouse.
    """
    if explicit:
        return [_named(explicit, "--lighthouse")]
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return [_named(from_env, ENV_VAR)]
    on_path = shutil.which("lighthouse")
    if on_path:
        return [on_path]
    npx = shutil.which("npx")
    if npx:
        cmd = [npx, "--no-install", "lighthouse"]
        if _answers_version(cmd):
            return cmd
    raise LighthouseMissing("Lighthouse not found", hint=_HINT)


def _named(name: str, source: str) -> str:
    found = shutil.which(name)  # a path must be an executable file; a bare name is looked up
    if found is None:
        raise LighthouseMissing(
            f"Lighthouse not found: {name} ({source}) is not an executable file", hint=_HINT
        )
    return found


def _answers_version(cmd: list[str]) -> bool:
    try:
        lighthouse_version(cmd)
    except LighthouseMissing:
        return False
    return True


def lighthouse_version(cmd: list[str]) -> str:
    """The version `cmd --version` prints, such as "12.2.3"."""
    try:
        run = subprocess.run(
            [*cmd, "--version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=VERSION_TIMEOUT_S,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        reason = "did not answer in time" if isinstance(e, subprocess.TimeoutExpired) else str(e)
        raise LighthouseMissing(f"`{shlex.join(cmd)} --version` failed: {reason}", _HINT) from e
    version = run.stdout.strip()
    if run.returncode != 0 or not version:
        said = _last_line(run.stderr) or f"exit {run.returncode}"
        raise LighthouseMissing(f"`{shlex.join(cmd)} --version` failed: {said}", hint=_HINT)
    return version.splitlines()[-1].strip()


# --- running it -----------------------------------------------------------------------------


def run_lighthouse(
    url: str,
    *,
    cmd: list[str],
    chrome_path: str | None = None,
    form_factor: FormFactor = "mobile",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    extra_headers: dict[str, str] | None = None,
) -> LabResult:
    """Audit one URL with Lighthouse (performance, accessibility, best practices, SEO).

    A run that fails (Lighthouse's runtime error, a crash, a timeout, output that is no report)
    is a LabResult with `error` set, so a batch of pages goes on; only Ctrl-C stops it, after the
    browser is gone. `chrome_path` None lets Lighthouse look for a Chrome itself.
    """
    if form_factor not in FORM_FACTORS:
        raise ValueError(f"form_factor must be one of {FORM_FACTORS}, not {form_factor!r}")
    if urlsplit(url).scheme.lower() not in ("http", "https"):  # nor a flag: "--view"
        raise ValueError(f"Lighthouse audits http(s) URLs, not {url!r}")
    secrets = [v for v in (extra_headers or {}).values() if v]
    failed = LabResult(url=url, final_url=None, form_factor=form_factor, lighthouse_version=None)
    with tempfile.TemporaryDirectory(
        prefix=_SCRATCH_PREFIX, dir=_scratch_parent(), ignore_cleanup_errors=True
    ) as scratch:
        args = _command(cmd, url, form_factor)
        if extra_headers:
            args.append(f"--extra-headers={_headers_file(Path(scratch), extra_headers)}")
        # The report itself is never kept: it repeats the extra headers (configSettings).
        # Lighthouse 12 has no --chrome-path flag (an unknown flag is silently ignored): its
        # chrome-launcher reads CHROME_PATH.
        env = {**os.environ, "TMPDIR": scratch}
        if chrome_path:
            env["CHROME_PATH"] = chrome_path
        outcome = _run(args, env, timeout_s)
    if outcome is None:
        return replace(failed, error=f"Lighthouse did not finish within {timeout_s:g} s")
    returncode, out, err = outcome
    try:
        result = replace(parse_report(json.loads(out)), url=url)
    except ValueError as e:  # json.JSONDecodeError is a ValueError
        why = _exit_reason(returncode, err) if returncode else f"printed no report ({e})"
        return replace(failed, error=_scrub(f"Lighthouse {why}", secrets))
    if result.error is None and returncode:
        result = replace(result, error=f"Lighthouse {_exit_reason(returncode, err)}")
    return replace(result, error=_scrub(result.error, secrets)) if result.error else result


def _command(cmd: list[str], url: str, form_factor: FormFactor) -> list[str]:
    args = [
        *cmd,
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if form_factor == "desktop":
        args.append("--preset=desktop")  # mobile is Lighthouse's default
    return args


def _scratch_parent() -> str:
    """The temp folder, or /tmp when the temp folder's path is too long for Chromium's socket."""
    parent = tempfile.gettempdir()
    longest = len(parent) + 1 + len(_SCRATCH_PREFIX) + 8 + _CHROMIUM_SOCKET_CHARS
    if longest > _SOCKET_PATH_MAX and os.path.isdir("/tmp") and os.access("/tmp", os.W_OK):
        return "/tmp"
    return parent


def _headers_file(folder: Path, headers: Mapping[str, str]) -> Path:
    """The headers as a JSON file only this user can read (Lighthouse takes a path there)."""
    path = folder / "extra-headers.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(dict(headers), f)
    return path


def _exit_reason(returncode: int, stderr: str) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    said = _last_line(stderr)
    return f"exited {returncode}" + (f": {said}" if said else "")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:_STDERR_CHARS] if lines else ""


def _scrub(text: str, secrets: list[str]) -> str:
    """The text with every header value masked: an error line may be logged or shown."""
    for secret in sorted(secrets, key=len, reverse=True):
        for form in {secret, json.dumps(secret)[1:-1]}:
            text = text.replace(form, "***")
    return _one_line(text)


def _run(args: list[str], env: dict[str, str], timeout_s: float) -> tuple[int, str, str] | None:
    """(exit code, stdout, stderr), or None after a timeout. Whatever ends the wait (a timeout,
    Ctrl-C) ends Lighthouse and every browser process it started first."""
    try:
        proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,  # its own process group, apart from ours and the terminal's
        )
    except OSError as e:
        raise LighthouseMissing(f"cannot run {args[0]}: {e.strerror or e}", hint=_HINT) from e
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _end_run(proc)
        return None
    except BaseException:  # KeyboardInterrupt above all: no browser may outlive seolog
        _end_run(proc)
        raise
    return proc.returncode, out, err


def _end_run(proc: subprocess.Popen[str]) -> None:
    """Kill Lighthouse and everything it started, Chromium included.

    Lighthouse's group is stopped first so it starts nothing new, then every process group any
    descendant is in gets SIGKILL: chrome-launcher's detached Chromium sits in a group (and
    session) of its own, which killing Lighthouse's group alone would leave running.
    """
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGSTOP)
    groups = {proc.pid}
    descendants = _descendants(proc.pid)
    for pid in descendants:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            groups.add(os.getpgid(pid))
    groups.discard(os.getpgrp())  # never ourselves, whatever a child did with its group
    for group in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)
    proc.wait()
    _wait_gone(descendants)
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()  # not read: a killed run's partial output is no report


def _wait_gone(pids: list[int]) -> None:
    """Wait (briefly) until the killed processes are dead: SIGKILL takes effect when a process is
    next scheduled, tens of milliseconds on a busy machine, and a Chromium still exiting would
    compete with the next run for the CPU."""
    deadline = time.monotonic() + KILL_WAIT_S
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    """Running, not a zombie (dead, waiting for a parent that may never reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc here
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # someone else's process now: alive, though not ours
        return True
    return stat[stat.rfind(")") + 2 :][:1] not in ("Z", "X", "")


def _descendants(root: int) -> list[int]:
    """The pids of every process below `root`, whatever session or group they moved to."""
    children: dict[int, list[int]] = {}
    for pid, ppid in _parents():
        children.setdefault(ppid, []).append(pid)
    found: list[int] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.append(child)
                todo.append(child)
    return found


def _parents() -> list[tuple[int, int]]:
    """(pid, parent pid) of every process: /proc on Linux, `ps` elsewhere."""
    proc = Path("/proc")
    if sys.platform.startswith("linux") and proc.is_dir():
        pairs = []
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue  # exited meanwhile
            # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
            fields = stat[stat.rfind(")") + 2 :].split()
            if len(fields) > 1 and fields[1].isdigit():
                pairs.append((int(entry.name), int(fields[1])))
        return pairs
    try:
        ps = subprocess.run(
            ["ps", "-A", "-o", "pid=", "-o", "ppid="],
            capture_output=True,
            text=True,
            timeout=VERSION_TIMEOUT_S,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [
        (int(a), int(b))
        for a, b in (line.split() for line in ps.stdout.splitlines() if len(line.split()) == 2)
        if a.isdigit() and b.isdigit()
    ]
