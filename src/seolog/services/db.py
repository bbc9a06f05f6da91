"""`seolog db`: look after the store."""

from __future__ import annotations

from pathlib import Path

from seolog.context import AppContext
from seolog.errors import UsageError
from seolog.storage import maintenance as m


def db_info(ctx: AppContext) -> m.DbInfo:
    return m.info(ctx.engine, ctx.db_url)


def db_vacuum(ctx: AppContext) -> tuple[int | None, int | None]:
    """The store's true sizes in bytes before and after (SQLite: its files with -wal and -shm;
    PostgreSQL: pg_database_size). None where the backend cannot say."""
    before = m.size(ctx.engine, ctx.db_url)
    m.vacuum(ctx.engine)
    return before, m.size(ctx.engine, ctx.db_url)


def db_backup(ctx: AppContext, target: Path, force: bool = False) -> m.DbInfo:
    if target.exists() and not force:
        raise UsageError(
            f"{target} already exists", hint="pick another name, or pass --force to replace it"
        )
    ctx.engine  # noqa: B018 - open (and migrate) the store first, so the backup has a schema
    path = m.sqlite_path(ctx.db_url)
    if path is not None:
        m.backup_sqlite(path, target)
    else:
        m.backup_postgres(ctx.db_url, target)
    return db_info(ctx)


def db_restore(ctx: AppContext, backup: Path) -> None:
    if not backup.is_file():
        raise UsageError(f"no backup at {backup}", hint="check the path")
    path = m.sqlite_path(ctx.db_url)
    if path is not None:
        ctx.close()  # no connection of ours may hold the file while it is replaced
        path.parent.mkdir(parents=True, exist_ok=True)
        m.restore_sqlite(backup, path)
    else:
        m.restore_postgres(ctx.db_url, backup)
