"""A small world of every kind of record, built once per module and copied for each test: a site
`acme` with one scan (ID 1) of two pages, a client `Acme Ltd` (rate 90) with a project `Launch`,
and one log entry (ID 1). Tests that drive many commands need something for each to find."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.server import FixtureServer


def build_world(cli: Cli) -> None:
    server = FixtureServer().start()
    try:
        server.page("/", "Home page of Acme", '<h1>Acme</h1><a href="/a">About</a>')
        server.page("/a", "About Acme", "<h1>About</h1>")
        assert cli("sites", "add", server.url(), "--name", "acme").exit_code == 0
        assert cli("clients", "add", "Acme Ltd", "--rate", "90", "--site", "acme").exit_code == 0
        assert cli("projects", "add", "Launch", "--client", "Acme Ltd").exit_code == 0
        assert cli("scan", "acme", "--max-pages", "3", "-q").exit_code == 0
        assert cli("logs", "add", "Audit", "--site", "acme", "--time", "1h").exit_code == 0
    finally:
        server.stop()


def world_template(factory: pytest.TempPathFactory) -> Path:
    """The world in a SQLite file of its own, for each test to copy (building it costs seconds,
    a copy nothing)."""
    folder = factory.mktemp("world")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SEOLOG_HOME", str(folder))
        for var in ("SEOLOG_DATABASE_URL", "SEOLOG_CONFIG", "CI"):
            mp.delenv(var, raising=False)
        build_world(Cli())
    return folder / "seolog.db"
