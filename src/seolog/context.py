"""AppContext: what every command needs, built once by the CLI and swapped by tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from seolog.config import database_url

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class AppContext:
    db_url: str = field(default_factory=database_url)
    clock: Callable[[], datetime] = _now
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The store, opened and migrated on first use so `--help` never touches the database."""
        if self._engine is None:
            from seolog.storage.db import open_store

            self._engine = open_store(self.db_url)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
