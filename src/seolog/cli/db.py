"""`seolog db …`: sizes and counts, vacuum, backup, verify and restore of the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from seolog.cli import options as o
from seolog.cli.state import State

app = typer.Typer(help="The database: info, vacuum, backup, verify, restore.", no_args_is_help=True)


def _size(n: int | None) -> str:
    """Bytes for people: KiB below a MiB, so a small store's change is visible."""
    if n is None:
        return "-"
    if n < 1024 * 1024:
        return f"{n / 1024:,.1f} KiB"
    return f"{n / 1024 / 1024:,.1f} MiB"


@app.command("info", epilog="Example: seolog db info --format json")
def info(ctx: typer.Context, fmt: o.FormatOpt = o.Format.table) -> None:
    """Where the store is, its schema version, its size and how many rows each table holds."""
    from seolog.cli import render
    from seolog.services.db import db_info

    state: State = ctx.obj
    d = db_info(state.app)
    if fmt is o.Format.json:
        render.emit_json(
            {
                "url": d.url,
                "backend": d.backend,
                "revision": d.revision,
                "bytes": d.bytes,
                "rows": d.rows,
            }
        )
        return
    render.fields(
        [
            ("Database", d.url),
            ("Backend", d.backend),
            ("Schema", d.revision),
            ("Size", _size(d.bytes)),
        ]
        + [(name.replace("_", " ").capitalize(), f"{n:,}") for name, n in d.rows.items()],
        state.no_color,
    )


@app.command("vacuum", epilog="Example: seolog scans prune --keep 5 --yes && seolog db vacuum")
def vacuum(ctx: typer.Context, fmt: o.FormatOpt = o.Format.table) -> None:
    """Give back the space of deleted scans and refresh the query planner's statistics.

    The sizes are the store's true sizes on disk: a SQLite file with its -wal and -shm files, or
    PostgreSQL's pg_database_size.
    """
    from seolog.cli import render
    from seolog.services.db import db_vacuum

    state: State = ctx.obj
    before, after = db_vacuum(state.app)
    if fmt is o.Format.json:
        freed = before - after if before is not None and after is not None else None
        render.emit_json({"bytes_before": before, "bytes_after": after, "bytes_freed": freed})
        return
    if before is not None and after is not None and after < before:
        change = f" ({_size(before - after)} freed)"
    else:
        change = " (nothing to give back)" if before is not None else ""
    render.note(
        f"Vacuumed: {_size(before)} → {_size(after)}{change}", state.quiet, state.no_color, "green"
    )


@app.command("backup", epilog="Example: seolog db backup ~/backups/seolog-$(date +%F).db")
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The backup file to write.", dir_okay=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """A consistent copy of the store, taken while it is in use, and checked after writing."""
    from seolog.cli import render
    from seolog.services.db import db_backup

    state: State = ctx.obj
    d = db_backup(state.app, file, force)
    if fmt is o.Format.json:
        render.emit_json(
            {"file": str(file), "bytes": file.stat().st_size, "rows": d.rows, "verified": True}
        )
        return
    render.note(
        f"Backed up to {file} ({_size(file.stat().st_size)}; {d.rows['scans']:,} scans, "
        f"{d.rows['log_entries']:,} log entries) and verified.",
        state.quiet,
        state.no_color,
        "green",
    )


@app.command("verify", epilog="Example: seolog db verify · seolog db verify ~/backups/seolog.db")
def verify(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(help="A backup to check instead of the store.", dir_okay=False),
    ] = None,
    fmt: o.FormatOpt = o.Format.table,
) -> None:
    """Check the store, or a SQLite backup, page by page: intact, and a schema this seolog reads.

    Exit 0 when it is; exit 5 with what is wrong (restore a backup with `seolog db restore`).
    """
    from seolog.cli import render
    from seolog.services.db import db_verify

    state: State = ctx.obj
    revision = db_verify(state.app, file)
    what = str(file) if file is not None else "The database"
    if fmt is o.Format.json:
        render.emit_json({"file": str(file) if file else None, "ok": True, "revision": revision})
        return
    render.note(f"{what} is intact (schema {revision}).", state.quiet, state.no_color, "green")


@app.command("restore", epilog="Example: seolog db restore ~/backups/seolog-2026-11-01.db --yes")
def restore(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="A backup made by `seolog db backup`.", dir_okay=False)
    ],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Replace the current store without asking.")
    ] = False,
) -> None:
    """Replace the current store with a backup (after checking the backup is intact)."""
    from seolog.cli import render
    from seolog.services.db import db_restore

    state: State = ctx.obj
    if not yes:
        render.confirm_or_abort(
            f"Replace the current database with {file}? Everything since that backup is lost."
        )
    db_restore(state.app, file)
    render.note(f"Restored {file}.", state.quiet, state.no_color, "green")
