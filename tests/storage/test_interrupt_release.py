"""Ctrl-C in the middle of a query must not leave the store locked for the interrupted
process's own last write: the one that marks a scan interrupted, or counts a sync queue
(the CI failure "database is locked" on Ctrl-C during a scan's site checks).

Whether the lock shows up without the release depends on the SQLAlchemy version (2.1 keeps the
interrupted connection alive through the traceback's frames, 2.0.30 closes it), so the test
asserts only what a user sees: the write after the interrupt is stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from seolog.storage import db as storage
from seolog.storage.db import release_interrupted, session_scope

pytestmark = pytest.mark.sqlite_only


def _store(path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    # Short busy timeout: a lock that is never released fails in half a second, not ten.
    monkeypatch.setattr(storage, "SQLITE_BUSY_TIMEOUT_MS", 500)
    engine = storage.make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE pages (id INTEGER PRIMARY KEY, score INTEGER)")
        conn.exec_driver_sql(
            "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 3000) "
            "INSERT INTO pages (score) SELECT NULL FROM r"
        )
    return engine


def _interrupted_mid_query(engine: Any) -> KeyboardInterrupt:
    """A unit of work that writes, iterates a query in chunks (as the site checks and scores
    do) and is hit by Ctrl-C inside its next query."""
    armed: list[bool] = []

    @event.listens_for(engine, "before_cursor_execute")
    def ctrl_c(*_args: Any) -> None:
        if armed:
            armed.clear()
            raise KeyboardInterrupt

    def chunks(session: Any) -> Iterator[Any]:
        yield from session.execute(text("SELECT id FROM pages"))

    try:
        with session_scope(engine) as session:
            session.execute(text("UPDATE pages SET score = 100 WHERE id = 1"))
            pages = chunks(session)
            next(pages)
            armed.append(True)
            session.execute(text("UPDATE pages SET score = 90 WHERE id = 2"))
    except KeyboardInterrupt as e:
        return e
    raise AssertionError("the interrupt did not reach the unit of work")


def _mark(engine: Any) -> None:
    with session_scope(engine) as session:
        session.execute(text("UPDATE pages SET score = 0 WHERE id = 3"))


def test_the_write_after_an_interrupt_mid_query_is_not_locked_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _store(tmp_path / "seolog.db", monkeypatch)
    interrupt = _interrupted_mid_query(engine)
    release_interrupted(engine, interrupt)
    _mark(engine)
    with engine.connect() as conn:
        scores = dict(conn.execute(text("SELECT id, score FROM pages WHERE id <= 3")).all())
    # The interrupted unit of work stored nothing; the mark after it is stored.
    assert scores == {1: None, 2: None, 3: 0}
