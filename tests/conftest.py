"""Shared fixtures: a private SEOLOG_HOME, a CLI runner through the real error funnel, and
fixture websites served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from tests.server import FixtureServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_SITE = ROOT / "examples" / "site"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own SEOLOG_HOME: no test touches the real home directory."""
    h = tmp_path / "seolog-home"
    monkeypatch.setenv("SEOLOG_HOME", str(h))
    for var in ("SEOLOG_DATABASE_URL", "SEOLOG_AUTH", "CI", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    return h


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Run:
        from seolog.cli.app import app

        result = self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    s = FixtureServer().start()
    yield s
    s.stop()


@pytest.fixture
def seolog_env(home: Path) -> dict[str, str]:
    """Environment for running `python -m seolog` as a real process: this test's home, and the
    same seolog code the tests import (a stale installed copy must not answer instead)."""
    import seolog

    src = str(Path(seolog.__file__).resolve().parent.parent)
    path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "SEOLOG_HOME": str(home), "PYTHONPATH": path}


@pytest.fixture
def db(home: Path) -> Any:
    """Run raw SQL against the test's SQLite file, to check what a scan really stored."""

    def query(sql: str, **params: Any) -> list[Any]:
        engine = create_engine(f"sqlite:///{home / 'seolog.db'}")
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(sql), params))
        finally:
            engine.dispose()

    return query
