"""The store: migrations applied on first use, schema matches the models, SQLite pragmas."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from seolog.storage import models  # noqa: F401
from seolog.storage.db import MIGRATIONS_DIR, current_revision, open_store
from seolog.storage.migrations import HEAD, KNOWN_REVISIONS


def test_first_use_creates_the_schema_at_head(tmp_path: Path):
    (tmp_path / "new").mkdir()  # only the default store's folder is created (test_mistakes.py)
    engine = open_store(f"sqlite:///{tmp_path}/new/seolog.db")
    assert (tmp_path / "new" / "seolog.db").exists()
    assert current_revision(engine) == HEAD
    assert {"sites", "scans", "pages", "links"} <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_migrations_match_the_models(tmp_path: Path):
    """A model change without a migration fails here, before it reaches a user's database."""
    engine = open_store(f"sqlite:///{tmp_path}/seolog.db")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
    engine.dispose()


def test_known_revisions_list_every_migration_file():
    files = sorted(p.name.split("_")[0] for p in (MIGRATIONS_DIR / "versions").glob("*.py"))
    assert tuple(files) == KNOWN_REVISIONS


def test_reopening_does_not_migrate_again(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/seolog.db"
    open_store(url).dispose()
    engine = open_store(url)
    assert current_revision(engine) == HEAD
    engine.dispose()


@pytest.mark.blank_store
def test_migrations_match_the_models_on_the_test_backend(cli, store_url):
    """The same check on the backend under test (PostgreSQL with --db-backend postgresql)."""
    from sqlalchemy import create_engine

    assert cli("sites", "list").exit_code == 0  # migrates the store
    engine = create_engine(store_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
        assert current_revision(engine) == HEAD
    engine.dispose()


@pytest.mark.sqlite_only
def test_a_new_store_is_private_to_its_owner(cli, home):
    import stat

    assert cli("sites", "add", "https://www.acme.example", "--name", "acme").exit_code == 0
    for path in [home / "seolog.db", *home.glob("seolog.db-*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path.name} is {oct(mode)}"
    assert stat.S_IMODE(home.stat().st_mode) & 0o077 == 0
