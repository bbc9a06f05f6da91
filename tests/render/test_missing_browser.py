"""A scan that renders needs a browser; one that does not, never looks for it (issue 22). A
missing browser is exit 8 with one line and a hint, before any scan exists or any request is
sent. These tests run without Chromium or Playwright installed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from seolog.errors import ExitCode
from tests.conftest import run_seolog
from tests.render.support import render_record
from tests.server import FixtureServer

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX PATH and executables")


def _site(server: FixtureServer) -> None:
    server.page("/", "Home", '<a href="/about">about</a>')
    server.page("/about", "About")


def _one_error(stderr: str, problem: str, hint: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 2, stderr  # the problem, and how to fix it
    assert lines[0].startswith("error: ") and problem in lines[0], stderr
    assert lines[1].strip().startswith("hint: ") and hint in lines[1], stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("args", "env", "source"),
    [
        (("--render", "always", "--browser", "/nonexistent/chromium"), {}, "--browser"),
        (("--render", "auto"), {"SEOLOG_BROWSER": "/nonexistent/chromium"}, "SEOLOG_BROWSER"),
        ((), {"SEOLOG_SCAN_RENDER": "always", "SEOLOG_BROWSER": "/nonexistent/chromium"},
         "SEOLOG_BROWSER"),
    ],
    ids=["flag", "env-browser", "env-render"],
)  # fmt: skip
def test_a_browser_that_is_not_there_is_one_line_and_no_scan(
    args: tuple[str, ...],
    env: dict[str, str],
    source: str,
    server: FixtureServer,
    cli,
    db,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _site(server)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    done = cli("scan", server.url(), "--no-sitemaps", *args)
    assert done.exit_code == ExitCode.MISSING_TOOL == 8, done.stderr
    _one_error(done.stderr, f"no browser at /nonexistent/chromium (from {source})", "Chromium")
    assert done.stdout == ""
    assert server.paths() == []  # found missing before the first request
    assert db("SELECT count(*) AS n FROM scans")[0].n == 0


def _no_browser_on_path(tmp_path: Path, seolog_env: dict[str, str]) -> dict[str, str]:
    """A PATH with no program on it (seolog runs as `sys.executable -m seolog`)."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = seolog_env | {"PATH": str(empty)}
    env.pop("SEOLOG_BROWSER", None)
    return env


def test_with_no_chromium_on_path_the_hint_says_how_to_install_one(
    server: FixtureServer, seolog_env: dict[str, str], tmp_path: Path, db
) -> None:
    _site(server)
    env = _no_browser_on_path(tmp_path, seolog_env)
    done = run_seolog(env, "scan", server.url(), "--no-sitemaps", "--render", "always")
    assert done.returncode == ExitCode.MISSING_TOOL, done.stderr
    _one_error(done.stderr, "no Chromium browser found", "install Chromium")
    assert "--browser PATH" in done.stderr and "SEOLOG_BROWSER" in done.stderr
    assert db("SELECT count(*) AS n FROM scans")[0].n == 0


def test_a_scan_that_does_not_render_never_needs_a_browser(
    server: FixtureServer, seolog_env: dict[str, str], tmp_path: Path, db
) -> None:
    """No Chromium on PATH, a browser setting that names nothing: without --render (or with
    --render never) the scan runs as before."""
    _site(server)
    env = _no_browser_on_path(tmp_path, seolog_env) | {"SEOLOG_BROWSER": "/nonexistent/chromium"}
    for args in ((), ("--render", "never", "--browser", "/nonexistent/chromium")):
        done = run_seolog(env, "scan", server.url(), "--no-sitemaps", *args)
        assert done.returncode == 0, done.stderr
    rows = db("SELECT scan_id, url, render FROM pages ORDER BY scan_id, url")
    assert [(r.scan_id, r.url) for r in rows] == [
        (scan, server.url(p)) for scan in (1, 2) for p in ("/", "/about")
    ]
    # Not rendered: no render record.
    assert [render_record(r.render) for r in rows] == [None] * 4
