"""What the rendering tests share: whether a browser is here to render with, a real
`python -m seolog scan` whose JSON result is read back, and the processes a scan started."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.conftest import run_seolog

BROWSER = os.environ.get("SEOLOG_BROWSER") or next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
)
_missing = [
    name
    for name, found in (
        ("chromium", BROWSER),
        ("playwright", importlib.util.find_spec("playwright") is not None),
    )
    if not found
]
# Why the modules that render are skipped, or None: they run wherever .ci/run runs.
MISSING_BROWSER = (
    f"needs {' and '.join(_missing)}: apt-get install chromium && pip install playwright "
    "(seolog drives the system's Chromium; Playwright's browser download is not needed)"
    if _missing
    else None
)
# A Chromium render takes about a second a page on a busy 2-core machine: a scan of the
# fixture app takes a fraction of this, the pytest default (120 s) counted from the
# first test of a module, whose fixture runs the shared scans.
SLOW_TIMEOUT = 300


def scan(
    env: dict[str, str], out: Path, url: str, *args: str, timeout: float = 240
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """`seolog scan URL ARGS --no-sitemaps --format json -o OUT`: the process, and the JSON
    result ({} when it wrote none)."""
    done = run_seolog(
        env,
        "scan",
        url,
        "--no-sitemaps",
        "--format",
        "json",
        "-o",
        str(out),
        *args,
        timeout=timeout,
    )
    doc = json.loads(out.read_text()) if out.is_file() and out.stat().st_size else {}
    return done, doc


def path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def found(doc: dict[str, Any]) -> dict[str, set[str]]:
    """Paths of the pages each check code was reported on."""
    by_code: dict[str, set[str]] = defaultdict(set)
    for issue in doc["issues"]:
        by_code[issue["code"]].add(path(issue["url"]))
    return by_code


def issue(doc: dict[str, Any], code: str, page: str) -> dict[str, Any]:
    """The one finding of `code` on the page at `page` (a path)."""
    hits = [i for i in doc["issues"] if i["code"] == code and path(i["url"]) == page]
    assert len(hits) == 1, (code, page, hits)
    return hits[0]


def render_record(stored: Any) -> dict[str, Any] | None:
    """pages.render as read back: SQLite returns the JSON text ("null" for a page not
    rendered), PostgreSQL the value."""
    value = json.loads(stored) if isinstance(stored, str) else stored
    return dict(value) if value is not None else None


def crawl_stats(doc: dict[str, Any]) -> dict[str, Any]:
    return dict(doc["summary"]["crawl"])


def pages(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {path(p["url"]): p for p in doc["pages"]}


def clean(stderr: str) -> None:
    """Nothing but seolog's own lines: no traceback, no asyncio or Playwright noise."""
    for noise in ("Traceback", "Future exception", "never retrieved", "Exception", "Error:"):
        assert noise not in stderr, stderr


def isolated_env(home: Path) -> dict[str, str]:
    """A `seolog_env` for module-scoped scans: a store of their own in `home`, and none of the
    machine's SEOLOG_* settings (the function-scoped `home` fixture clears them per test)."""
    import seolog

    src = str(Path(seolog.__file__).resolve().parent.parent)
    root = str(Path(__file__).resolve().parent.parent.parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEOLOG_", "CI", "NO_COLOR"))}
    return env | {
        "SEOLOG_HOME": str(home),
        "SEOLOG_DATABASE_URL": f"sqlite:///{home}/seolog.db",
        "SEOLOG_SCAN_EXTERNAL_SKIP": "*",  # as the `home` fixture: no other host is checked
        "PYTHONPATH": os.pathsep.join((src, root)),
    }


def rows(db_url: str, sql: str, **params: Any) -> list[Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params))
    finally:
        engine.dispose()


def descendants(pid: int) -> dict[int, str]:
    """Every process below `pid` (Linux /proc), with its program's name."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # ended meanwhile
            continue
        children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry))
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = program(child)
            todo.append(child)
    return found


def parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


def program(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def running(pid: int) -> bool:
    """Alive: there and not a zombie (an exited child its parent has not reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
