"""A store whose schema is current opens without Alembic (importing it cost every command about
a third of a second); an older store (and a new one on PostgreSQL) is still migrated, by Alembic, to the head revision
seolog knows without asking Alembic (`storage.migrations.HEAD`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from seolog.storage.db import MIGRATIONS_DIR, current_revision
from seolog.storage.migrations import HEAD, KNOWN_REVISIONS
from tests.migrations import upgrade_to

SITE = Path(__file__).resolve().parents[2] / "examples" / "site"
# Modules a JSON scan of a current store, of a site linking to no other host, does not need.
UNNEEDED = ("alembic", "aiohttp", "seolog.output.sarif", "seolog.output.github")

# `seolog scan` in this process, then the heavy modules it imported, as JSON on the last line.
PROBE = f"""
import json, runpy, sys
sys.argv = ["seolog", *sys.argv[1:]]
code = 0
try:
    runpy.run_module("seolog", run_name="__main__")
except SystemExit as e:
    code = e.code
print(json.dumps({{"exit": code, "imported": [m for m in {UNNEEDED!r} if m in sys.modules]}}))
"""


def _scan(env: dict[str, str], out: Path) -> dict[str, object]:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, "scan", str(SITE), "--format", "json", "--output", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert "Traceback" not in run.stderr, run.stderr
    result: dict[str, object] = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["exit"] in (0, None), run.stderr  # None: typer ended without a code
    assert json.loads(out.read_text())["scan"]["status"] == "completed"
    return result


def _revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def test_the_head_seolog_knows_is_alembics_head():
    """HEAD is written down so a current store is recognised without importing Alembic; this
    keeps it from drifting from the migration files."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_heads() == [HEAD]
    oldest_first = [s.revision for s in reversed(list(script.walk_revisions()))]
    assert tuple(oldest_first) == KNOWN_REVISIONS


@pytest.mark.blank_store  # on PostgreSQL too: an empty database, migrated by the first scan
def test_a_current_store_is_scanned_without_alembic_or_other_unneeded_modules(
    seolog_env, store_url, tmp_path
):
    first = _scan(seolog_env, tmp_path / "first.json")
    # A new store: migrated by Alembic on PostgreSQL; on SQLite made from the schema snapshot
    # (tests/storage/test_schema_snapshot.py).
    assert ("alembic" in first["imported"]) == store_url.startswith("postgresql")
    assert _revision(store_url) == HEAD
    again = _scan(seolog_env, tmp_path / "again.json")
    assert again["imported"] == []


@pytest.mark.blank_store
def test_an_older_store_is_migrated_before_the_scan(seolog_env, home, store_url, tmp_path):
    home.mkdir(parents=True, exist_ok=True)  # the store of an older seolog, one revision back
    upgrade_to(store_url, KNOWN_REVISIONS[-2])
    assert _revision(store_url) == KNOWN_REVISIONS[-2]
    migrated = _scan(seolog_env, tmp_path / "scan.json")
    assert "alembic" in migrated["imported"]
    assert _revision(store_url) == HEAD
    assert _scan(seolog_env, tmp_path / "again.json")["imported"] == []
