"""Stand-ins for other people's servers: N tiny HTTP/1.1 hosts on 127.0.0.1, one port each, served
by one asyncio event loop in one process (`python bench/hosts.py --ports 40001,40002 …`).

Paths decide the answer (see `answer`): /ok/… 200, /gone/… 404, /moved/… a 301 to /ok/… on the
same host. Every answer waits --latency milliseconds first (real hosts are not on loopback).

Why one asyncio process: answers are tiny and the delay is a timer (`loop.call_later`), not a
sleeping thread, so one core serves thousands of requests a second at any latency, and the
number of open connections costs nothing. seolog checks at most 16 URLs at once, so at 20 ms it
asks for at most ~800 a second: this server is idle most of the time (it prints its CPU seconds
so a run can show it), and it leaves the other core to seolog's two processes.

Each host counts the requests it holds at once (read, not yet answered) and keeps the maximum:
that is what "never more than the per-host concurrency to one host" is measured by.

Control on stdin, one command a line, answered with one line on stdout: `stats` (JSON: per port
the maximum in flight, connections opened, requests by method; and the server's CPU seconds),
`reset` (zero them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from functools import partial

BODY_200 = b"<!doctype html><title>ok</title><p>" + b"An external page. " * 40 + b"</p>"
BODY_404 = b"<!doctype html><title>Not found</title><p>Nothing here.</p>"


@dataclass
class Host:
    port: int
    in_flight: int = 0
    connections: int = 0  # opened since the last reset
    max_in_flight: int = 0
    methods: dict[str, int] = field(default_factory=dict)

    def reset(self) -> None:
        self.max_in_flight = self.in_flight
        self.connections = 0
        self.methods = {}


def answer(method: str, path: str) -> bytes:
    """The response to one request, by path prefix."""
    if path.startswith("/ok/"):
        status, headers, body = "200 OK", "Content-Type: text/html; charset=utf-8\r\n", BODY_200
    elif path.startswith("/moved/"):
        target = "/ok/" + path.removeprefix("/moved/")
        status, headers, body = "301 Moved Permanently", f"Location: {target}\r\n", b""
    else:
        status, headers, body = "404 Not Found", "Content-Type: text/html\r\n", BODY_404
    head = f"HTTP/1.1 {status}\r\n{headers}Content-Length: {len(body)}\r\n\r\n".encode()
    return head if method == "HEAD" else head + body


class HostProtocol(asyncio.Protocol):
    """One connection: requests have no body (HEAD, GET), so a request ends at a blank line."""

    def __init__(self, host: Host, latency: float) -> None:
        self.host = host
        self.latency = latency
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.host.connections += 1

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            request, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            method, path, _ = request.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            host = self.host
            host.in_flight += 1
            host.max_in_flight = max(host.max_in_flight, host.in_flight)
            host.methods[method] = host.methods.get(method, 0) + 1
            response = answer(method, path)
            if self.latency > 0:
                asyncio.get_running_loop().call_later(self.latency, self._send, response)
            else:
                self._send(response)

    def _send(self, response: bytes) -> None:
        self.host.in_flight -= 1
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(response)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def serve(ports: list[int], latency: float) -> None:
    loop = asyncio.get_running_loop()
    hosts = [Host(port) for port in ports]
    for host in hosts:
        await loop.create_server(partial(HostProtocol, host, latency), "127.0.0.1", host.port)
    done = asyncio.Event()

    def command() -> None:
        line = sys.stdin.readline().strip()
        if line == "stats":
            reply = {
                "hosts": {
                    h.port: {
                        "max_in_flight": h.max_in_flight,
                        "connections": h.connections,
                        "methods": h.methods,
                    }
                    for h in hosts
                },
                "cpu_s": time.process_time(),
            }
            print(json.dumps(reply), flush=True)
        elif line == "reset":
            for h in hosts:
                h.reset()
            print("ok", flush=True)
        elif line in ("", "quit"):
            done.set()

    loop.add_reader(sys.stdin.fileno(), command)
    print("ready", flush=True)
    await done.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ports", required=True, help="comma-separated ports, one host each")
    parser.add_argument("--latency", type=float, default=20.0, help="ms before every answer")
    args = parser.parse_args()
    ports = [int(p) for p in args.ports.split(",")]
    asyncio.run(serve(ports, args.latency / 1000))


if __name__ == "__main__":
    main()
