"""Drain the outbox: send each queued page, record each step as it lands, stop cleanly on trouble.

A page takes two requests (the page, then its SEO data), and each success is written to the store
before the next request goes out, so a crash between them costs at most one repeated upsert.
The platform upserts by post id, so a repeated request updates instead of duplicating.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from seolog.errors import SyncError
from seolog.sync.client import PlatformClient, RateLimited, Refused, Transient

T = TypeVar("T")
BATCH = 200  # outbox rows read at a time


@dataclass
class Item:
    """An outbox row, as the drain sees it."""

    id: int
    url: str
    state: str  # pending | page-sent
    page: dict[str, Any]
    seo_data: dict[str, Any]
    platform_page_id: int | None = None


class Outbox(Protocol):
    """The store's side of the drain: every method commits before it returns."""

    def next_items(self, after_id: int, limit: int) -> list[Item]: ...
    def page_sent(self, item: Item, page_id: int) -> None: ...
    def sent(self, item: Item, page_id: int) -> None: ...
    def failed(self, item: Item, error: str) -> None: ...
    def trouble(self, item: Item, error: str) -> None: ...


@dataclass
class Policy:
    """How long to keep trying. A platform that asks to wait longer than `max_wait`, or keeps
    failing, is left alone: the outbox keeps the rest for `seolog sync retry`."""

    waits: int = 5  # 429/503 answers for one request before giving up
    max_wait: float = 120.0  # seconds; a longer Retry-After stops the run instead of hanging it
    retries: int = 3  # further tries after a 5xx, a timeout or a dropped connection
    backoff: float = 1.0  # seconds before the first retry, doubling after each
    sleep: Callable[[float], None] = field(default=time.sleep)


@dataclass
class Tally:
    created: int = 0  # pages new to the platform
    updated: int = 0  # pages it already had
    failed: int = 0  # pages it refused (kept, marked failed)

    @property
    def sent(self) -> int:
        return self.created + self.updated


def call(fn: Callable[[], T], policy: Policy) -> T:
    """Run one request, waiting and retrying while the trouble is worth waiting out."""
    waits = tries = 0
    while True:
        try:
            return fn()
        except RateLimited as e:
            waits += 1
            delay = (
                e.retry_after if e.retry_after is not None else policy.backoff * 2 ** (waits - 1)
            )
            if waits > policy.waits or delay > policy.max_wait:
                raise
            policy.sleep(delay)
        except Transient:
            tries += 1
            if tries > policy.retries:
                raise
            policy.sleep(policy.backoff * 2 ** (tries - 1))


def drain(
    outbox: Outbox,
    client: PlatformClient,
    policy: Policy,
    progress: Callable[[Tally], None] | None = None,
) -> Tally:
    """Send everything queued, oldest first. Raises the SyncError that stopped it (after noting
    it on the row it was sending); whatever was not sent stays queued."""
    tally = Tally()
    after = 0
    while batch := outbox.next_items(after, BATCH):
        for item in batch:
            after = item.id
            try:
                _send(item, outbox, client, policy, tally)
            except Refused as e:
                outbox.failed(item, e.message)
                tally.failed += 1
            except SyncError as e:
                outbox.trouble(item, e.message)
                raise
            if progress is not None:
                progress(tally)
    return tally


def _send(item: Item, outbox: Outbox, client: PlatformClient, policy: Policy, tally: Tally) -> None:
    created = False
    page_id = item.platform_page_id
    if item.state == "pending" or page_id is None:
        page_id, created = call(lambda: client.sync_page(item.page), policy)
        outbox.page_sent(item, page_id)
    try:
        call(lambda: client.sync_seo_data(page_id, item.seo_data), policy)
    except Refused as e:
        if e.status != 404 or item.state == "pending":
            raise
        # The page was sent in an earlier run and the platform has lost it since (deleted on the
        # dashboard): send it again, once, and its SEO data to the new id.
        page_id, created = call(lambda: client.sync_page(item.page), policy)
        outbox.page_sent(item, page_id)
        call(lambda: client.sync_seo_data(page_id, item.seo_data), policy)
    outbox.sent(item, page_id)
    if created:
        tally.created += 1
    else:
        tally.updated += 1
