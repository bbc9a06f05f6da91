"""Hand fetched pages to the page handler: in a worker process, or inline.

Why a process: a crawl is CPU-bound on one core. Measured on the 2-core benchmark machine, a page
cost ~1 ms in httpx, ~0.9 ms in parsing and ~0.4 ms in storage, so with everything on the event
loop a crawl topped out near 320 pages/s. The worker takes parsing and storage to the second core;
the event loop keeps the network and the frontier.

The protocol is a socket pair carrying length-prefixed pickles. Every request gets exactly one
reply, in order, so replies resolve a FIFO of futures. The event loop side never blocks (asyncio
streams); the worker side is a plain blocking loop. The worker ignores Ctrl-C: the crawl process
decides when to stop, then asks the worker to save what it buffered. If the crawl process dies,
the worker sees end-of-file, saves its buffer and exits, so no fetched page is lost to a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import pickle
import signal
import socket
import sys
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any

from seolog.crawl.frontier import Scope
from seolog.crawl.handler import Found, Inspect, PageHandler, Sink
from seolog.domain import CrawledPage, ResourceCheck
from seolog.errors import SeologError

_HEADER = 4  # bytes of big-endian frame length
JOIN_TIMEOUT = 30.0  # seconds to wait for the worker to save its last batch and exit


class WorkerDied(SeologError):
    """The page worker process went away mid-crawl (killed, out of memory, a crash in C code)."""


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


class WorkerPipeline(Pipeline):
    """The handler in a child process. Start it before the event loop and any threads."""

    def __init__(
        self,
        make_sink: Callable[[], Sink],
        store_html: bool,
        inspect: Inspect | None = None,
        crawler: str = "seolog",
    ) -> None:
        ours, theirs = socket.socketpair()
        # typeshed's BaseContext has no Process; every concrete context does.
        context: Any = multiprocessing.get_context(_start_method())
        self.process = context.Process(
            target=_serve,
            args=(theirs, ours, make_sink, store_html, inspect, crawler),
            name="seolog-pages",
            daemon=True,
        )
        self.process.start()
        theirs.close()
        self._sock = ours  # owned by the asyncio transport once connected; closed by shutdown()
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self._pending: deque[asyncio.Future[Any]] = deque()
        self._failure: BaseException | None = None
        self._closed = False

    # --- event loop side ------------------------------------------------------------------

    async def submit(self, page: CrawledPage) -> asyncio.Future[Found]:
        return await self._send("page", page)

    async def set_scope(self, scope: Scope) -> None:
        await self._call("scope", scope)

    async def submit_resources(self, checks: list[ResourceCheck]) -> asyncio.Future[None]:
        return await self._send("resources", checks)

    async def aclose(self) -> int:
        if self._closed:
            return -1
        self._closed = True
        try:
            written: int = await self._call("close", None)
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
        if self._writer is None:
            reader, self._writer = await asyncio.open_connection(sock=self._sock)
            self._reader_task = asyncio.create_task(self._read_replies(reader))
        data = pickle.dumps((op, arg), pickle.HIGHEST_PROTOCOL)
        future = asyncio.get_running_loop().create_future()
        # Write and enqueue with no await in between: the FIFO must match the frames sent.
        self._writer.write(len(data).to_bytes(_HEADER, "big") + data)
        self._pending.append(future)
        try:
            await self._writer.drain()  # waits only when the worker has fallen far behind
        except ConnectionError:
            raise await self._worker_died() from None
        return future

    async def _read_replies(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                size = int.from_bytes(await reader.readexactly(_HEADER), "big")
                ok, value = pickle.loads(await reader.readexactly(size))
                future = self._pending.popleft()
                if future.done():  # its caller was cancelled (Ctrl-C); the page is stored anyway
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        except (asyncio.IncompleteReadError, ConnectionError):
            await self._worker_died()

    async def _worker_died(self) -> BaseException:
        """Fail everything waiting on the worker with one error naming how it ended."""
        if self._failure is None:
            await asyncio.to_thread(self.process.join, 1.0)  # for its exit code
            if self._failure is None:
                self._fail(
                    WorkerDied(
                        f"the page worker process stopped unexpectedly ({self._how_it_ended()})",
                        hint="the pages saved so far are kept; resume the scan to finish it",
                    )
                )
        assert self._failure is not None
        return self._failure

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
        while self._pending:
            future = self._pending.popleft()
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
            self.process.terminate()
            self.process.join()


# --- the worker process ------------------------------------------------------------------------


def _serve(
    sock: socket.socket,
    parent_end: socket.socket,
    make_sink: Callable[[], Sink],
    store_html: bool,
    inspect: Inspect | None,
    crawler: str,
) -> None:
    """The worker's loop: one reply per request, in order, until "close" or end-of-file."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawl process's to handle
    parent_end.close()  # a forked copy of it would keep end-of-file from ever arriving
    rfile = sock.makefile("rb")
    handler: PageHandler | None = None
    try:
        while True:
            head = rfile.read(_HEADER)
            if len(head) < _HEADER:
                break  # the crawl process is gone: save what we have (finally) and exit
            op, arg = pickle.loads(rfile.read(int.from_bytes(head, "big")))
            try:
                if handler is None:
                    handler = PageHandler(make_sink(), store_html, inspect, crawler=crawler)
                if op == "page":
                    reply: tuple[bool, Any] = (True, handler.handle(arg))
                elif op == "scope":
                    handler.scope = arg
                    reply = (True, None)
                elif op == "resources":
                    handler.resources(arg)
                    reply = (True, None)
                else:  # close
                    sink_handler, handler = handler, None
                    reply = (True, sink_handler.close())
            except Exception as e:
                reply = (False, _portable(e))
            data = pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
            sock.sendall(len(data).to_bytes(_HEADER, "big") + data)
            if op == "close":
                break
    finally:
        if handler is not None:
            # Nobody is left to tell of a failure here; the scan stays resumable either way.
            with contextlib.suppress(Exception):
                handler.close()
        sock.close()


def _portable(error: Exception) -> Exception:
    """The error as the crawl process will raise it, with the worker's traceback attached."""
    error.add_note("in the page worker process:\n" + "".join(traceback.format_exception(error)))
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
