"""Buffer crawled pages and save them in batches, so the store is never far behind the crawl."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from seolog.domain import CrawledPage, ResourceCheck
from seolog.storage import repo

# Pages per transaction: big enough for bulk-insert speed, small enough to lose little on a crash.
WRITE_BATCH = 200


class PageWriter:
    """The crawl's sink. `written` counts every page of the scan saved so far (by any page
    worker: as of this writer's last batch)."""

    def __init__(self, engine: Engine, scan_id: int, pages_before: int = 0) -> None:
        self.engine = engine
        self.scan_id = scan_id
        self.written = pages_before
        self._buffer: list[CrawledPage] = []
        self._checked: list[ResourceCheck] = []

    def __call__(self, page: CrawledPage) -> None:
        self._buffer.append(page)
        if len(self._buffer) >= WRITE_BATCH:
            self.flush()

    def resources(self, checks: list[ResourceCheck]) -> None:
        """Checked resources: saved with the next batch of pages, or alone once enough wait."""
        self._checked.extend(checks)
        if len(self._checked) >= WRITE_BATCH:
            self._save_resources()

    def _save_resources(self) -> None:
        if self._checked:
            batch, self._checked = self._checked, []
            repo.save_resources(self.engine, self.scan_id, batch)

    def flush(self) -> int:
        self._save_resources()
        if self._buffer:
            batch, self._buffer = self._buffer, []
            self.written = repo.save_pages(self.engine, self.scan_id, batch)
        return self.written


def open_writer(db_url: str, scan_id: int, pages_before: int) -> PageWriter:
    """A writer with its own engine: what the page worker process builds on start.

    The schema is already migrated by the process that created the scan.
    """
    from seolog.storage.db import make_engine

    return PageWriter(make_engine(db_url), scan_id, pages_before)
