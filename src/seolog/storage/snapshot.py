"""A new SQLite store's schema, made in one transaction from a snapshot instead of by Alembic.

Why: every scan in a fresh SEOLOG_HOME (a CI job, a container, a cron run on a new machine)
paid ~0.6 s to import Alembic and replay every migration; the snapshot takes ~30 ms. It is the
schema the migrations make (`sqlite_master` of a store Alembic migrated to HEAD), written by
`python tools/schema_snapshot.py`; tests/storage/test_schema_snapshot.py
fails when a migration is added and the snapshot is not made again. A snapshot of another
revision than HEAD is never used (Alembic migrates then, as before); nor is it on PostgreSQL,
whose team database is created once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

SNAPSHOT = Path(__file__).parent / "schema_sqlite.json"


def load(path: Path = SNAPSHOT) -> tuple[str, list[str]]:
    """(revision, statements) of the snapshot: its tables and indexes, then its version row."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["revision"], list(data["statements"])


def is_empty(conn: Connection) -> bool:
    """Nothing at all in the file yet: no table, index or view of anyone's."""
    return conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() == 0


def create(conn: Connection, statements: list[str]) -> None:
    """Run the snapshot's statements in the caller's transaction: all of them or none."""
    for statement in statements:
        conn.exec_driver_sql(statement)


def dump(conn: Connection) -> dict[str, Any]:
    """The snapshot of the store `conn` is on: its schema as SQLite keeps it, in the order it
    was made (an index after its table), and the Alembic revision it is at."""
    revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    rows = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    statements = [row[0] for row in rows]
    statements.append(f"INSERT INTO alembic_version (version_num) VALUES ('{revision}')")
    return {"revision": revision, "statements": statements}
