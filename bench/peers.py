"""seolog against its crawl-speed peers on two real documentation sites served by nginx.

    python bench/peers.py                                   # 5 paired runs per site
    python bench/peers.py --runs 3 --sites pg               # the PostgreSQL manual only
    python bench/peers.py --advertools-python /tmp/advenv/bin/python
    python bench/peers.py --src /tmp/other/src              # another seolog (a patched copy)

The sites are the Debian documentation packages (apt-get install postgresql-doc-15 python3.11-doc):
the PostgreSQL 15 manual (~1,170 small pages) and the Python 3.11 docs (~530 heavy pages), each
served by its own nginx (apt-get install nginx-light) on a free port of 127.0.0.1, with a
temporary configuration, so the server is never the bottleneck.

The peers, each run as a process of its own, one after the other in every round (the order turns
each round, so all share whatever else the machine does):
- seolog end to end: `seolog scan URL --no-external --format json --output FILE` with a fresh
  SEOLOG_HOME (crawl, page and site checks, the store, the JSON document; other hosts' links are
  not asked, as the peers ask none). This checkout's src/ or --src.
- advertools (Scrapy), optional: `advertools.crawl(URL, FILE, follow_links=True)` with its
  defaults (allowed_domains set to the host: Scrapy ignores one with a port). It is not a seolog dependency: make a venv (`python -m venv /tmp/advenv &&
  /tmp/advenv/bin/pip install advertools`) and pass its python with --advertools-python.
- the bare loop, bench/bareloop.py: httpx + selectolax, same-host links, breadth-first, 8
  fetches at once, no robots.txt, checks or storage: the ceiling for Python on these libraries.

For each: pages/s (pages over wall time, process start to exit), CPU seconds (user + system of
the process and its children: steadier than the clock on a busy machine), and peak RSS (every
process of the run summed, sampled from /proc every 20 ms like bench/crawl.py). Printed as the
median of --runs rounds, with the ratios seolog/advertools and seolog/bare (the median of each
round's ratio). Goals (issue 20): >= 8x advertools on the manual, >= 15x on the Python docs,
>= 0.9 of the bare loop.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from crawl import RssSampler, free_port, launch_nginx, nginx_binary, wait_for

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
SITES = {
    "pg": ("PostgreSQL 15 manual", Path("/usr/share/doc/postgresql-doc-15/html")),
    "py": ("Python 3.11 docs", Path("/usr/share/doc/python3.11/html")),
}
GOALS = {"pg": 8.0, "py": 15.0}  # x advertools, issue 20
BARE_GOAL = 0.9
ADVERTOOLS_SCRIPT = """
import sys
from urllib.parse import urlsplit
import advertools as adv
# The host without its port: Scrapy's offsite filter ignores a domain with a port, and then
# filters out every URL, the start URL too.
adv.crawl(sys.argv[1], sys.argv[2], follow_links=True,
          allowed_domains=[urlsplit(sys.argv[1]).hostname],
          custom_settings={"LOG_LEVEL": "ERROR"})
"""


@dataclass
class Run:
    pages: int
    seconds: float
    cpu: float
    peak_mib: float

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def start_nginx(
    roots: dict[str, Path], work: Path
) -> tuple[subprocess.Popen[bytes], dict[str, int]]:
    """One nginx, one server (port) per site, with the system's MIME types when present."""
    nginx = nginx_binary()
    if nginx is None:
        raise SystemExit("nginx is needed: apt-get install nginx-light")
    ports = {key: free_port() for key in roots}
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    servers = "\n".join(
        f"  server {{ listen 127.0.0.1:{ports[k]}; root {root}; index index.html; }}"
        for k, root in roots.items()
    )
    proc = launch_nginx(nginx, work, f"  {mime}\n{servers}")
    for port in ports.values():
        wait_for(port)
    return proc, ports


def measure(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (the process and its children), peak RSS MiB, stdout."""
    errors = cwd / "stderr.txt"
    t0 = time.perf_counter()
    with errors.open("w") as stderr:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=stderr)
    sampler = RssSampler(proc.pid)
    sampler.start()
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    # wait4 gives the CPU time of the process and every child it waited for (the page workers).
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    sampler.done.set()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # seolog exits 1 when it has findings
        err = errors.read_text()[-2000:]
        raise SystemExit(f"{' '.join(cmd[:4])} … exited {proc.returncode}:\n{err}")
    return elapsed, usage.ru_utime + usage.ru_stime, sampler.peak_total / 1024, out


def run_seolog(url: str, src: Path, work: Path) -> Run:
    home = Path(tempfile.mkdtemp(prefix="home-", dir=work))
    out = home / "scan.json"
    env = {**os.environ, "SEOLOG_HOME": str(home), "PYTHONPATH": str(src)}
    env.pop("SEOLOG_DATABASE_URL", None)
    # --no-external: the peers ask no other host, and where the machine has no internet (CI, a
    # sandbox) the Python docs' links to python.org and others wait on name lookups that fail,
    # which would measure the resolver, not the crawl.
    cmd = [
        sys.executable,
        "-m",
        "seolog",
        "--quiet",
        "scan",
        url,
        "--no-external",
        "--format",
        "json",
    ]
    secs, cpu, peak, _ = measure([*cmd, "--output", str(out)], env, work)
    pages = json.loads(out.read_text())["scan"]["pages_crawled"]
    shutil.rmtree(home, ignore_errors=True)
    return Run(pages, secs, cpu, peak)


def run_advertools(url: str, python: str, work: Path) -> Run:
    out = work / "adv.jl"
    out.unlink(missing_ok=True)
    # advertools runs the `scrapy` command it installed beside its python.
    path = f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": path}
    secs, cpu, peak, _ = measure([python, "-c", ADVERTOOLS_SCRIPT, url, str(out)], env, work)
    if not out.exists():
        raise SystemExit(f"advertools wrote nothing: {(work / 'stderr.txt').read_text()[-2000:]}")
    pages = sum(1 for line in out.read_text().splitlines() if line.strip())
    return Run(pages, secs, cpu, peak)


def run_bare(url: str, work: Path) -> Run:
    secs, cpu, peak, out = measure(
        [sys.executable, str(HERE / "bareloop.py"), url], dict(os.environ), work
    )
    return Run(int(out.strip()), secs, cpu, peak)


def median(runs: list[Run], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def report(name: str, results: dict[str, list[Run]], key: str) -> None:
    print(f"\n{name}: median of {len(results['seolog'])} paired runs")
    print(f"  {'':12} {'pages':>6} {'pages/s':>8} {'wall s':>7} {'CPU s':>6} {'peak RSS':>9}")
    for peer, runs in results.items():
        print(
            f"  {peer:12} {median(runs, 'pages'):>6.0f} {median(runs, 'rate'):>8.0f} "
            f"{median(runs, 'seconds'):>7.2f} {median(runs, 'cpu'):>6.2f} "
            f"{median(runs, 'peak_mib'):>6.0f} MiB"
        )
    ours = results["seolog"]
    for peer, goal in (("advertools", GOALS[key]), ("bare loop", BARE_GOAL)):
        if peer not in results:
            continue
        ratio = statistics.median(a.rate / b.rate for a, b in zip(ours, results[peer], strict=True))
        cpu = statistics.median(
            (a.pages / a.cpu) / (b.pages / b.cpu) for a, b in zip(ours, results[peer], strict=True)
        )
        mem = statistics.median(
            a.peak_mib / b.peak_mib for a, b in zip(ours, results[peer], strict=True)
        )
        verdict = "met" if ratio >= goal else f"missed by {goal / ratio:.2f}x"
        print(
            f"  seolog/{peer}: {ratio:.2f}x pages/s (goal {goal:g}x: {verdict}), "
            f"{cpu:.2f}x pages per CPU second, {mem:.2f}x peak RSS"
        )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sites", nargs="+", choices=sorted(SITES), default=sorted(SITES))
    ap.add_argument("--advertools-python", help="a python with advertools installed")
    ap.add_argument("--src", type=Path, default=SRC, help="the seolog src/ to measure")
    args = ap.parse_args()

    roots = {k: SITES[k][1] for k in args.sites}
    missing = [str(r) for r in roots.values() if not (r / "index.html").exists()]
    if missing:
        raise SystemExit(
            f"not found: {', '.join(missing)} (apt-get install postgresql-doc-15 python3.11-doc)"
        )
    # Bytecode for the seolog measured, as an installed one has (pip compiles it): with
    # PYTHONDONTWRITEBYTECODE set, a checkout's src/ would be compiled again on every run.
    compileall.compile_dir(str(args.src), quiet=1)
    peers = ["seolog", "bare loop"]
    if args.advertools_python:
        peers.insert(1, "advertools")
    else:
        print(
            "advertools: skipped (to compare: python -m venv /tmp/advenv && "
            "/tmp/advenv/bin/pip install advertools, then --advertools-python /tmp/advenv/bin/python)"
        )
    work = Path(tempfile.mkdtemp(prefix="seolog-peers-"))
    server, ports = start_nginx(roots, work)
    try:
        for key in args.sites:
            url = f"http://127.0.0.1:{ports[key]}/"
            results: dict[str, list[Run]] = {p: [] for p in peers}
            for i in range(args.runs):
                order = peers[i % len(peers) :] + peers[: i % len(peers)]
                for peer in order:
                    if peer == "seolog":
                        run = run_seolog(url, args.src, work)
                    elif peer == "advertools":
                        run = run_advertools(url, args.advertools_python, work)
                    else:
                        run = run_bare(url, work)
                    results[peer].append(run)
                    print(
                        f"  {key} round {i + 1} {peer}: {run.pages} pages, {run.rate:.0f} pages/s, "
                        f"{run.cpu:.1f} CPU s, {run.peak_mib:.0f} MiB",
                        file=sys.stderr,
                    )
            report(SITES[key][0], results, key)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
