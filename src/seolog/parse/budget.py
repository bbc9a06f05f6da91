"""The parse budget: what a page's HTML may cost before the audit gives up on parsing it.

HTML parsing is linear in a page's size but not in its nesting: for each block element it opens
(`<div>`, `<ul>`, `<section>` …) the parser looks down its stack of open elements for a `<p>` to
close, so N nested `<div>`s cost N² steps. Measured on the 2-core machine with Lexbor: 10,000
levels take 0.3 s, 20,000 levels 1.4 s, 200,000 levels many minutes, while the same 200,000
`<div>`s side by side take 0.01 s. One such page kept a scan busy for minutes (issue 18).

Two limits keep every page cheap:

- **Depth, before parsing** (`too_deep`): a bound counted in C over the raw text, then, only for
  a page that may be too deep, a count tag by tag. Pages nested deeper than `MAX_DEPTH` are not
  parsed.
- **Time, while parsing** (`Parser`): a big page is parsed in a helper thread (Lexbor releases
  the GIL) while the page worker waits at most the page's time budget. A page over it is left
  unparsed, and the worker process, whose helper thread may still be busy, is replaced.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

# Chrome's HTML parser stops nesting at 512 levels (Blink's kMaximumHTMLParserDOMTreeDepth) and
# attaches anything deeper flat, so a page deeper than that is not the page its author wrote in
# any browser. Twice that is still parsed (in a few milliseconds): only pathological pages are
# left out.
MAX_DEPTH = 1_024
# Seconds a page may take to parse and extract. A 5 MiB page (the default body cap) of ordinary
# HTML takes well under a second here; ten times that leaves room on a busy machine.
PAGE_SECONDS = 10.0
# Pages smaller than this are parsed on the worker's own thread: below the depth limit they cannot
# take long, and the hand-over to the helper thread (~26 µs) would cost ~10% of a typical page.
THREADED_FROM = 64 * 1024  # characters


@dataclass(frozen=True)
class ParseBudget:
    """What one page may cost: nesting levels, and seconds to parse (None: no time limit, for
    a parse in a process nothing could replace if it got stuck)."""

    max_depth: int = MAX_DEPTH
    seconds: float | None = PAGE_SECONDS


# Elements that never nest (void) or whose end tag is optional (the parser closes them when a
# sibling opens): they add no depth, so the count leaves them out rather than overcount.
_FLAT = (
    "area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr|keygen|"
    "p|li|dt|dd|option|optgroup|tr|td|th|thead|tbody|tfoot|colgroup|caption|rb|rt|rp|rtc|"
    "html|head|body"
)
# A comment's start, or a tag that nests: (closing "/", name, self-closing "/").
_TAG = re.compile(
    rf"<!--|<(/?)((?!(?:{_FLAT})[\s/>])[a-z][^\s/<>]*)[^<>]*?(/?)>",
    re.IGNORECASE,
)
# Elements whose content is text, not tags: what looks like a tag in them does not nest.
# Foreign content (SVG, MathML) is the one place where `<x/>` closes itself; in HTML the slash
# means nothing, and `<div/><div/>` nests like `<div><div>`.
_FOREIGN = frozenset({"svg", "math"})
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "noembed", "noframes"})
_CHUNK = 4096  # characters per step of the bound: small enough to be tight, few enough to be fast


def too_deep(html: str, limit: int = MAX_DEPTH) -> int | None:
    """The page's nesting depth when it is over `limit`, else None; without parsing.

    Cheap first, so ordinary pages pay microseconds (`_may_nest`); only a page that may be too
    deep is counted tag by tag, so text that looks like tags (a script, a comment) or elements
    that do not nest (`<br>`, `<li>`) cannot cost a page its audit.
    """
    if not _may_nest(html, limit):
        return None
    depth = _depth(html, limit)
    return depth if depth > limit else None


def _may_nest(html: str, limit: int) -> bool:
    """Could the page nest deeper than `limit`? Counted in C, a chunk at a time: the tags open
    before a chunk plus every `<` in it bound the depth inside it. (Stray end tags in a chunk
    can make the bound low by up to a chunk's tags, a few hundred levels: nothing that costs
    time to parse, and the time budget catches what it misses.)"""
    open_before = 0
    for start in range(0, len(html), _CHUNK):
        end = start + _CHUNK
        starts = html.count("<", start, end)
        ends = html.count("</", start, end)
        if open_before + starts - ends > limit:
            return True
        open_before = max(open_before + starts - 2 * ends, 0)
    return False


# Elements the parser never nests in themselves: a new `<a>` (or `<button>`, `<nobr>`, `<form>`)
# closes the open one first, and a heading opened right in a heading closes it. A page of 2,000
# unclosed `<a href>` links is flat in every browser, and so it is counted here.
_NO_SELF_NESTING = frozenset({"a", "button", "nobr", "form"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _depth(html: str, limit: int) -> int:
    """Nesting depth counted tag by tag with a stack of open elements, as the parser keeps it
    (end tags close up to their element, stray ones nothing), past comments and raw text;
    stops once over `limit` (the measure reported is then limit + 1: counting on is what
    costs)."""
    low = html.lower()
    stack: list[str] = []
    opened: dict[str, int] = {}  # name → how many of the stack's elements have it
    deepest = pos = 0
    foreign_at: int | None = None  # the depth an <svg> or <math> element opened at

    def close_to(name: str) -> None:
        while stack:
            top = stack.pop()
            opened[top] -= 1
            if top == name:
                return

    while len(stack) <= limit and (m := _TAG.search(low, pos)) is not None:
        pos = m.end()
        if m.group(0) == "<!--":
            end = low.find("-->", pos)
            pos = len(low) if end < 0 else end + 3
            continue
        closing, name, self_closed = m.group(1), m.group(2), m.group(3)
        if closing:
            if opened.get(name):
                close_to(name)
            if foreign_at is not None and len(stack) <= foreign_at:
                foreign_at = None
        elif not (self_closed and (foreign_at is not None or name in _FOREIGN)):
            if name in _NO_SELF_NESTING and opened.get(name):
                close_to(name)
            elif name in _HEADINGS and stack and stack[-1] in _HEADINGS:
                close_to(stack[-1])
            if foreign_at is None and name in _FOREIGN:
                foreign_at = len(stack)
            deepest = max(deepest, len(stack) + 1)
            if name in _RAW_TEXT:
                end = low.find(f"</{name}", pos)
                pos = len(low) if end < 0 else end
            else:
                stack.append(name)
                opened[name] = opened.get(name, 0) + 1
    return deepest


def _cpu_clock(thread: threading.Thread) -> Callable[[], float]:
    """Seconds of CPU the thread has used so far, where the platform can tell (Linux, macOS,
    the BSDs); elsewhere time on the clock, which only makes a busy machine's budget stricter."""
    ident = thread.ident
    get_clock = getattr(time, "pthread_getcpuclockid", None)
    if ident is None or get_clock is None:
        return time.monotonic
    try:
        clock = get_clock(ident)
        time.clock_gettime(clock)
    except (OSError, AttributeError):
        return time.monotonic
    return lambda: time.clock_gettime(clock)


class ParseTimeout(Exception):
    """Parsing a page took longer than its budget; the helper thread may still be at it."""


class Parser:
    """Runs a parse with a time budget on one long-lived helper thread.

    A thread cannot be stopped, so after a timeout the helper stays busy: `stuck` says so, and
    the process that owns it must be replaced (the page worker exits and the crawl starts a new
    one). Small pages skip the thread altogether (`THREADED_FROM`).
    """

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], Any]] = queue.SimpleQueue()
        self._results: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._cpu: Callable[[], float] = time.monotonic  # the helper thread's CPU clock
        self.stuck = False

    def run(
        self, job: Callable[[], T], size: int, seconds: float | None, wall: float | None = None
    ) -> T:
        """`job()`, or ParseTimeout once it has used `seconds` of CPU, or once `wall` seconds
        have passed (what the scan's --max-time leaves); None or a small page: no limit.

        The page's own budget is CPU time, not time on the clock: on a busy machine (a CI
        runner, three scans at once) an ordinary big page waits for a core, and must not be
        called too complex for it."""
        if seconds is None or size < THREADED_FROM:
            return job()
        if self.stuck:  # pragma: no cover - the worker is replaced before its next page
            raise ParseTimeout("the parser is still busy with an earlier page")
        if self._thread is None:
            # A daemon thread: a process leaving with it still parsing is not held up by it.
            self._thread = threading.Thread(target=self._serve, name="seolog-parse", daemon=True)
            self._thread.start()
            self._cpu = _cpu_clock(self._thread)  # once: the thread lives as long as we do
        cpu = self._cpu
        used_before = cpu()
        started = time.monotonic()
        self._jobs.put(job)
        while True:
            left = seconds - (cpu() - used_before)
            if wall is not None:
                left = min(left, wall - (time.monotonic() - started))
            try:
                ok, value = self._results.get(timeout=max(left, 0.0) + 0.05)
                break
            except queue.Empty:
                used = cpu() - used_before
                if used >= seconds or (wall is not None and time.monotonic() - started >= wall):
                    self.stuck = True
                    raise ParseTimeout(f"parsing took more than {seconds:g}s") from None
        if ok:
            return value
        raise value

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                self._results.put((True, job()))
            except BaseException as e:  # handed back to the caller's thread, raised there
                self._results.put((False, e))
