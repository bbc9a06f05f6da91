"""Drain the outbox: send each queued page, record each step as it lands, stop cleanly on trouble.

A page takes two requests (the page, then its SEO data). A few sender threads make them; the
main thread writes each page's outcome to the store as it lands, so a crash costs at most the
pages in flight, which the next run sends again: the platform upserts by post id, so a repeated
request updates instead of duplicating.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
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
    def sent(self, done: list[tuple[Item, int]]) -> None: ...
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


@dataclass
class Outcome:
    """What a sender thread made of one item; the store is written from the main thread only."""

    item: Item
    page_id: int | None = None
    created: bool = False
    error: SyncError | None = None
    crash: Exception | None = None  # a bug: raised in the main thread, never a silent hang


def _send(item: Item, client: PlatformClient, policy: Policy) -> Outcome:
    """The page, then its SEO data. Not recorded in between: if the process dies there, the page
    is sent again next time, which the platform's upsert turns into an update."""
    out = Outcome(item, item.platform_page_id if item.state == "page-sent" else None)
    try:
        if out.page_id is None:
            out.page_id, out.created = call(lambda: client.sync_page(item.page), policy)
        try:
            call(lambda: client.sync_seo_data(out.page_id or 0, item.seo_data), policy)
        except Refused as e:
            if e.status != 404 or item.state != "page-sent":
                raise
            # The page was sent in an earlier run and the platform has lost it since (deleted on
            # the dashboard): send it again, once, and its SEO data to the new id.
            out.page_id, out.created = call(lambda: client.sync_page(item.page), policy)
            call(lambda: client.sync_seo_data(out.page_id or 0, item.seo_data), policy)
    except SyncError as e:
        out.error = e
    return out


def _queued(outbox: Outbox) -> Iterator[Item]:
    after = 0
    while batch := outbox.next_items(after, BATCH):
        for item in batch:
            after = item.id
            yield item


def drain(
    outbox: Outbox,
    client: PlatformClient,
    policy: Policy,
    progress: Callable[[Tally], None] | None = None,
    workers: int = 4,
) -> Tally:
    """Send everything queued, oldest first, `workers` pages at a time. Raises the SyncError that
    stopped it (noted on the row it was sending) once the pages in flight are settled; whatever
    was not sent stays queued."""
    tally = Tally()
    todo: queue.Queue[Item | None] = queue.Queue()
    done: queue.Queue[Outcome] = queue.Queue()
    stop = threading.Event()

    def sender() -> None:
        while (item := todo.get()) is not None:
            if stop.is_set():
                done.put(Outcome(item))  # not tried
                continue
            try:
                out = _send(item, client, policy)
            except Exception as e:  # a dead sender would leave the main thread waiting forever
                out = Outcome(item, crash=e)
            if out.crash is not None or (
                out.error is not None and not isinstance(out.error, Refused)
            ):
                stop.set()  # at once: no sender starts another page after this
            done.put(out)

    # Daemon threads: after Ctrl-C the process must not wait for a request that hangs.
    threads = [threading.Thread(target=sender, daemon=True) for _ in range(max(1, workers))]
    for t in threads:
        t.start()
    error: SyncError | None = None
    in_flight = 0
    try:
        for item in _queued(outbox):
            while in_flight >= 2 * len(threads):
                settled, error = _settle(_landed(done), outbox, tally, error, progress)
                in_flight -= settled
            if error is not None:
                stop.set()
                break
            todo.put(item)
            in_flight += 1
        while in_flight:
            settled, error = _settle(_landed(done), outbox, tally, error, progress)
            in_flight -= settled
    finally:
        stop.set()
        for _ in threads:
            todo.put(None)
    if error is not None:
        raise error
    return tally


def _landed(done: queue.Queue[Outcome]) -> list[Outcome]:
    """The next outcome, waiting for it, and every other one already there: recorded together
    in one transaction (the pages in it were sent; losing the record only means a re-send)."""
    landed = [done.get()]
    while True:
        try:
            landed.append(done.get_nowait())
        except queue.Empty:
            return landed


def _settle(
    outcomes: list[Outcome],
    outbox: Outbox,
    tally: Tally,
    error: SyncError | None,
    progress: Callable[[Tally], None] | None,
) -> tuple[int, SyncError | None]:
    """Record outcomes; returns how many, and the error that stops the run, if any yet."""
    sent: list[tuple[Item, int]] = []
    created = 0
    for out in outcomes:
        if out.crash is not None:
            outbox.sent(sent)  # what did land is kept
            raise out.crash
        e = out.error
        if e is None and out.page_id is not None:
            sent.append((out.item, out.page_id))
            created += out.created
        elif isinstance(e, Refused):
            outbox.failed(out.item, e.message)
            tally.failed += 1
        elif e is not None:
            if out.page_id is not None and out.page_id != out.item.platform_page_id:
                outbox.page_sent(out.item, out.page_id)  # the next run starts at the SEO data
            outbox.trouble(out.item, e.message)
            error = error or e
    outbox.sent(sent)
    # Counted once recorded: the numbers a run reports always match what the store says.
    tally.created += created
    tally.updated += len(sent) - created
    if progress is not None:
        progress(tally)
    return len(outcomes), error
