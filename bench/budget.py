"""Benchmark the parse budget: what the depth check costs an ordinary page, and what a deeply
nested page costs with and without it.

    python bench/budget.py                   # nested pages up to 200,000 levels, 60 s cap each
    python bench/budget.py --cap 30 --pages 100

Ordinary pages are real ones, as in bench/extract.py (python3.11-doc, postgresql-doc-15): the
median ms per page of `too_deep` and of `extract_page`, and their ratio, over --rounds passes.
Nested pages are depth `<div>`s: the time to judge one with the budget (`too_deep`, then parse
only if it passes), and to parse it without (`extract_page` in a child process, stopped after
--cap seconds, since past ~50,000 levels it runs for minutes).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))

from extract import CORPORA  # noqa: E402

from seolog.parse.budget import too_deep  # noqa: E402
from seolog.parse.extract import extract_page  # noqa: E402

URL = "http://127.0.0.1/x.html"
DEPTHS = (5_000, 10_000, 20_000, 50_000, 200_000)
UNBUDGETED = """
import sys, time
sys.path.insert(0, sys.argv[1])
from seolog.parse.extract import extract_page
html = "<!doctype html><title>x</title>" + "<div>" * int(sys.argv[2])
start = time.perf_counter()
extract_page(html, "http://127.0.0.1/x.html", lambda u: True)
print(time.perf_counter() - start)
"""


def _ms_per_page(pages: list[str], judge: object, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for html in pages:
            judge(html)  # type: ignore[operator]
        times.append((time.perf_counter() - start) / len(pages))
    return statistics.median(times) * 1000


def ordinary(pages_per_site: int, rounds: int) -> None:
    print(f"{'ordinary pages':<28} {'too_deep':>10} {'extract':>10} {'share':>7}")
    for name, folder in CORPORA.items():
        if not folder.is_dir():
            continue
        files = sorted(folder.rglob("*.html"))[:pages_per_site]
        pages = [f.read_text(encoding="utf-8", errors="replace") for f in files]
        check = _ms_per_page(pages, too_deep, rounds)
        parse = _ms_per_page(pages, lambda h: extract_page(h, URL, lambda u: True), rounds)
        label = f"{name} ({len(pages)})"
        print(f"{label:<28} {check:>8.3f}ms {parse:>8.2f}ms {check / parse:>7.1%}")


def nested(cap: float) -> None:
    print(f"\n{'nested <div>s':<28} {'budget':>10} {'no budget':>12}")
    for depth in DEPTHS:
        html = "<!doctype html><title>x</title>" + "<div>" * depth
        start = time.perf_counter()
        if too_deep(html) is None:
            extract_page(html, URL, lambda u: True)
        budget = time.perf_counter() - start
        try:
            run = subprocess.run(
                [sys.executable, "-c", UNBUDGETED, str(SRC), str(depth)],
                capture_output=True, text=True, timeout=cap, check=True,
            )  # fmt: skip
            bare = f"{float(run.stdout):>10.2f}s"
        except subprocess.TimeoutExpired:
            bare = f"{'>' + format(cap, 'g') + 's':>11}"
        print(f"{depth:<28,} {budget * 1000:>8.2f}ms {bare}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=150, help="ordinary pages of each site")
    parser.add_argument("--rounds", type=int, default=5, help="passes over them")
    parser.add_argument("--cap", type=float, default=60, help="seconds per unbudgeted parse")
    args = parser.parse_args()
    ordinary(args.pages, args.rounds)
    nested(args.cap)


if __name__ == "__main__":
    main()
