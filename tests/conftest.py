"""Shared fixtures: a private SEOLOG_HOME, a CLI runner through the real error funnel, and
fixture websites served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from tests.server import FixtureServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_SITE = ROOT / "examples" / "site"


# The store the tests run against: SQLite files by default; `--db-backend postgresql` runs them
# on PostgreSQL (a fresh database per test) at SEOLOG_TEST_POSTGRES, as .ci/run does.
PG_ADMIN_DEFAULT = "postgresql+psycopg://seolog@127.0.0.1:54329/postgres"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db-backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="run the store-facing tests on this backend (postgresql: see SEOLOG_TEST_POSTGRES)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--db-backend") == "postgresql":
        skips = {
            "sqlite_only": "tests a SQLite-only feature (file, pragmas or file locks)",
            "store_agnostic": "does not exercise the store; the SQLite run covers it",
        }
    else:
        skips = {"postgresql_only": "tests a PostgreSQL feature: run with --db-backend postgresql"}
    for item in items:
        for marker, reason in skips.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


def _create_database(admin_url: str, name: str, template: str | None = None) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        copy = f' TEMPLATE "{template}"' if template else ""
        if template and conn.dialect.server_version_info >= (15,):
            # A copy of the files: 35 ms a test here against 113 ms for 15's default WAL_LOG,
            # which writes every block of the template to the WAL (PostgreSQL's own advice for
            # small templates). A test database is thrown away: its WAL is of no use.
            copy += " STRATEGY FILE_COPY"
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return str(make_url(admin_url).set(database=name).render_as_string(hide_password=False))


def _drop_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """On SQLite, one store migrated once, copied into each test's SEOLOG_HOME as seolog would
    leave it on first use (folder 0700, file 0600): migrating a new store costs a test ~0.2 s of
    CPU, and most tests start with one. `blank_store` tests start with no store, as a new user
    does (first use, migrations)."""
    from seolog.storage.db import open_store

    folder = tmp_path_factory.mktemp("sqlite-template")
    open_store(f"sqlite:///{folder / 'seolog.db'}").dispose()
    return folder / "seolog.db"


def _copy_store(template: Path, home: Path) -> None:
    home.mkdir(mode=0o700, parents=True)
    database = home / "seolog.db"
    shutil.copyfile(template, database)
    database.chmod(0o600)


@pytest.fixture(scope="session")
def pg_template(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """On PostgreSQL, one database migrated once, copied for each test (CREATE DATABASE …
    TEMPLATE): a copy takes a fraction of running the migrations again."""
    if request.config.getoption("--db-backend") != "postgresql":
        yield None
        return
    from seolog.storage.db import open_store

    admin_url = os.environ.get("SEOLOG_TEST_POSTGRES", PG_ADMIN_DEFAULT)
    name = f"seolog_template_{uuid.uuid4().hex[:12]}"
    open_store(_create_database(admin_url, name)).dispose()
    yield name
    _drop_database(admin_url, name)


def _fresh_postgres(request: pytest.FixtureRequest, template: str | None) -> str:
    """A database of this test's own: a migrated copy, or empty for `blank_store` tests (the
    ones about first use and migrations)."""
    admin_url = os.environ.get("SEOLOG_TEST_POSTGRES", PG_ADMIN_DEFAULT)
    name = f"seolog_test_{uuid.uuid4().hex[:12]}"
    blank = request.node.get_closest_marker("blank_store") is not None
    url = _create_database(admin_url, name, None if blank else template)
    request.addfinalizer(lambda: _drop_database(admin_url, name))
    return url


def _test_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A keyring of this test's own, in this process and in the seolog processes it starts."""
    import keyring

    from tests.keyring_backend import FILE_ENV, FileKeyring

    monkeypatch.setenv(FILE_ENV, str(tmp_path / "keyring.json"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.keyring_backend.FileKeyring")
    monkeypatch.setattr(keyring.core, "_keyring_backend", FileKeyring())


_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


@pytest.fixture(autouse=True, scope="session")
def no_internet() -> Iterator[None]:
    """No test resolves a name on the internet: a host other than the loopback fails as an
    unknown name does, here and on a CI machine with a network alike."""
    import socket

    real = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        name = name.lower().rstrip(".")
        if (
            name
            and name not in _LOOPBACK_NAMES
            and not name.startswith("127.")
            and not (name.endswith(".localhost"))
        ):
            raise socket.gaierror(socket.EAI_NONAME, f"{name}: no internet in the test suite")
        return real(host, *args, **kwargs)

    socket.getaddrinfo = loopback_only
    yield
    socket.getaddrinfo = real


@pytest.fixture(autouse=True)
def home(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    pg_template: str | None,
    sqlite_template: Path,
) -> Path:
    """Every test gets its own SEOLOG_HOME (and, on PostgreSQL, its own database): no test
    touches the real home directory or another test's data."""
    h = tmp_path / "seolog-home"
    monkeypatch.setenv("SEOLOG_HOME", str(h))
    for var in (
        "SEOLOG_DATABASE_URL",
        "SEOLOG_AUTH",
        "SEOLOG_API_KEY",
        "SEOLOG_API_URL",
        "CI",
        "NO_COLOR",
    ):
        monkeypatch.delenv(var, raising=False)
    for var in list(os.environ):  # scan and gate settings of the machine the tests run on
        if var.startswith(("SEOLOG_SCAN_", "SEOLOG_GATES_", "SEOLOG_CONFIG")):
            monkeypatch.delenv(var)
    if request.node.get_closest_marker("external") is None:
        # Links to other hosts in fixtures (example.com, the real sites' python.org …) are never
        # checked: no test reaches the internet. The site's own resources still are. Tests of
        # the external checks are marked `external`, and use other ports of 127.0.0.1.
        monkeypatch.setenv("SEOLOG_SCAN_EXTERNAL_SKIP", "*")
    _test_keyring(tmp_path, monkeypatch)
    if request.config.getoption("--db-backend") == "postgresql":
        monkeypatch.setenv("SEOLOG_DATABASE_URL", _fresh_postgres(request, pg_template))
    elif request.node.get_closest_marker("blank_store") is None:
        _copy_store(sqlite_template, h)
    return h


@pytest.fixture
def store_url(home: Path) -> str:
    """The database URL the commands of this test use."""
    return os.environ.get("SEOLOG_DATABASE_URL") or f"sqlite:///{home / 'seolog.db'}"


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
    # The checkout's root too: the test keyring backend lives in tests/.
    path = os.pathsep.join(p for p in (src, str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "SEOLOG_HOME": str(home), "PYTHONPATH": path}


def run_seolog(env: dict[str, str], *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    """`python -m seolog ARGS` as a real process (env: `seolog_env`), its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "seolog", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=kw.pop("timeout", 120),
        **kw,
    )


def interruptible() -> None:
    """`preexec_fn` for a seolog process a test will Ctrl-C: give it the default SIGINT action.
    A test run started in the background (`cmd &` in a script) has SIGINT ignored, the child
    inherits that, and Python then installs no KeyboardInterrupt handler at all."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def db(store_url: str) -> Any:
    """Run raw SQL against the test's store, to check what a scan really stored."""

    def query(sql: str, **params: Any) -> list[Any]:
        engine = create_engine(store_url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(sql), params))
        finally:
            engine.dispose()

    return query


@pytest.fixture
def sql(store_url: str) -> Any:
    """Change the test's store directly (e.g. move a scan a month back in time)."""

    def run(statement: str, **params: Any) -> None:
        engine = create_engine(store_url)
        try:
            with engine.begin() as conn:
                conn.execute(text(statement), params)
        finally:
            engine.dispose()

    return run
