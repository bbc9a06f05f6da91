"""A team database's password stays out of other users' sight: pg_dump and pg_restore get it in
their environment, never in argv (which `ps` shows every local user), and no crontab line holds
it. Run against the real PostgreSQL server, with a role that has a password."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from seolog.errors import ExitCode
from tests.conftest import run_seolog

pytestmark = pytest.mark.postgresql_only

PASSWORD = "s3cret-Pw-" + uuid.uuid4().hex[:8]


@pytest.fixture
def password_url(store_url: str) -> Iterator[str]:
    """The test's database, reached as a role of its own that logs in with PASSWORD."""
    role = f"seolog_pw_{uuid.uuid4().hex[:8]}"
    admin = create_engine(store_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        owner = conn.execute(text("SELECT current_user")).scalar_one()
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'"))
        conn.execute(text(f'GRANT "{owner}" TO {role}'))  # the tables' privileges
    yield (
        make_url(store_url)
        .set(username=role, password=PASSWORD)
        .render_as_string(hide_password=False)
    )
    with admin.connect() as conn:
        conn.execute(text(f'REASSIGN OWNED BY {role} TO "{owner}"'))
        conn.execute(text(f"DROP OWNED BY {role}"))
        conn.execute(text(f"DROP ROLE {role}"))
    admin.dispose()


def _spying_path(tmp_path: Path) -> tuple[str, Path]:
    """A PATH whose pg_dump and pg_restore log their argv and whether PGPASSWORD is set (not
    its value), then run the real tool."""
    spies, log = tmp_path / "spies", tmp_path / "argv.log"
    spies.mkdir()
    for tool in ("pg_dump", "pg_restore"):
        real = shutil.which(tool)
        assert real is not None, f"{tool} is needed for this test"
        script = spies / tool
        script.write_text(
            "#!/bin/sh\n"
            f'printf "%s\\n" "{tool} $* PGPASSWORD=${{PGPASSWORD:+set}}" >> {log}\n'
            f'exec {real} "$@"\n'
        )
        script.chmod(0o755)
    return f"{spies}{os.pathsep}{os.environ['PATH']}", log


def test_pg_dump_and_pg_restore_never_see_the_password_in_argv(
    password_url: str, seolog_env: dict[str, str], tmp_path: Path
) -> None:
    path, log = _spying_path(tmp_path)
    env = {**seolog_env, "SEOLOG_DATABASE_URL": password_url, "PATH": path}
    backup = tmp_path / "team.dump"

    def seolog(*args: str) -> subprocess.CompletedProcess[str]:
        return run_seolog(env, *args)

    assert seolog("sites", "add", "https://a.example", "--name", "a").returncode == 0
    done = seolog("db", "backup", str(backup))
    assert done.returncode == 0, done.stderr
    done = seolog("db", "restore", str(backup), "--yes")
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert [c.split()[0] for c in calls] == ["pg_dump", "pg_restore", "pg_restore"]
    assert all(PASSWORD not in c for c in calls), calls
    # The password reached the tools that connect, through their environment.
    assert calls[0].endswith("PGPASSWORD=set") and calls[2].endswith("PGPASSWORD=set")
    assert PASSWORD not in done.stdout + done.stderr


def test_no_crontab_line_holds_the_password(
    password_url: str, seolog_env: dict[str, str], tmp_path: Path
) -> None:
    crontab = tmp_path / "crontab"
    env = {**seolog_env, "SEOLOG_DATABASE_URL": password_url, "SEOLOG_CRONTAB_FILE": str(crontab)}
    run = [sys.executable, "-m", "seolog"]
    assert subprocess.run([*run, "sites", "add", "https://a.example", "--name", "a"], env=env)
    done = subprocess.run(
        [*run, "schedule", "add", "a", "--every", "daily", "--at", "03:00"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert ".pgpass" in done.stderr and PASSWORD not in done.stderr
    assert not crontab.exists() or PASSWORD not in crontab.read_text()
