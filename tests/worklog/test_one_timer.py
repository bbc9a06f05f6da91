"""One running timer, kept by the database: six `logs start` at once (real processes, on the
backend under test: PostgreSQL in its CI pass) leave exactly one timer and five clear refusals;
migration 0010 keeps the oldest of timers a store already held twice."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from seolog.errors import ExitCode
from seolog.storage.db import migrate
from tests.migrations import upgrade_to

# Each process imports seolog, opens the store, then waits for the others before running the
# real command: without the barrier, a second of imports apart, they never meet.
AT_ONCE = """
import runpy, sys, time
from pathlib import Path
from seolog.cli import app, logs  # noqa: F401 - the imports, done before the barrier
from seolog.context import AppContext
AppContext().engine  # the store open and migrated too
go = Path(sys.argv[1])
Path(sys.argv[2]).touch()
while not go.exists():
    time.sleep(0.001)
sys.argv = ["seolog", *sys.argv[3:]]
runpy.run_module("seolog", run_name="__main__")
"""


def test_six_concurrent_starts_leave_one_timer(
    cli, seolog_env: dict[str, str], db, tmp_path: Path
) -> None:
    assert cli("sites", "add", "https://www.acme.example", "--name", "acme").exit_code == 0
    go = tmp_path / "go"

    def start(i: int) -> list[str]:
        return ["logs", "start", f"Task {i}", "--site", "acme"]

    procs = [
        subprocess.Popen(
            [sys.executable, "-c", AT_ONCE, str(go), str(tmp_path / f"ready{i}"), *start(i)],
            env=seolog_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(6)
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready*"))) < 6 and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    results = [(p.wait(timeout=120), p.communicate()[1]) for p in procs]
    codes = sorted(code for code, _err in results)
    assert codes == [0, *[ExitCode.USAGE] * 5], results
    for code, err in results:
        assert "Traceback" not in err and "bug" not in err
        if code:
            assert "a timer of yours is already running" in err or "at the same moment" in err, err
    assert len(db("SELECT id FROM timers")) == 1
    (winner,) = [i for i, (code, _err) in enumerate(results) if code == 0]
    assert f"Task {winner}" in cli("logs", "status").stdout


@pytest.mark.sqlite_only  # the same SQL on both; this one starts from an old SQLite store
def test_migration_keeps_the_oldest_of_duplicate_timers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEOLOG_USER", "upgrader")
    url = f"sqlite:///{tmp_path}/seolog.db"
    upgrade_to(url, "0009")
    engine = create_engine(url)
    with engine.begin() as conn:
        for i, started in enumerate(("09:00", "09:01", "08:59"), start=1):
            conn.execute(
                text("INSERT INTO timers (id, started_at, entry) VALUES (:i, :s, :e)"),
                {"i": i, "s": f"2026-11-01 {started}:00.000000", "e": f'{{"description": "t{i}"}}'},
            )
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, author FROM timers")).all()
    # the one `logs status` and `logs stop` showed, now the timer of whoever upgraded (0011)
    assert [tuple(r) for r in rows] == [(1, "upgrader")]
    with pytest.raises(Exception, match="UNIQUE"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO timers (started_at, entry, author) VALUES ('2026-11-01', '{}', 'upgrader')"
            )
        )
    engine.dispose()
