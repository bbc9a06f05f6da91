"""The global flags every command sees (ctx.obj), apart from the root app so command modules do
not import the module that mounts them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seolog.context import AppContext


@dataclass
class State:
    """Global flags plus the AppContext, shared with every command through ctx.obj. The root's
    options fill it; the same options typed after a command update it (the later one wins, see
    cli/tree.py), before the command runs and before `app` is first built."""

    db: str | None = None
    config: Path | None = None
    quiet: bool = False
    debug: bool = False
    no_color: bool = False
    _app: AppContext | None = field(default=None, repr=False)

    @property
    def app(self) -> AppContext:
        """The store and environment, built on first use so `--help` never opens a database."""
        if self._app is None:
            from seolog.config import database_url
            from seolog.context import AppContext

            self._app = AppContext(db_url=database_url(self.db))
        return self._app
