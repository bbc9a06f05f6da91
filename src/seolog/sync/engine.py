"""Drain the outbox: send each queued page, record each step as it lands, stop cleanly on trouble.

A page takes two requests (the page, then its SEO data). A few sender threads make them; the
main thread writes each page's outcome to the store as it lands, so a crash costs at most the
pages in flight, which the next run sends again: the platform upserts by post id, so a repeated
request updates instead of duplicating.

A page the platform keeps failing on (a 5xx, a timeout or a dropped connection through all its
retries) is told apart from an outage by what the other pages meet; see `_Ledger`. The real
platform answers HTML 500 for some pages only (a URL too long for its column): one such page must
not stop every push.
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
# Pages failing one after another through their retries, none sent in between: an outage (unless
# a page sent earlier in the run goes through once more: then they are bad pages). Small, so a dead platform stops the run after a few pages; above 1, so one bad page
# never does.
OUTAGE_PAGES = 3


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

    def next_items(self, after_id: int, limit: int, troubled: bool = False) -> list[Item]: ...
    def page_sent(self, item: Item, page_id: int) -> None: ...
    def sent(self, done: list[tuple[Item, int]]) -> None: ...
    def failed(self, item: Item, error: str, page_id: int | None) -> None:
        """Set the row aside; `page_id`: the platform holds the page (its SEO data failed)."""
        ...

    def trouble(self, item: Item, error: str) -> None: ...


@dataclass
class Policy:
    """How long to keep trying. A platform that asks to wait longer than `max_wait`, or keeps
    failing across pages, is left alone: the outbox keeps the rest for `seolog sync retry`."""

    waits: int = 5  # 429/503 answers for one request before giving up
    max_wait: float = 120.0  # seconds; a longer Retry-After stops the run instead of hanging it
    retries: int = 3  # further tries after a 5xx, a timeout or a dropped connection
    backoff: float = 1.0  # seconds before the first retry, doubling after each
    sleep: Callable[[float], None] = field(default=time.sleep)


@dataclass
class Tally:
    created: int = 0  # pages new to the platform
    updated: int = 0  # pages it already had
    failed: int = 0  # pages it refused or kept failing on (kept, marked failed)

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
    outage: bool = False  # the last of `OUTAGE_PAGES` pages failing in a row, platform down
    alive: bool = False  # the same, but a page sent before went through again: their own trouble

    @property
    def sent(self) -> bool:
        return self.error is None and self.crash is None and self.page_id is not None


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
            out.page_id = None  # the old id is gone: never recorded as a page the platform holds
            out.page_id, out.created = call(lambda: client.sync_page(item.page), policy)
            call(lambda: client.sync_seo_data(out.page_id or 0, item.seo_data), policy)
    except SyncError as e:
        out.error = e
    return out


def _queued(outbox: Outbox) -> Iterator[Item]:
    """The queue, oldest first; rows that met trouble in an earlier run last, so pages the
    platform keeps failing on never stand before the others (and good pages sent first show
    the platform up when the troubled ones fail again)."""
    for troubled in (False, True):
        after = 0
        while batch := outbox.next_items(after, BATCH, troubled):
            for item in batch:
                after = item.id
                yield item


def _page_trouble(e: SyncError) -> bool:
    """A failure that may be this page's alone: a 5xx, a timeout or a dropped connection that
    outlasted its retries."""
    return isinstance(e, Transient) and not isinstance(e, RateLimited)


def _stops_all(e: SyncError | None) -> bool:
    """A rejected key, or a platform asking us to slow down, concerns every page: the run stops
    at once. A refused page, or trouble that may be the page's own, does not."""
    return e is not None and not isinstance(e, Refused) and not _page_trouble(e)


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
    ledger = _Ledger(outbox, progress)
    todo: queue.Queue[Item | None] = queue.Queue()
    landing = _Landing(lambda good: client.sync_page(good.page))

    def sender() -> None:
        while (item := todo.get()) is not None:
            if landing.stop.is_set():
                landing.put(Outcome(item))  # not tried
                continue
            try:
                out = _send(item, client, policy)
            except Exception as e:  # a dead sender would leave the main thread waiting forever
                out = Outcome(item, crash=e)
            landing.put(out)

    def settle() -> int:
        return ledger.settle(_landed(landing.done))

    # Daemon threads: after Ctrl-C the process must not wait for a request that hangs.
    threads = [threading.Thread(target=sender, daemon=True) for _ in range(max(1, workers))]
    for t in threads:
        t.start()
    in_flight = 0
    try:
        for item in _queued(outbox):
            while in_flight >= 2 * len(threads):
                in_flight -= settle()
            if ledger.error is not None:
                landing.stop.set()
                break
            todo.put(item)
            in_flight += 1
        while in_flight:
            in_flight -= settle()
    finally:
        landing.stop.set()
        for _ in threads:
            todo.put(None)
    ledger.close(client.verify)
    if ledger.error is not None:
        raise ledger.error
    return ledger.tally


class _Landing:
    """Where the sender threads put what they made of each page, in the order the main thread
    records them, and the flag that stops them.

    Pages failing in a row are counted here, under the lock that orders the outcomes, so the
    sender that sees the last of `OUTAGE_PAGES` stops the others at once: the main thread would
    learn of it a few pages later, and against a dead platform each of those pages costs all of
    its retries."""

    def __init__(self, resend: Callable[[Item], object]) -> None:
        self.done: queue.Queue[Outcome] = queue.Queue()
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._failing = 0  # pages in a row that failed through their retries
        self._good: Item | None = None  # the last page that went through in this run
        self._resend = resend

    def put(self, out: Outcome) -> None:
        suspect = False
        with self._lock:
            if out.sent:
                self._failing, self._good = 0, out.item
            elif out.error is not None and _page_trouble(out.error):
                self._failing += 1
                suspect = self._failing >= OUTAGE_PAGES
        if suspect:
            # Pages failing in a row may be bad pages side by side in the queue (retrying in
            # step, they fail together): once a page went through in this run, sending it once
            # more (an upsert: an update, no duplicate) tells them apart from an outage, which no
            # order of outcomes can. Before any page went through, pages failing in a row are an
            # outage: a push sends the rows that met trouble before last, so bad pages never
            # come first.
            good = self._good
            alive = good is not None and self._alive(good)
            with self._lock:
                if alive:
                    self._failing = 0
                out.alive, out.outage = alive, not alive
        if out.outage or out.crash is not None or _stops_all(out.error):
            self.stop.set()  # at once: no sender starts another page after this
        self.done.put(out)

    def _alive(self, good: Item) -> bool:
        try:
            self._resend(good)
        except SyncError:
            return False
        return True


def _landed(done: queue.Queue[Outcome]) -> list[Outcome]:
    """The next outcome, waiting for it, and every other one already there: recorded together
    in one transaction (the pages in it were sent; losing the record only means a re-send)."""
    landed = [done.get()]
    while True:
        try:
            landed.append(done.get_nowait())
        except queue.Empty:
            return landed


class _Ledger:
    """Records outcomes in the order they land (from the main thread only) and tells a page the
    platform keeps failing on from an outage.

    A page whose 5xx, timeout or dropped connection outlasts its retries is held as a suspect.
    When a later page gets through, the platform is up: the suspects are set aside as failed with
    their reason, like refused pages, for `seolog sync retry` (a plain push would only meet them
    again). `OUTAGE_PAGES` suspects in a row with no page sent in between are an outage unless a
    page sent earlier in the run goes through once more (`_Landing`): then they are set aside and
    the run goes on; else the run stops and they stay queued with the rest. Suspects still held when the run ends are set aside
    only if the platform answers a probe (`close`), else the run ends as an outage: a dead
    platform never turns queued pages into failed ones.
    """

    def __init__(self, outbox: Outbox, progress: Callable[[Tally], None] | None) -> None:
        self.outbox = outbox
        self.progress = progress
        self.tally = Tally()
        self.suspects: list[tuple[Outcome, Transient]] = []
        self.error: SyncError | None = None  # what stops the run

    def settle(self, outcomes: list[Outcome]) -> int:
        """Record outcomes; returns how many."""
        sent: list[tuple[Item, int]] = []
        created = 0
        for out in outcomes:
            if out.crash is not None:
                self.outbox.sent(sent)  # what did land is kept
                raise out.crash
            e = out.error
            if out.sent and out.page_id is not None:
                sent.append((out.item, out.page_id))
                created += out.created
                if self.error is None:
                    self._set_aside()
            elif isinstance(e, Refused):
                self._failed(out, e.message)
            elif isinstance(e, Transient) and _page_trouble(e) and self.error is None:
                self.suspects.append((out, e))
                if out.outage:  # counted as they landed, in this order (`_Landing`)
                    self._outage(self.suspects[0][1])
                elif out.alive:  # the platform answered a probe: these pages are bad ones
                    self._set_aside()
            elif e is not None:
                self._keep(out, e)
                self.error = self.error or e
        self.outbox.sent(sent)
        # Counted once recorded: the numbers a run reports always match what the store says.
        self.tally.created += created
        self.tally.updated += len(sent) - created
        self._report()
        return len(outcomes)

    def close(self, probe: Callable[[], object]) -> None:
        """Decide on the suspects no page got through after: `probe` (a cheap request, one try)
        answering shows the platform is up, so the trouble was theirs alone."""
        if not self.suspects or self.error is not None:
            return
        try:
            probe()
        except SyncError as e:
            self._outage(self.suspects[0][1] if isinstance(e, Transient) else e)
            return
        self._set_aside()
        self._report()

    def _set_aside(self) -> None:
        for out, e in self.suspects:
            self._failed(out, e.reason)
        self.suspects.clear()

    def _outage(self, error: SyncError) -> None:
        self.error = error
        for out, e in self.suspects:
            self._keep(out, e)
        self.suspects.clear()

    def _failed(self, out: Outcome, reason: str) -> None:
        self.outbox.failed(out.item, reason, out.page_id)
        self.tally.failed += 1

    def _keep(self, out: Outcome, e: SyncError) -> None:
        """Leave the row queued, noting the error; a page sent without its SEO data yet is
        noted as such, so the next run starts at the SEO data."""
        if out.page_id is not None and out.page_id != out.item.platform_page_id:
            self.outbox.page_sent(out.item, out.page_id)
        self.outbox.trouble(out.item, e.message)

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.tally)
