"""What `seolog scan --render always` costs: a single-page app rendered in Chromium, against the
same pages served ready-made and scanned raw.

    python bench/render_bench.py                          # 100 pages, the default concurrency
    python bench/render_bench.py --pages 30               # quicker
    python bench/render_bench.py --render-concurrency 4   # more pages in the browser at once
    python bench/render_bench.py --src /tmp/other/src     # another seolog (a patched copy)

The site is the test suite's fixture app (tests/render/spa.py) with --pages pages, each with its
title, description, heading, ~150 words and three links, served by a threaded Python server on
127.0.0.1 (the bench's own process):
- render: every URL answers the same empty shell and app.js builds the page from /api/page;
  scanned with `seolog scan URL --render always --no-sitemaps`: every page is fetched raw, loaded
  in Chromium (app.js and the data through the crawl's client), and the checks run on the DOM.
- raw (the peer): the same pages with their content and links in the HTML the server sends (the
  app server-rendered), scanned with `seolog scan URL --no-sitemaps`. A raw scan of the app itself
  would find one empty page.

For each: pages, wall seconds (process start to exit: imports, the browser's launch and the
audit included), pages/s over the wall time, pages/s over the crawl alone (the scan's own
`elapsed_s`), CPU seconds (the process and the children it waited for: Playwright's driver, whose
children are the browser's processes) and peak memory: the resident size of the seolog process
and every process below it (its page worker, Playwright's node driver, Chromium and its renderer,
GPU and utility processes), summed, sampled from /proc every 50 ms (Linux). RSS counts pages that
Chromium's processes share once for each, so the sum overstates what they take together; PSS
(sampled every 250 ms) splits shared pages between their sharers, and sums to what the tree
really holds.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = ROOT / "src"
sys.path.insert(0, str(ROOT))  # the fixture app and server of the test suite

from tests.render.spa import app_site, serve  # noqa: E402
from tests.server import FixtureServer  # noqa: E402

SAMPLE_S = 0.05
PSS_EVERY = 5  # samples


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it, from every process's parent in /proc. (A process's
    `children` file lists only those its main thread started; Chromium starts its own from a
    launcher thread.)"""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:  # ended meanwhile
                continue
            children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry))
    found, i = [pid], 0
    while i < len(found):
        found.extend(children.get(found[i], []))
        i += 1
    return found


def memory_kib(pid: int, field: str = "VmRSS:", source: str = "status") -> int:
    """A size from /proc/PID/status (VmRSS) or smaps_rollup (Pss), in KiB; 0 once it ended."""
    try:
        for line in Path(f"/proc/{pid}/{source}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Peak memory of a process tree, summed at each sample: RSS every SAMPLE_S, PSS (shared
    pages split between the processes sharing them) every PSS_EVERY samples, as reading it
    costs the kernel a walk of each process's memory; and the most processes at once."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self.peak_pss_kib = 0
        self.most_processes = 0
        self.done = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.done.wait(SAMPLE_S):
            tree = descendants(self.pid)
            self.peak_kib = max(self.peak_kib, sum(memory_kib(p) for p in tree))
            self.most_processes = max(self.most_processes, len(tree))
            if n % PSS_EVERY == 0:
                pss = sum(memory_kib(p, "Pss:", "smaps_rollup") for p in tree)
                self.peak_pss_kib = max(self.peak_pss_kib, pss)
            n += 1


@dataclass
class Run:
    name: str
    pages: int
    rendered: int
    seconds: float
    crawl_seconds: float
    cpu: float
    peak_mib: float
    peak_pss_mib: float
    processes: int

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def crawl_rate(self) -> float:
        return self.pages / self.crawl_seconds if self.crawl_seconds else 0.0


def scan(name: str, url: str, extra: list[str], src: Path, work: Path) -> Run:
    home = Path(tempfile.mkdtemp(prefix="home-", dir=work))
    out = home / "scan.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEOLOG_")}
    env |= {"SEOLOG_HOME": str(home), "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-m", "seolog", "--quiet", "scan", url, "--no-sitemaps",
           "--format", "json", "--output", str(out), *extra]  # fmt: skip
    errors = home / "stderr.txt"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with errors.open("w") as stderr:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    code = proc.wait()
    seconds = time.perf_counter() - t0
    sampler.done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code not in (0, 1):  # 1: findings over a gate; none is set here
        raise SystemExit(f"{name}: seolog exited {code}:\n{errors.read_text()[-2000:]}")
    doc = json.loads(out.read_text())
    crawl = doc["summary"]["crawl"]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    shutil.rmtree(home, ignore_errors=True)
    return Run(name, int(doc["scan"]["pages_crawled"]), int(crawl.get("rendered") or 0),
               seconds, float(crawl["elapsed_s"]), cpu, sampler.peak_kib / 1024,
               sampler.peak_pss_kib / 1024, sampler.most_processes)  # fmt: skip


def report(runs: list[Run]) -> None:
    print(f"\n{'':28} {'pages':>6} {'rendered':>9} {'wall s':>7} {'pages/s':>8} "
          f"{'crawl p/s':>10} {'CPU s':>7} {'peak RSS':>10} {'peak PSS':>10} "
          f"{'procs':>6}")  # fmt: skip
    for r in runs:
        print(f"{r.name:28} {r.pages:>6} {r.rendered:>9} {r.seconds:>7.1f} {r.rate:>8.2f} "
              f"{r.crawl_rate:>10.2f} {r.cpu:>7.1f} {r.peak_mib:>6.0f} MiB "
              f"{r.peak_pss_mib:>6.0f} MiB {r.processes:>6}")  # fmt: skip
    raw, rendered = runs[0], runs[-1]
    print(
        f"\nrendering: {raw.rate / rendered.rate:.1f}x the wall time a page, "
        f"{rendered.cpu / rendered.pages * 1000:.0f} vs {raw.cpu / raw.pages * 1000:.0f} "
        f"CPU ms a page, {rendered.peak_mib / raw.peak_mib:.1f}x the peak RSS "
        f"({rendered.peak_pss_mib / raw.peak_pss_mib:.1f}x the peak PSS)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=100, help="pages of the site (default 100)")
    ap.add_argument("--render-concurrency", type=int, help="seolog's --render-concurrency")
    ap.add_argument("--browser", help="seolog's --browser (default: as seolog finds one)")
    ap.add_argument("--src", type=Path, default=SRC, help="the seolog src/ to measure")
    args = ap.parse_args()
    if not sys.platform.startswith("linux"):
        raise SystemExit("reads memory from /proc: Linux only")

    # Bytecode for the seolog measured, as an installed one has (pip compiles it).
    compileall.compile_dir(str(args.src), quiet=1)
    render = ["--render", "always"]
    if args.render_concurrency:
        render += ["--render-concurrency", str(args.render_concurrency)]
    if args.browser:
        render += ["--browser", args.browser]
    site = app_site(args.pages - 1)  # and the home page
    app, ready_made = FixtureServer().start(), FixtureServer().start()
    work = Path(tempfile.mkdtemp(prefix="seolog-render-bench-"))
    try:
        serve(app, site)
        for page in site:
            page.ssr = True
        serve(ready_made, site)
        runs = []
        for name, url, extra in (
            ("raw (server-rendered)", ready_made.url(), []),
            ("render always (app)", app.url(), render),
        ):
            print(f"  {name} …", file=sys.stderr, flush=True)
            runs.append(scan(name, url, extra, args.src, work))
        report(runs)
    finally:
        app.stop()
        ready_made.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
