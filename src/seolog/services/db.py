"""`seolog db`: look after the store."""

from __future__ import annotations

import stat
from pathlib import Path

from seolog.context import AppContext
from seolog.errors import StorageError, UsageError
from seolog.services.exclusive import exclusive_store
from seolog.storage import maintenance as m


def db_info(ctx: AppContext) -> m.DbInfo:
    return m.info(ctx.engine, ctx.db_url)


def db_vacuum(ctx: AppContext) -> tuple[int | None, int | None]:
    """The store's true sizes in bytes before and after (SQLite: its files with -wal and -shm;
    PostgreSQL: pg_database_size). None where the backend cannot say."""
    with exclusive_store(ctx, "vacuum the database"):
        before = m.size(ctx.engine, ctx.db_url)
        m.vacuum(ctx.engine)
        return before, m.size(ctx.engine, ctx.db_url)


def _check_target(target: Path, force: bool) -> None:
    """Where a backup may go: a new file in a folder that exists, or with --force a regular
    file. Never a device, pipe, socket, folder or symlink: `--force` onto /dev/null replaced
    the device with a regular file."""
    if not target.parent.is_dir():
        raise UsageError(
            f"no folder {target.parent} for the backup",
            hint=f"create it first (mkdir -p {target.parent}), or pick another path",
        )
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise UsageError(
            f"{target} exists and is not a regular file; a backup never replaces it",
            hint="give the path of a new file",
        )
    if not force:
        raise UsageError(
            f"{target} already exists", hint="pick another name, or pass --force to replace it"
        )


def db_backup(ctx: AppContext, target: Path, force: bool = False) -> m.DbInfo:
    _check_target(target, force)
    ctx.engine  # noqa: B018 - open (and migrate) the store first, so the backup has a schema
    path = m.sqlite_path(ctx.db_url)
    if path is not None and target.exists() and target.samefile(path):
        raise UsageError(
            f"{target} is the database itself", hint="write the backup to another file"
        )
    if path is not None:
        m.backup_sqlite(path, target)
    else:
        m.backup_postgres(ctx.db_url, target)
    return db_info(ctx)


def db_verify(ctx: AppContext, file: Path | None = None) -> str:
    """Check the store (or a backup `file`) end to end: SQLite's integrity_check over every
    page, and a schema this seolog can read. Returns the schema revision; StorageError (exit 5)
    naming what is wrong. PostgreSQL checks its own pages: there the store is opened and its
    schema read."""
    if file is not None:
        if not file.is_file():
            raise UsageError(f"no file at {file}", hint="check the path")
        return m.verify_sqlite(file)
    path = m.sqlite_path(ctx.db_url)
    if path is not None:
        if not path.is_file():
            raise UsageError(f"no database at {path}", hint="check --db / SEOLOG_DATABASE_URL")
        if path.stat().st_size == 0:
            raise StorageError(
                f"the database {path} is an empty file (0 bytes), not a seolog store",
                hint="restore a backup with `seolog db restore FILE --yes`",
            )
        return m.verify_sqlite(path, live=True)
    return db_info(ctx).revision or "none"


def db_restore(ctx: AppContext, backup: Path) -> None:
    if not backup.is_file():
        raise UsageError(f"no backup at {backup}", hint="check the path")
    path = m.sqlite_path(ctx.db_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)  # the lock files go beside the store
    with exclusive_store(ctx, "restore the database", open_first=False):
        if path is not None:
            ctx.close()  # no connection of ours may hold the file while it is replaced
            m.restore_sqlite(backup, path)
        else:
            m.restore_postgres(ctx.db_url, backup)
