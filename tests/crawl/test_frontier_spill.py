"""A queue that grows past memory waits on disk (crawl.spill) and hands out exactly what the
in-memory queue would: the same URLs, in the same breadth-first order, at the same depths."""

from __future__ import annotations

import gc
import os
import random
import tempfile
from pathlib import Path

import pytest

from seolog.crawl import frontier as frontier_module
from seolog.crawl import spill as spill_module
from seolog.crawl.frontier import Frontier, Scope
from seolog.errors import StorageError
from tests.server import Response, html

SITE = "http://e.com/"


def _operations(rng: random.Random, count: int) -> list[tuple[str, tuple[object, ...]]]:
    urls = [f"{SITE}p{i}" for i in range(40)]
    ops: list[tuple[str, tuple[object, ...]]] = []
    for _ in range(count):
        roll = rng.random()
        url = rng.choice(urls)
        depth = rng.randint(0, 6)
        if roll < 0.55:
            ops.append(("add", (url, depth, depth, rng.choice(["link", "link", "redirect"]))))
        elif roll < 0.65:
            ops.append(("add", (url, None, rng.randint(0, 3), "link")))
        elif roll < 0.75:
            ops.append(("add_sitemap_url", (url,)))
        elif roll < 0.8:
            ops.append(("mark_seen", (url,)))
        elif roll < 0.9:
            ops.append(("pop", ()))
        else:
            ops.append(("next_level", ()))
    return ops


def _run(queue: Frontier, ops: list[tuple[str, tuple[object, ...]]]) -> list[object]:
    said: list[object] = []
    for name, args in ops:
        answer = getattr(queue, name)(*args)
        if name == "pop":
            answer = None if answer is None else (answer.url, answer.depth, answer.hops, answer.via)
        said.append((name, answer, len(queue)))
    while (item := queue.pop()) is not None:  # what is left, in order
        said.append(("drain", item.url, item.depth, item.hops, item.via))
    return said


@pytest.mark.parametrize("seed", range(40))
def test_a_queue_on_disk_answers_as_the_queue_in_memory(seed: int, monkeypatch):
    monkeypatch.setattr(spill_module, "BATCH", 2)  # levels come back in several batches
    rng = random.Random(seed)
    ops = _operations(rng, 400)
    in_memory = Frontier(Scope(SITE))
    on_disk = Frontier(Scope(SITE))
    on_disk.spill_after = rng.randint(1, 4)
    try:
        assert _run(on_disk, ops) == _run(in_memory, ops)
    finally:
        on_disk.close()


def test_the_file_goes_with_the_queue(tmp_path: Path, monkeypatch):
    """Beside the store, in SEOLOG_HOME; on POSIX its name is gone as soon as it is open (a
    killed crawl leaves nothing behind), elsewhere it is removed on close or at exit."""
    monkeypatch.setenv("SEOLOG_HOME", str(tmp_path))
    made: list[str] = []
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        handle, path = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        made.append(path)
        return handle, path

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    queue = Frontier(Scope(SITE))
    queue.spill_after = 2
    for i in range(10):
        queue.add(f"{SITE}p{i}", 1, 1)
    assert len(queue) == 10
    assert [Path(p).parent for p in made] == [tmp_path]
    if os.name == "posix":
        assert list(tmp_path.glob("seolog-frontier-*")) == []
    assert [queue.pop().url for _ in range(10)] == [f"{SITE}p{i}" for i in range(10)]  # type: ignore[union-attr]
    queue.close()
    again = Frontier(Scope(SITE))
    again.spill_after = 1
    again.add(f"{SITE}a", 1, 1)
    again.add(f"{SITE}b", 1, 1)
    del again  # never closed (an error, Ctrl-C): removed all the same
    gc.collect()
    assert list(tmp_path.glob("seolog-frontier-*")) == []


def test_a_folder_that_cannot_hold_the_queue_is_one_clear_error(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SEOLOG_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    queue = Frontier(Scope(SITE))
    queue.spill_after = 1
    queue.add(f"{SITE}a", 1, 1)
    with pytest.raises(StorageError, match="cannot keep the crawl's queue of URLs on disk") as e:
        queue.add(f"{SITE}b", 1, 1)
    assert "no-such-folder" in str(e.value)
    assert "scans resume" in (e.value.hint or "")


def test_a_wide_site_crawled_past_memory_keeps_its_depths(server, cli, db, tmp_path, monkeypatch):
    """30 sections of 5 pages each, the queue in memory capped at 10 URLs: every page is
    crawled once, at its breadth-first depth, and the queue's file is gone afterwards."""
    monkeypatch.setattr(frontier_module, "SPILL_AFTER", 10)
    monkeypatch.setattr(spill_module, "BATCH", 7)
    links = "".join(f'<a href="/s{i}">section {i}</a> ' for i in range(30))
    server.routes["/"] = Response(body=html("Home", links))
    for i in range(30):
        children = "".join(f'<a href="/s{i}/p{j}">page {j}</a> ' for j in range(5))
        back = '<a href="/">home</a> <a href="/s0">first section</a> '
        server.routes[f"/s{i}"] = Response(body=html(f"Section {i}", back + children))
        for j in range(5):
            server.routes[f"/s{i}/p{j}"] = Response(body=html(f"Page {i}.{j}", back))
    done = cli("--quiet", "scan", server.url(), "--concurrency", "4", "--no-sitemaps")
    assert done.exit_code in (0, 1), done.stderr
    rows = db("SELECT url, depth FROM pages WHERE scan_id = 1")
    depths = {r.url.removeprefix(server.url().rstrip("/")): r.depth for r in rows}
    expected = {"/": 0} | {f"/s{i}": 1 for i in range(30)}
    expected |= {f"/s{i}/p{j}": 2 for i in range(30) for j in range(5)}
    assert depths == expected
    assert list(tmp_path.rglob("seolog-frontier-*")) == []
