"""Hand fetched pages to the page handler: in a worker process, or inline.

Why a process: a crawl is CPU-bound on one core. Measured on the 2-core benchmark machine, a page
cost ~1 ms in httpx, ~0.9 ms in parsing and ~0.4 ms in storage, so with everything on the event
loop a crawl topped out near 320 pages/s. The worker takes parsing and storage to the second core;
the event loop keeps the network and the frontier.

The protocol is a socket pair carrying length-prefixed pickles. Every request carries an id and
gets exactly one reply with the same id, so a reply finds its future whatever order replies come
in (a `WorkerPool` of several workers answers out of order). The event loop side never blocks (asyncio
streams); the worker side is a plain blocking loop. The worker ignores Ctrl-C: the crawl process
decides when to stop, then asks the worker to save what it buffered. If the crawl process dies,
the worker sees end-of-file, saves its buffer and exits, so no fetched page is lost to a crash.

A page whose parse runs over its time budget (`seolog.parse.budget`) leaves a helper thread busy
in the worker that nothing can stop. The worker then saves its buffer, says so in that page's
reply and exits; the crawl process starts a new worker and sends it again what the old one had
not answered, so the crawl goes on with nothing lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import multiprocessing
import pickle
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from seolog.crawl.frontier import Scope
from seolog.crawl.handler import Found, Inspect, PageHandler, Sink
from seolog.domain import CrawledPage, ResourceCheck
from seolog.errors import SeologError
from seolog.parse.budget import ParseBudget

_HEADER = 4  # bytes of big-endian frame length
JOIN_TIMEOUT = 30.0  # seconds to wait for the worker to save its last batch and exit


class WorkerDied(SeologError):
    """The page worker process went away mid-crawl (killed, out of memory, a crash in C code)."""

    stopped_from_outside = (
        False  # killed by a signal, not crashed: see WorkerPipeline._stopped_from_outside
    )


class Pipeline:
    """The crawl loop's view of the page handler: async calls, whatever runs them."""

    async def submit(self, page: CrawledPage) -> asyncio.Future[Found]:
        """Hand a page over; the future resolves once it is parsed and buffered for the store.

        Returns as soon as the page is on its way, so the caller can fetch the next URL while
        this one is parsed: waiting here would leave both processes idle half the time.
        """
        raise NotImplementedError

    async def set_scope(self, scope: Scope) -> None:
        raise NotImplementedError

    async def set_deadline(self, at: float | None) -> None:
        """When the scan's --max-time runs out (`time.monotonic()`): a page still being parsed
        then is cut short, so the time budget holds within seconds."""
        raise NotImplementedError

    async def submit_resources(self, checks: list[ResourceCheck]) -> asyncio.Future[None]:
        """Hand checked resources over for the store; like `submit`, returns at once."""
        raise NotImplementedError

    async def aclose(self) -> int:
        """Save what is buffered; returns the scan's stored page count."""
        raise NotImplementedError

    def shutdown(self) -> None:
        """Last resort, outside the event loop: make sure nothing is left running."""


class InlinePipeline(Pipeline):
    """The handler in this process: for a database only this process can see (SQLite in memory)."""

    def __init__(
        self,
        sink: Sink,
        store_html: bool,
        inspect: Inspect | None = None,
        crawler: str = "seolog",
    ) -> None:
        self.handler = PageHandler(sink, store_html, inspect, crawler=crawler)

    async def submit(self, page: CrawledPage) -> asyncio.Future[Found]:
        future: asyncio.Future[Found] = asyncio.get_running_loop().create_future()
        try:
            future.set_result(self.handler.handle(page))
        except Exception as e:
            future.set_exception(e)
        return future

    async def set_scope(self, scope: Scope) -> None:
        self.handler.scope = scope

    async def set_deadline(self, at: float | None) -> None:
        self.handler.deadline = at

    async def submit_resources(self, checks: list[ResourceCheck]) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        try:
            self.handler.resources(checks)
            future.set_result(None)
        except Exception as e:
            future.set_exception(e)
        return future

    async def aclose(self) -> int:
        return self.handler.close()


def _start_method() -> str:
    # fork starts in milliseconds and shares the already imported modules; elsewhere fork is
    # unavailable (Windows) or unsafe with system frameworks (macOS).
    return "fork" if sys.platform.startswith("linux") else "spawn"


# Requests that set the worker up rather than hand it work: a new worker is sent the latest of each
# before anything else.
_SETUP = ("scope", "deadline")


class WorkerPipeline(Pipeline):
    """The handler in a child process. Start it before the event loop and any threads."""

    def __init__(
        self,
        make_sink: Callable[[int], Sink],
        store_html: bool,
        inspect: Inspect | None = None,
        crawler: str = "seolog",
        pages_before: int = 0,
        budget: ParseBudget = ParseBudget(),
        start_method: str | None = None,
        siblings: tuple[socket.socket, ...] = (),
    ) -> None:
        """`siblings`: this process's ends of earlier workers' sockets, which a forked worker
        closes (a copy left open would keep them from ever seeing end-of-file)."""
        self._worker_args = (make_sink, store_html, inspect, crawler, budget)
        method = start_method or _start_method()
        self._siblings = siblings if method == "fork" else ()
        self.process, self._sock = self._start(method, pages_before)
        self.restarts = 0  # workers replaced after a page over its time budget
        self._writer: asyncio.StreamWriter | None = None
        self._connecting: asyncio.Future[None] | None = None
        self._reader_task: asyncio.Task[None] | None = None
        # Requests sent and not answered yet by id, oldest first, with their frames: a worker
        # that is replaced leaves them unanswered, and its successor is sent them again.
        self._pending: dict[int, tuple[asyncio.Future[Any], bytes]] = {}
        self._ids = itertools.count()
        self.load = 0  # bytes of the requests in _pending: what the worker still has to parse
        self._setup: dict[str, bytes] = {}  # the latest frame of each _SETUP request
        self._usable = asyncio.Event()  # cleared while a worker is being replaced
        self._usable.set()
        self._failure: BaseException | None = None
        self._closed = False

    def _start(self, method: str, pages_before: int) -> tuple[Any, socket.socket]:
        ours, theirs = socket.socketpair()
        # typeshed's BaseContext has no Process; every concrete context does.
        context: Any = multiprocessing.get_context(method)
        process = context.Process(
            target=_serve,
            args=(theirs, (ours, *self._siblings), pages_before, *self._worker_args),
            name="seolog-pages",
            daemon=True,
        )
        process.start()
        theirs.close()
        # `ours` is owned by the asyncio transport once connected; closed by shutdown()
        return process, ours

    # --- event loop side ------------------------------------------------------------------

    @property
    def outstanding(self) -> int:
        """Requests sent and not answered yet: how far behind the crawl this worker is."""
        return len(self._pending)

    @property
    def backed_up(self) -> bool:
        """The socket to the worker is full: what is sent now waits in this process."""
        writer = self._writer
        return writer is not None and writer.transport.get_write_buffer_size() > 0

    async def submit(self, page: CrawledPage) -> asyncio.Future[Found]:
        return await self._send("page", page)

    async def set_scope(self, scope: Scope) -> None:
        await self._call("scope", scope)

    async def set_deadline(self, at: float | None) -> None:
        await self._call("deadline", at)

    async def submit_resources(self, checks: list[ResourceCheck]) -> asyncio.Future[None]:
        return await self._send("resources", checks)

    async def aclose(self) -> int:
        if self._closed:
            return -1
        self._closed = True
        try:
            reply = await self._send("close", None)
            reader = self._reader_task
            if reader is not None:
                # A second Ctrl-C (or one that lands outside asyncio's handler) cancels every
                # task at once, the reply reader too: then no reply can come. The worker saves
                # its buffer all the same, on "close" or on end-of-file (see shutdown()).
                await asyncio.wait({reply, reader}, return_when=asyncio.FIRST_COMPLETED)
                if not reply.done():
                    raise WorkerDied(
                        "the page worker's reply was not awaited",
                        hint="the pages it buffered are saved as it exits",
                    )
            written: int = await reply
            return written
        finally:
            if self._writer is not None:
                self._writer.close()
            if self._reader_task is not None:
                self._reader_task.cancel()
            await asyncio.to_thread(self.process.join, JOIN_TIMEOUT)

    async def _call(self, op: str, arg: Any) -> Any:
        return await (await self._send(op, arg))

    async def _send(self, op: str, arg: Any) -> asyncio.Future[Any]:
        if self._failure is not None:
            raise self._failure
        await self._usable.wait()  # a worker being replaced: this goes to its successor
        if self._failure is not None:
            raise self._failure
        if self._writer is None:
            # One connection, however many callers arrive while it is being made: two would
            # interleave their frames on the socket.
            if self._connecting is None:
                self._connecting = asyncio.ensure_future(self._connect())
            await self._connecting
        writer = self._writer
        if writer is None:  # the worker is being replaced meanwhile: this goes to its successor
            return await self._send(op, arg)
        rid = next(self._ids)
        data = pickle.dumps((rid, op, arg), pickle.HIGHEST_PROTOCOL)
        frame = len(data).to_bytes(_HEADER, "big") + data
        future = asyncio.get_running_loop().create_future()
        # Write and enqueue with no await in between: a successor is sent the frames in order.
        writer.write(frame)
        self._pending[rid] = (future, frame)
        self.load += len(frame)
        if op in _SETUP:
            self._setup[op] = frame
        try:
            await writer.drain()  # waits only when the worker has fallen far behind
        except ConnectionError:
            if writer is self._writer:  # else the worker is being replaced: sent again then
                raise await self._worker_died() from None
        return future

    async def _connect(self) -> None:
        reader, self._writer = await asyncio.open_connection(sock=self._sock)
        self._reader_task = asyncio.create_task(self._read_replies(reader))

    async def _read_replies(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                size = int.from_bytes(await reader.readexactly(_HEADER), "big")
                rid, ok, value, retired = pickle.loads(await reader.readexactly(size))
                # None: a setup request sent again to a new worker, already answered once.
                future, frame = self._pending.pop(rid, (None, b""))
                self.load -= len(frame)
                if future is not None and not future.done():
                    # (done: its caller was cancelled, Ctrl-C; the page is stored all the same)
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
                if retired is not None:
                    reader = await self._replace(retired)
        except (asyncio.IncompleteReadError, ConnectionError):
            await self._worker_died()
        except Exception as e:  # no new worker could be started (out of memory, processes)
            self._fail(
                WorkerDied(
                    f"the page worker could not be restarted ({type(e).__name__}: {e})",
                    hint="the pages saved so far are kept; resume the scan to finish it",
                )
            )

    async def _replace(self, pages_saved: int) -> asyncio.StreamReader:
        """Start a new worker in place of one that retired after saving `pages_saved` pages,
        and send it what its predecessor left unanswered, setup first."""
        self._usable.clear()
        old, writer = self.process, self._writer
        self._writer = None
        try:
            if writer is not None:
                writer.close()
            await asyncio.to_thread(old.join, JOIN_TIMEOUT)  # it exits right after its reply
            # Spawned, not forked: a fork now would hand the new worker copies of this
            # process's event loop, threads and open connections.
            self._siblings = ()
            self.process, self._sock = self._start("spawn", pages_saved)
            self.restarts += 1
            reader, self._writer = await asyncio.open_connection(sock=self._sock)
            # Setup first; its replies find no future (answered before) and are dropped.
            setup = b"".join(self._setup.values())
            self._writer.write(setup + b"".join(frame for _f, frame in self._pending.values()))
            return reader
        finally:
            self._usable.set()

    async def _worker_died(self) -> BaseException:
        """Fail everything waiting on the worker with one error naming how it ended."""
        if self._failure is None:
            # For its exit code (how it ended decides interrupted or failed): a killed process
            # is gone in moments, but on a busy machine its parent may only see it seconds later.
            await asyncio.to_thread(self.process.join, 10.0)
            if self._failure is None:
                died = WorkerDied(
                    f"the page worker process stopped unexpectedly ({self._how_it_ended()})",
                    hint="the pages saved so far are kept; resume the scan to finish it",
                )
                died.stopped_from_outside = self._stopped_from_outside()
                self._fail(died)
        assert self._failure is not None
        return self._failure

    def _stopped_from_outside(self) -> bool:
        """Killed by a signal someone sends (the kernel's out-of-memory killer, a user, a job
        runner), not crashed: the environment stopped it, so the scan is interrupted, not failed
        by a bug. A crash (SIGSEGV in C code, an exit code of its own) stays a failure."""
        code = self.process.exitcode
        outside = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
        return code is not None and code < 0 and -code in outside

    def _how_it_ended(self) -> str:
        code = self.process.exitcode
        if code is None:
            return "it closed its connection"
        if code < 0:
            name = signal.Signals(-code).name
            return f"killed by {name}" + (
                ", perhaps for lack of memory" if name == "SIGKILL" else ""
            )
        return f"exit code {code}"

    def _fail(self, error: BaseException) -> None:
        self._failure = error
        self._usable.set()  # a send waiting for a new worker sees the failure instead
        pending, self._pending, self.load = self._pending, {}, 0
        for future, _frame in pending.values():
            if not future.done():
                future.set_exception(error)
                # Marked as seen: the error reaches the user once, through whichever caller
                # awaits first. A future nobody awaits any more (its send failed, the crawl
                # stopped) would otherwise print "Future exception was never retrieved" and a
                # traceback at exit, under the one clear line (seen on a busy machine).
                future.exception()

    # --- outside the loop -------------------------------------------------------------------

    def shutdown(self) -> None:
        """Closing our end is the worker's signal to save its buffer and exit."""
        self._sock.close()
        if self.process.is_alive():
            self.process.join(JOIN_TIMEOUT)
        if self.process.is_alive():  # pragma: no cover - a worker stuck for JOIN_TIMEOUT seconds
            self.process.kill()  # not terminate(): the worker ignores SIGTERM (see _serve)
            self.process.join()


# --- the worker process ------------------------------------------------------------------------


def _serve(
    sock: socket.socket,
    parent_ends: tuple[socket.socket, ...],
    pages_before: int,
    make_sink: Callable[[int], Sink],
    store_html: bool,
    inspect: Inspect | None,
    crawler: str,
    budget: ParseBudget,
) -> None:
    """The worker's loop: one reply per request, in order, until "close" or end-of-file.

    A reply is (request id, ok, value, retired): `retired` is None, or the pages saved when this
    worker leaves after a parse over its time budget (the crawl process starts another).
    """
    # Ctrl-C, and the SIGTERM that `timeout`, CI runners and service managers send to the whole
    # process group, are the crawl process's to handle: it decides when to stop, then asks this
    # worker to save what it buffered.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for end in parent_ends:
        end.close()  # a forked copy of it would keep end-of-file from ever arriving
    rfile = sock.makefile("rb")
    handler: PageHandler | None = None
    deadline: float | None = None
    try:
        while True:
            request = _read_request(rfile)
            if request is None:
                break  # the crawl process is gone: save what we have (finally) and exit
            rid, op, arg = request
            retired: int | None = None
            try:
                if handler is None:
                    handler = PageHandler(
                        make_sink(pages_before),
                        store_html,
                        inspect,
                        crawler=crawler,
                        budget=budget,
                    )
                    handler.deadline = deadline
                if op == "page":
                    reply: tuple[bool, Any] = (True, handler.handle(arg))
                elif op == "scope":
                    handler.scope = arg
                    reply = (True, None)
                elif op == "deadline":
                    handler.deadline = deadline = arg
                    reply = (True, None)
                elif op == "resources":
                    handler.resources(arg)
                    reply = (True, None)
                else:  # close
                    sink_handler, handler = handler, None
                    reply = (True, sink_handler.close())
            except Exception as e:
                reply = (False, _portable(e))
            stuck = handler is not None and handler.stuck
            if handler is not None and stuck:
                # A parse ran over its time and still runs: save, and leave the rest to a new
                # worker. If saving fails, the page's reply says so and the crawl stops.
                sink_handler, handler = handler, None
                try:
                    retired = sink_handler.close()
                except Exception as e:
                    reply = (False, _portable(e))
            data = pickle.dumps((rid, *reply, retired), pickle.HIGHEST_PROTOCOL)
            try:
                sock.sendall(len(data).to_bytes(_HEADER, "big") + data)
            except OSError:
                # The crawl process went away (killed, or stopped at Ctrl-C) while this worker
                # was busy: nobody is left to tell, so save (finally) and leave quietly.
                break
            if op == "close" or stuck:
                break
    finally:
        if handler is not None:
            # Nobody is left to tell of a failure here; the scan stays resumable either way.
            with contextlib.suppress(Exception):
                handler.close()
        sock.close()


def _read_request(rfile: Any) -> tuple[int, str, Any] | None:
    """The next request, or None once the crawl process is gone: end of file, a connection
    reset, or a frame it could not finish writing."""
    try:
        head = rfile.read(_HEADER)
        if len(head) < _HEADER:
            return None
        size = int.from_bytes(head, "big")
        body = rfile.read(size)
    except OSError:
        return None
    if len(body) < size:
        return None
    request: tuple[int, str, Any] = pickle.loads(body)
    return request


def _portable(error: Exception) -> Exception:
    """The error as the crawl process will raise it, with the worker's traceback attached."""
    error.add_note("in the page worker process:\n" + "".join(traceback.format_exception(error)))
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def _retrieved(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


# A pool that may grow adds a worker once the least busy one has been this far behind for
# GROW_AFTER seconds on end: pages waiting in its socket, or this many unanswered (small pages fit
# the socket by the hundred). Never before GROW_MIN_PAGES pages: a small site is over before a
# worker started now (spawned: ~1 s of imports, ~90 MiB) could pay for itself.
GROW_BACKLOG = 32
GROW_BACKED_UP = 4
GROW_AFTER = 2.0
GROW_MIN_PAGES = 100


class WorkerPool(Pipeline):
    """Several page workers, each with its own store connection: pages go to the least busy one,
    and replies come back in whatever order the workers finish.

    Parsing is the limit of a crawl of heavy pages (the Python docs: one worker was 94% busy while
    the fetch loop idled half the time), so a second core parses too. Each worker keeps what
    `WorkerPipeline` promises alone: a page over its time budget retires only its worker, which
    is replaced and sent again what it left unanswered.

    `workers` start with the crawl (forked, sharing the imported modules). Up to `grow_to` more
    are started (spawned: the event loop runs by then) only when the running ones fall behind,
    so a light site costs the memory of one worker.
    """

    def __init__(
        self,
        make_sink: Callable[[int], Sink],
        store_html: bool,
        inspect: Inspect | None = None,
        crawler: str = "seolog",
        pages_before: int = 0,
        budget: ParseBudget = ParseBudget(),
        workers: int = 1,
        grow_to: int | None = None,
    ) -> None:
        self._args = (make_sink, store_html, inspect, crawler, pages_before, budget)
        self.workers: list[WorkerPipeline] = []
        for _ in range(workers):
            siblings = tuple(w._sock for w in self.workers)
            self.workers.append(WorkerPipeline(*self._args, siblings=siblings))
        self.grow_to = max(grow_to or workers, workers)
        self._scope: Scope | None = None
        self._deadline: float | None = None
        self._deadline_set = False
        self._submitted = 0
        self._behind_since: float | None = None  # time.monotonic() the workers fell behind

    @property
    def restarts(self) -> int:
        return sum(w.restarts for w in self.workers)

    def _least_busy(self) -> WorkerPipeline:
        # By bytes waiting, not requests: one 5 MB page keeps a worker busier than fifty small
        # ones, and parsing time follows the size.
        worker = min(self.workers, key=lambda w: w.load)
        self._submitted += 1
        if len(self.workers) >= self.grow_to:
            return worker
        behind = worker.outstanding >= GROW_BACKLOG or (
            worker.backed_up and worker.outstanding >= GROW_BACKED_UP
        )
        now = time.monotonic()
        if not behind:
            self._behind_since = None
        elif self._behind_since is None:
            self._behind_since = now
        elif now - self._behind_since >= GROW_AFTER and self._submitted >= GROW_MIN_PAGES:
            # This process runs an event loop and threads now: spawned, not forked.
            worker = WorkerPipeline(*self._args, start_method="spawn")
            self.workers.append(worker)
            self._behind_since = None
        return worker

    async def _ready(self, worker: WorkerPipeline) -> WorkerPipeline:
        """A worker started mid-crawl is sent the scope and deadline before any page (not
        awaited: it answers in order, and its first page waits behind them anyway)."""
        if not worker._setup:
            setup: list[tuple[str, Any]] = []
            if self._scope is not None:
                setup.append(("scope", self._scope))
            if self._deadline_set:
                setup.append(("deadline", self._deadline))
            for op, arg in setup:
                (await worker._send(op, arg)).add_done_callback(_retrieved)
        return worker

    async def submit(self, page: CrawledPage) -> asyncio.Future[Found]:
        return await (await self._ready(self._least_busy())).submit(page)

    async def submit_resources(self, checks: list[ResourceCheck]) -> asyncio.Future[None]:
        return await (await self._ready(self._least_busy())).submit_resources(checks)

    async def set_scope(self, scope: Scope) -> None:
        self._scope = scope
        await asyncio.gather(*(w.set_scope(scope) for w in self.workers))

    async def set_deadline(self, at: float | None) -> None:
        self._deadline, self._deadline_set = at, True
        await asyncio.gather(*(w.set_deadline(at) for w in self.workers))

    async def aclose(self) -> int:
        """Every worker saves its buffer, whatever the others do; the first failure is raised.
        Returns the largest count a worker read back: the one that saved last saw them all."""
        results = await asyncio.gather(*(w.aclose() for w in self.workers), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return max((r for r in results if isinstance(r, int)), default=-1)

    def shutdown(self) -> None:
        for worker in self.workers:
            worker.shutdown()
