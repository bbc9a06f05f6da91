"""Move a store to one schema revision with alembic, as a store of that version would be: the
migration tests start from an old schema, fill it, and go up or down from there."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from seolog.storage.db import MIGRATIONS_DIR


def _step(engine_url: str, revision: str, down: bool) -> None:
    engine = create_engine(engine_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(cfg, revision)
    finally:
        engine.dispose()


def upgrade_to(engine_url: str, revision: str) -> None:
    _step(engine_url, revision, down=False)


def downgrade_to(engine_url: str, revision: str) -> None:
    _step(engine_url, revision, down=True)
