"""Jobs that need the store alone: restore, vacuum, prune and deletes never run under a scan.

A restore under a running scan pulled its rows away (the scan then died on a foreign key, and
seolog called it a bug). These jobs take the store lock every scan holds shared, and refuse at
once, naming the scan that runs, rather than wait an unknown time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from seolog.context import AppContext
from seolog.domain import ScanStatus
from seolog.errors import StorageError
from seolog.storage import repo
from seolog.storage.db import read_scope
from seolog.storage.lock import StoreBusy, scan_is_held, store_exclusive_lock


def _busy(ctx: AppContext, job: str) -> StorageError:
    """Who holds the store: the first scan that is really being crawled (a `running` row a
    killed process left behind holds no lock), else another restore, vacuum or prune."""
    try:
        with read_scope(ctx.engine) as session:
            running = repo.scans_with_status(session, ScanStatus.RUNNING.value)
    except StorageError:  # a store too damaged to read: the plain refusal says enough
        running = []
    for scan, site in running:
        if scan_is_held(ctx.db_url, scan.id or 0):
            return StoreBusy(
                f"cannot {job} while scan {scan.id} of {site.name} is running",
                hint=f"let it finish, or stop it with Ctrl-C (then `seolog scan --resume "
                f"{scan.id}`), and run this again",
            )
    return StoreBusy(
        f"cannot {job} while another seolog process is using the store",
        hint="a scan is starting, or a restore, vacuum or prune runs: wait, and run this again",
    )


@contextmanager
def exclusive_store(ctx: AppContext, job: str, open_first: bool = True) -> Iterator[None]:
    """Hold the store for `job` (e.g. "vacuum the database"); StoreBusy (exit 5) while a scan
    or another such job runs. The store is opened first (its errors, a --db in a missing
    folder say, come before any about its locks), except for a restore (`open_first=False`),
    which must work on a damaged store."""
    if open_first:
        ctx.engine  # noqa: B018
    with ExitStack() as held:
        try:
            held.enter_context(store_exclusive_lock(ctx.db_url, StoreBusy(job)))
        except StoreBusy as e:
            raise _busy(ctx, job) from e
        yield
