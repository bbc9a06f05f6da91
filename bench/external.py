"""Benchmark external-link checking: what checking 5,000 external links costs a 1,000-page scan.

    python bench/external.py                  # 1,000 pages, 5,000 links on 30 hosts, 20 ms each
    python bench/external.py --latency 0      # hosts that answer at once (loopback speed)
    python bench/external.py --runs 5 --hosts 50
    python bench/external.py --profile        # also one external scan under a profiler
    python bench/external.py --src /tmp/other/src   # another seolog (a patched copy)

The site: --pages HTML pages of ~5 KB (words, a nav, ~15 internal links and a chain through all
of them, one shared stylesheet) served by nginx on 127.0.0.1 (Debian: nginx-light; without it a
Python server, and the times say more about it than about seolog). --links distinct external
links are spread over the pages, about 5 a page, each on at least one page; every sixth page also
links one URL another page links (a scan checks each URL once, whatever links to it).

The external hosts: --hosts ports on 127.0.0.1 (another port is another host to seolog), served
by bench/hosts.py: one asyncio process, answers after --latency ms (real hosts are not on
loopback), 1 link in 40 is a 404 and 1 in 20 a 301 to a 200 on the same host. Each host records
the most requests it held at once.

`seolog scan` (this checkout's src/ or --src, a fresh SEOLOG_HOME per scan) runs --runs times
each way, alternating `--no-external` and external checks on (so both share whatever else the
machine is doing), after one warm-up scan. It prints the median wall time (process start to
exit) of each and their ratio (the gate); the same for CPU time (both processes, user + system:
steadier on a busy machine); the most requests any external host held at once against
--external-per-host, and the connections the hosts saw opened; the peak memory of the scan's
process tree (the crawl process and its page worker, both); and what the scan says it checked
(`scans show --format json`: stats resources_checked).

Memory, three ways, from /proc (Linux): the gate is the sum of each process's own VmHWM (the
kernel's exact peak RSS of each, read every 50 ms until it exits; their peaks may not coincide,
so this is an upper bound); also the largest sum of VmRSS sampled every 50 ms (bench/crawl.py's
figure, sampled there every 20 ms), and the largest sum of Pss sampled every 200 ms (the page
worker is forked: pages it shares with the crawl process are counted once, split between them).

Done when (issue 15): external on stays within 2x the time of --no-external, no host ever holds
more than --external-per-host requests at once, and the peak stays under 250 MiB. A missed
figure is printed and the exit status is 1.

--profile runs one more external scan under py-spy (pip install py-spy), both processes, and
prints the functions with the most samples in each (self and inclusive; idle time is not
sampled, so this is where the CPU goes); without py-spy, cProfile of the crawl process only.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from crawl import WORDS, free_port, process_tree, start_nginx, start_python_server, wait_for

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
# Issue 15, "Done when".
MAX_RATIO = 2.0
MAX_PEAK_MIB = 250
INTERNAL_LINKS = 15
TARGET_BYTES = 5_000


# --- the site ----------------------------------------------------------------------------------


def external_urls(n: int, ports: list[int]) -> list[str]:
    """n distinct URLs over the hosts, round robin: 1 in 40 a 404, 1 in 20 a redirect."""
    urls = []
    for j in range(n):
        kind = "gone" if j % 40 == 7 else "moved" if j % 20 == 3 else "ok"
        urls.append(f"http://127.0.0.1:{ports[j % len(ports)]}/{kind}/{j}")
    return urls


def page_html(i: int, n: int, external: list[str], rng: random.Random) -> str:
    internal = [f"/p/{(i + 1) % n}.html"] + [
        f"/p/{rng.randrange(n)}.html" for _ in range(INTERNAL_LINKS)
    ]
    links = "".join(
        f'<li><a href="{href}">{" ".join(rng.choices(WORDS, k=3))}</a></li>' for href in internal
    )
    outside = "".join(
        f'<li><a href="{href}">{" ".join(rng.choices(WORDS, k=2))}</a></li>' for href in external
    )
    paragraphs, size = [], 0
    while size < TARGET_BYTES - 2500:
        p = "<p>" + " ".join(rng.choices(WORDS, k=60)) + "</p>"
        paragraphs.append(p)
        size += len(p)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Page {i} – {' '.join(rng.choices(WORDS, k=4))}</title>"
        f'<meta name="description" content="{" ".join(rng.choices(WORDS, k=20))}">'
        f'<link rel="stylesheet" href="/site.css">'
        f'<link rel="canonical" href="/p/{i}.html"></head><body>'
        f'<nav><a href="/">Home</a> <a href="/p/0.html">First</a></nav>'
        f"<h1>Page {i}</h1><h2>{' '.join(rng.choices(WORDS, k=3))}</h2>{''.join(paragraphs)}"
        f"<ul>{links}</ul><h2>Further reading</h2><ul>{outside}</ul></body></html>"
    )


def generate(root: Path, pages: int, urls: list[str]) -> tuple[int, int]:
    """Write the site; return (bytes of HTML, external link occurrences)."""
    rng = random.Random(15)
    shuffled = urls[:]
    rng.shuffle(shuffled)
    (root / "p").mkdir(parents=True)
    (root / "site.css").write_text("body { font: 16px/1.5 serif; max-width: 40em }\n")
    total = occurrences = 0
    for i in range(pages):
        mine = shuffled[i * len(urls) // pages : (i + 1) * len(urls) // pages]
        if i % 6 == 0:  # every sixth page also links a URL another page links
            mine.append(rng.choice(urls))
        html = page_html(i, pages, mine, rng)
        (root / "p" / f"{i}.html").write_text(html)
        if i == 0:
            (root / "index.html").write_text(html)
        total += len(html)
        occurrences += len(mine)
    return total, occurrences


# --- the external hosts ------------------------------------------------------------------------


class Hosts:
    """bench/hosts.py in its own process, driven over its stdin."""

    def __init__(self, ports: list[int], latency_ms: float) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "hosts.py"),
                "--ports",
                ",".join(map(str, ports)),
                "--latency",
                str(latency_ms),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self._read() != "ready":
            raise SystemExit("the external hosts did not start (bench/hosts.py)")

    def _read(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def _ask(self, command: str) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._read()

    def reset(self) -> None:
        self._ask("reset")

    def stats(self) -> dict[str, Any]:
        return json.loads(self._ask("stats"))

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# --- memory ------------------------------------------------------------------------------------


class TreeMemory(threading.Thread):
    """Peak memory of a process tree (seolog and its page worker), from /proc: status every
    50 ms, Pss every 200 ms. Reading /proc costs ~1 ms a file on a busy machine (smaps_rollup
    walks the page tables): sampled every 20 ms this took a fifth of a core from the scan."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.hwm: dict[int, int] = {}  # pid → VmHWM, KiB: its own peak RSS, as last read
        self.peak_rss = 0  # KiB, the largest sum of VmRSS at one sample
        self.peak_pss = 0  # KiB, the largest sum of Pss at one sample
        self.done = threading.Event()

    @staticmethod
    def _fields(pid: int, file: str, names: tuple[str, ...]) -> dict[str, int]:
        found = {}
        try:
            for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
                name = line.split(":", 1)[0]
                if name in names:
                    found[name] = int(line.split()[1])
        except (OSError, ValueError):
            pass
        return found

    def sample(self, pss_too: bool) -> None:
        rss = pss = 0
        for pid in process_tree(self.pid):
            status = self._fields(pid, "status", ("VmRSS", "VmHWM"))
            if "VmHWM" in status:
                self.hwm[pid] = max(self.hwm.get(pid, 0), status["VmHWM"])
            rss += status.get("VmRSS", 0)
            if pss_too:
                pss += self._fields(pid, "smaps_rollup", ("Pss",)).get("Pss", 0)
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)

    def run(self) -> None:
        n = 0
        while not self.done.wait(0.05):
            self.sample(pss_too=n % 4 == 0)
            n += 1

    @property
    def hwm_sum(self) -> int:
        return sum(self.hwm.values())


# --- one scan ----------------------------------------------------------------------------------


class Scan:
    """One `seolog scan` of the site in a fresh SEOLOG_HOME: wall time, memory, its JSON."""

    def __init__(self, work: Path, site_port: int, args: argparse.Namespace) -> None:
        self.work = work
        self.url = f"http://127.0.0.1:{site_port}/"
        self.args = args
        self.count = 0

    def run(self, external: bool, profile: Path | None = None) -> dict[str, Any]:
        self.count += 1
        home = self.work / f"home-{self.count}"
        env = {**os.environ, "SEOLOG_HOME": str(home), "PYTHONPATH": str(self.args.src)}
        env.pop("SEOLOG_DATABASE_URL", None)
        flags = (
            ["--external-per-host", str(self.args.external_per_host)]
            if external
            else ["--no-external"]
        )
        scan = [
            *("-m", "seolog", "--quiet", "scan", self.url),
            *("--max-pages", str(self.args.pages + 10)),
            *("--concurrency", str(self.args.concurrency)),
            *flags,
        ]
        command = [sys.executable, *scan]
        if profile is not None and profile.suffix == ".raw":
            command = ["py-spy", "record", "-s", "-f", "raw", "-o", str(profile), "--", *command]
        elif profile is not None:
            command = [sys.executable, "-m", "cProfile", "-o", str(profile), *scan]
        t0 = time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        memory = TreeMemory(proc.pid)
        memory.start()
        _stdout, stderr = proc.communicate()
        elapsed = time.perf_counter() - t0
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        # The scan and its page worker (reaped by the scan, so counted in its children's).
        cpu = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
        memory.done.set()
        memory.join()
        if proc.returncode != 0:
            print(stderr, file=sys.stderr)
            raise SystemExit(f"seolog scan exited {proc.returncode}")
        shown = subprocess.run(
            [sys.executable, "-m", "seolog", "scans", "show", "1", "--format", "json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        doc = json.loads(shown.stdout)
        if not self.args.keep:
            shutil.rmtree(home, ignore_errors=True)
        return {"wall": elapsed, "cpu": cpu, "memory": memory, "doc": doc}


def crawl_stats(doc: dict[str, Any]) -> dict[str, Any]:
    stats: dict[str, Any] = doc["summary"]["crawl"]
    return stats


def codes(doc: dict[str, Any], prefix: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for issue in doc["issues"]:
        if issue["code"].startswith(prefix):
            found[issue["code"]] = found.get(issue["code"], 0) + 1
    return found


def print_py_spy(raw: Path, top: int = 20) -> None:
    """Per process: the functions with the most samples, self (on top of the stack) and
    inclusive (anywhere in it). py-spy's raw format: one stack a line, frames joined by ";" from
    the process down, then the sample count."""
    procs: dict[str, tuple[Counter[str], Counter[str], list[int]]] = {}
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack.startswith("process ") or not count.isdigit():
            continue
        frames = stack.split(";")
        # A child's stacks start with its parent's process frame, then its own.
        while len(frames) > 1 and frames[1].startswith("process "):
            frames.pop(0)
        process = frames.pop(0).split(":")[0]
        own, inclusive, total = procs.setdefault(process, (Counter(), Counter(), [0]))
        names = [f.rsplit(":", 1)[0] + ")" if f.endswith(")") else f for f in frames]
        total[0] += int(count)
        if names:
            own[names[-1]] += int(count)
        for name in set(names):
            inclusive[name] += int(count)
    print(f"\nprofile (py-spy, CPU samples at 100/s) of one external scan ({raw}):")
    for process, (own, inclusive, total) in procs.items():
        worker = any("pipeline.py" in name and name.startswith("_serve") for name in inclusive)
        role = "page worker" if worker else "crawl process"
        print(f"\n{process} ({role}): {total[0]:,} samples")
        # Inclusive: below the frames every sample shares (the command's call chain).
        below = Counter({k: n for k, n in inclusive.items() if n < 0.9 * total[0]})
        for title, counts in (("self", own), ("inclusive", below)):
            print(f"  top {top} by {title}:")
            for name, n in counts.most_common(top):
                print(f"    {n / total[0]:6.1%}  {name}")


# --- the run -----------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="See the module docstring (head -40 bench/external.py) for what is measured.",
    )
    ap.add_argument("--pages", type=int, default=1000, help="HTML pages (default 1000)")
    ap.add_argument("--links", type=int, default=5000, help="distinct external links (5000)")
    ap.add_argument("--hosts", type=int, default=30, help="external hosts, one port each (30)")
    ap.add_argument(
        "--latency", type=float, default=20.0, help="ms every external answer waits (20; 0: none)"
    )
    ap.add_argument("--runs", type=int, default=3, help="scans each way; medians printed (3)")
    ap.add_argument("--concurrency", type=int, default=8, help="seolog scan --concurrency (8)")
    ap.add_argument(
        "--external-per-host", type=int, default=2, help="seolog's --external-per-host (2)"
    )
    ap.add_argument(
        "--profile",
        action="store_true",
        help="one more external scan under cProfile: the top costs of the crawl process",
    )
    ap.add_argument("--keep", action="store_true", help="keep the site and the databases")
    ap.add_argument(
        "--src", type=Path, default=SRC, help="the seolog to run: a src/ folder (this checkout's)"
    )
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="seolog-bench-external-"))
    site = work / "site"
    ports = [free_port() for _ in range(args.hosts)]
    urls = external_urls(args.links, ports)
    t0 = time.perf_counter()
    size, occurrences = generate(site, args.pages, urls)
    print(
        f"site:        {args.pages:,} pages, {size / args.pages / 1024:.1f} KiB each; "
        f"{args.links:,} distinct external links ({occurrences:,} links) on {args.hosts} hosts "
        f"answering after {args.latency:g} ms; generated in {time.perf_counter() - t0:.1f}s"
    )

    site_port = free_port()
    server = start_nginx(site, work, site_port)
    server_name = "nginx"
    if server is None:
        server = start_python_server(site, site_port)
        server_name = "python http.server (install nginx for real numbers)"
    missed: list[str] = []
    hosts: Hosts | None = None
    try:
        hosts = Hosts(ports, args.latency)  # may fail (a port taken meanwhile): nginx stops too
        wait_for(site_port)
        scan = Scan(work, site_port, args)
        scan.run(external=False)  # warm-up: disk cache, bytecode, nginx
        walls: dict[bool, list[float]] = {False: [], True: []}
        results: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
        max_in_flight, server_cpu, connections, requests = 0, 0.0, 0, 0
        for _ in range(args.runs):
            for external in (False, True):
                hosts.reset()
                cpu0 = hosts.stats()["cpu_s"]
                result = scan.run(external)
                seen = hosts.stats()
                if external:
                    max_in_flight = max(
                        max_in_flight, *(h["max_in_flight"] for h in seen["hosts"].values())
                    )
                    server_cpu = max(server_cpu, seen["cpu_s"] - cpu0)
                    connections = max(
                        connections, sum(h["connections"] for h in seen["hosts"].values())
                    )
                    requests = max(
                        requests,
                        sum(sum(h["methods"].values()) for h in seen["hosts"].values()),
                    )
                walls[external].append(result["wall"])
                results[external].append(result)
        profile = None
        if args.profile:
            profile = work / ("external.raw" if shutil.which("py-spy") else "external.prof")
            scan.run(external=True, profile=profile)
    finally:
        if hosts is not None:
            hosts.close()
        server.terminate()
        server.wait()

    off, on = statistics.median(walls[False]), statistics.median(walls[True])
    last_on, last_off = results[True][-1]["doc"], results[False][-1]["doc"]
    stats_on = crawl_stats(last_on)
    checked = stats_on.get("resources_checked", 0)
    memories = [r["memory"] for rs in results.values() for r in rs]
    hwm = max(m.hwm_sum for m in memories) / 1024
    peak_rss = max(m.peak_rss for m in memories) / 1024
    peak_pss = max(m.peak_pss for m in memories) / 1024
    largest = max(max(m.hwm.values(), default=0) for m in memories) / 1024
    hwm_off = max(r["memory"].hwm_sum for r in results[False]) / 1024
    hwm_on = max(r["memory"].hwm_sum for r in results[True]) / 1024

    def times(ws: list[float]) -> str:
        return ", ".join(f"{w:.1f}" for w in ws)

    print(f"site server: {server_name}; external hosts: bench/hosts.py (one asyncio process)")
    print(
        f"pages:       {last_on['scan']['pages_crawled']:,} crawled with external checks, "
        f"{last_off['scan']['pages_crawled']:,} without"
    )
    print(f"--no-external: {off:6.1f}s median of {args.runs} ({times(walls[False])})")
    print(f"external on:   {on:6.1f}s median of {args.runs} ({times(walls[True])})")
    print(f"ratio:       {on / off:.2f} (limit {MAX_RATIO:g})")
    cpu_off = statistics.median(r["cpu"] for r in results[False])
    cpu_on = statistics.median(r["cpu"] for r in results[True])
    print(
        f"CPU time:    {cpu_off:.1f}s --no-external, {cpu_on:.1f}s external (ratio "
        f"{cpu_on / cpu_off:.2f}; both processes, user + system, medians: steadier than wall "
        "time on a busy machine)"
    )
    print(
        f"checked:     {checked:,} links and resources "
        f"({stats_on.get('resource_requests', 0):,} requests, "
        f"{stats_on.get('retries', 0)} page retries); "
        f"findings {codes(last_on, 'external-') or 'none'}"
    )
    print(
        f"per host:    at most {max_in_flight} request(s) at once to one host "
        f"(--external-per-host {args.external_per_host}); {connections:,} connections "
        f"opened for {requests:,} requests; the hosts' server used {server_cpu:.1f} CPU-s"
    )
    print(
        f"peak memory: {hwm:.0f} MiB (sum of each process's VmHWM; --no-external {hwm_off:.0f}, "
        f"external {hwm_on:.0f}; largest process alone {largest:.0f}); sampled together: "
        f"RSS {peak_rss:.0f} MiB, PSS {peak_pss:.0f} MiB"
    )

    if on / off > MAX_RATIO:
        missed.append(f"external checks took {on / off:.2f}x the --no-external time (limit 2x)")
    if max_in_flight > args.external_per_host:
        missed.append(
            f"a host held {max_in_flight} requests at once (--external-per-host "
            f"{args.external_per_host})"
        )
    if hwm >= MAX_PEAK_MIB:
        missed.append(f"peak memory {hwm:.0f} MiB (limit {MAX_PEAK_MIB} MiB)")
    if checked < args.links:
        missed.append(f"only {checked:,} of {args.links:,} external links were checked")

    if profile is not None and profile.suffix == ".raw":
        print_py_spy(profile)
    elif profile is not None:
        print(f"\nprofile of the crawl process, one external scan ({profile}):")
        p = pstats.Stats(str(profile))
        p.sort_stats("tottime").print_stats(20)
        p.sort_stats("cumulative").print_stats(30)
    if args.keep:
        print(f"kept:        {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    for line in missed:
        print(f"MISSED: {line}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
