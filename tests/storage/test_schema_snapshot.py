"""A new SQLite store is made from the schema snapshot, not by replaying every migration: the
same schema as Alembic makes (so the snapshot cannot drift from the migrations),
in one transaction, and only in a file that holds nothing yet."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from seolog.storage import snapshot
from seolog.storage.db import make_engine, migrate, migrate_with_alembic
from seolog.storage.migrations import HEAD

pytestmark = pytest.mark.sqlite_only  # the snapshot is SQLite's; PostgreSQL migrates by Alembic

ROOT = Path(__file__).resolve().parents[2]


def _schema(path: Path) -> list[tuple[str, object]]:
    """Tables, indexes and what each index covers. A table's lines are compared as a set:
    Alembic's batch migrations on SQLite write a table's constraints in an order that changes
    from run to run (and with it which UNIQUE gets which sqlite_autoindex name)."""
    found: list[tuple[str, object]] = []
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
        for kind, name, table, sql in rows.fetchall():
            if kind == "table":
                lines = sorted(line.strip().rstrip(",").strip() for line in sql.splitlines())
                indexes = sorted(
                    (unique, tuple(c[2] for c in db.execute(f"PRAGMA index_info('{index}')")))
                    for _seq, index, unique, *_rest in db.execute(f"PRAGMA index_list('{name}')")
                )
                found.append((name, (lines, indexes)))
            elif sql is not None:  # an index of its own (autoindexes are counted above)
                found.append((name, (kind, table, sql)))
    return found


def _version(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT version_num FROM alembic_version").fetchall()


def _open(path: Path, by_alembic: bool = False) -> None:
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate_with_alembic(engine) if by_alembic else migrate(engine)
    finally:
        engine.dispose()


def test_the_snapshot_is_the_schema_the_migrations_make(tmp_path: Path):
    """Fails after a new migration until `python tools/schema_snapshot.py` is run."""
    _open(tmp_path / "alembic.db", by_alembic=True)
    _open(tmp_path / "snapshot.db")
    assert snapshot.load()[0] == HEAD, "run: python tools/schema_snapshot.py"
    assert _schema(tmp_path / "snapshot.db") == _schema(tmp_path / "alembic.db"), (
        "run: python tools/schema_snapshot.py"
    )
    assert _version(tmp_path / "snapshot.db") == _version(tmp_path / "alembic.db") == [(HEAD,)]


def test_a_new_store_is_made_without_alembic(tmp_path: Path):
    probe = (
        "import sys; from seolog.storage.db import make_engine, migrate; "
        f"migrate(make_engine('sqlite:///{tmp_path / 'new.db'}')); "
        "print('alembic' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
    assert _version(tmp_path / "new.db") == [(HEAD,)]


def test_a_file_holding_a_table_of_its_own_is_not_given_the_snapshot(tmp_path: Path):
    """Not a store of ours (a table, no alembic_version): the snapshot would write beside what
    is there; Alembic migrates it as before, and whatever it holds stays."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
        db.execute("INSERT INTO notes VALUES ('kept')")
    _open(path)
    assert _version(path) == [(HEAD,)]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT body FROM notes").fetchall() == [("kept",)]


def test_a_snapshot_that_fails_halfway_leaves_the_file_empty(tmp_path: Path, monkeypatch):
    revision, statements = snapshot.load()
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps({"revision": revision, "statements": [*statements[:5], "CREATE TABLE ("]})
    )
    monkeypatch.setattr(snapshot, "SNAPSHOT", broken)
    monkeypatch.setattr(snapshot.load, "__defaults__", (broken,))
    path = tmp_path / "new.db"
    with pytest.raises(Exception, match="syntax error"):
        _open(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    monkeypatch.undo()
    _open(path)  # the next open makes the store whole
    assert _version(path) == [(HEAD,)]
