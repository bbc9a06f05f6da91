"""Benchmark `seolog scan` end to end on a generated site served by nginx on 127.0.0.1.

    python bench/crawl.py                 # 10,000 pages, ~30 KB each, ~50 links per page
    python bench/crawl.py --pages 2000    # quicker
    python bench/crawl.py --profile       # also profile the crawl process (pip install pyinstrument)

Prints pages/s and the peak memory of seolog: the crawl process and its page worker process,
sampled together from /proc (Linux) every 20 ms, plus the larger of the two alone. The seolog
under test is this checkout's (src/ first on PYTHONPATH), whatever else is installed. nginx (Debian: apt-get install nginx-light)
serves the files so the server is never the bottleneck; without it a Python server is used and the
numbers say more about that server than about seolog.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

WORDS = [
    "garden",
    "spade",
    "fork",
    "hoe",
    "pruner",
    "steel",
    "handle",
    "blade",
    "soil",
    "border",
    "plant",
    "root",
    "compost",
    "winter",
    "spring",
    "forge",
    "workshop",
    "repair",
    "sharpen",
    "oil",
    "rust",
    "edge",
    "tine",
    "clay",
    "loam",
    "seed",
    "bed",
    "mulch",
    "prune",
    "hedge",
    "rake",
]
LINKS_PER_PAGE = 50
TARGET_BYTES = 30_000


def page_html(i: int, n: int, rng: random.Random) -> str:
    links = "".join(
        f'<li><a href="/p/{rng.randrange(n)}.html">{" ".join(rng.choices(WORDS, k=3))}</a></li>'
        for _ in range(LINKS_PER_PAGE - 2)
    )
    nav = '<a href="/">Home</a> <a href="/p/0.html">First</a>'
    paragraphs = []
    size = 0
    while size < TARGET_BYTES - 6000:
        p = "<p>" + " ".join(rng.choices(WORDS, k=80)) + "</p>"
        paragraphs.append(p)
        size += len(p)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Page {i} – {' '.join(rng.choices(WORDS, k=4))}</title>"
        f'<meta name="description" content="{" ".join(rng.choices(WORDS, k=20))}">'
        f'<link rel="canonical" href="/p/{i}.html"></head><body><nav>{nav}</nav>'
        f"<h1>Page {i}</h1><h2>{' '.join(rng.choices(WORDS, k=3))}</h2>{''.join(paragraphs)}"
        f'<img src="/img/{i}.jpg" alt="picture {i}"><ul>{links}</ul></body></html>'
    )


def generate(root: Path, n: int) -> int:
    rng = random.Random(42)
    (root / "p").mkdir(parents=True)
    total = 0
    # Every page is reachable: the home page starts a chain through all of them.
    home = page_html(0, n, rng).replace("<ul>", '<ul><li><a href="/p/1.html">next</a></li>', 1)
    (root / "index.html").write_text(home)
    for i in range(n):
        html = page_html(i, n, rng).replace(
            "<ul>", f'<ul><li><a href="/p/{(i + 1) % n}.html">next</a></li>', 1
        )
        (root / "p" / f"{i}.html").write_text(html)
        total += len(html)
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(root: Path, work: Path, port: int) -> subprocess.Popen[bytes] | None:
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        return None
    user = "user root;" if os.geteuid() == 0 else ""
    conf = work / "nginx.conf"
    conf.write_text(
        f"""{user}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  default_type text/html;
  types {{ text/html html; }}
  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fcgi;
  uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
  server {{ listen 127.0.0.1:{port}; root {root}; }}
}}
"""
    )
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(work), "-g", "daemon off;"])
    return proc


def start_python_server(root: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(root),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


class RssSampler(threading.Thread):
    """Peak resident memory of a process tree (seolog and its page worker), from /proc."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_total = 0  # KiB, the processes together at one moment
        self.peak_single = 0
        self.done = threading.Event()

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _tree(self) -> list[int]:
        pids, i = [self.pid], 0
        while i < len(pids):
            try:
                kids = Path(f"/proc/{pids[i]}/task/{pids[i]}/children").read_text().split()
            except OSError:
                kids = []
            pids.extend(int(k) for k in kids)
            i += 1
        return pids

    def run(self) -> None:
        while not self.done.wait(0.02):
            sizes = [self._rss(p) for p in self._tree()]
            self.peak_total = max(self.peak_total, sum(sizes))
            self.peak_single = max(self.peak_single, *sizes)


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit("the benchmark server did not start")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument(
        "--profile", action="store_true", help="write bench/out/profile.html with pyinstrument"
    )
    ap.add_argument("--keep", action="store_true", help="keep the generated site and database")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="seolog-bench-"))
    site = work / "site"
    t0 = time.perf_counter()
    total = generate(site, args.pages)
    print(
        f"generated {args.pages:,} pages, {total / args.pages / 1024:.1f} KiB each, in {time.perf_counter() - t0:.1f}s"
    )

    port = free_port()
    server = start_nginx(site, work, port)
    server_name = "nginx"
    if server is None:
        server, server_name = (
            start_python_server(site, port),
            "python http.server (install nginx for real numbers)",
        )
    wait_for(port)

    src = str(Path(__file__).resolve().parent.parent / "src")
    env = {**os.environ, "SEOLOG_HOME": str(work / "home"), "PYTHONPATH": src}
    env.pop("SEOLOG_DATABASE_URL", None)
    scan = [
        "-m",
        "seolog",
        "--quiet",
        "scan",
        f"http://127.0.0.1:{port}/",
        "--max-pages",
        str(args.pages + 10),
        "--concurrency",
        str(args.concurrency),
    ]
    if args.profile:
        out_dir = Path(__file__).parent / "out"
        out_dir.mkdir(exist_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "pyinstrument",
            "-r",
            "html",
            "-o",
            str(out_dir / "profile.html"),
            *scan,
        ]
    else:
        cmd = [sys.executable, *scan]
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        sampler = RssSampler(proc.pid)
        sampler.start()
        _stdout, stderr = proc.communicate()
        elapsed = time.perf_counter() - t0
        sampler.done.set()
    finally:
        server.terminate()
        server.wait()
    if proc.returncode != 0:
        print(stderr)
        raise SystemExit(f"seolog exited {proc.returncode}")
    t0 = time.perf_counter()
    shown = subprocess.run(
        [sys.executable, "-m", "seolog", "scans", "show", "1", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    json_s = time.perf_counter() - t0
    doc = json.loads(shown.stdout)
    pages = doc["scan"]["pages_crawled"]
    counts, crawl = doc["summary"]["pages"], doc["summary"]["crawl"]
    db_size = (work / "home" / "seolog.db").stat().st_size / 1024 / 1024
    print(f"server:      {server_name}")
    print(f"pages:       {pages:,} ({counts['html']:,} HTML, {counts['failed']} failed)")
    print(f"wall time:   {elapsed:.1f}s (process start to exit)")
    print(
        f"crawl rate:  {crawl['pages_per_s']:.0f} pages/s (crawl loop), "
        f"{pages / elapsed:.0f} pages/s end to end (crawl, checks, scores)"
    )
    print(
        f"audit:       score {doc['scan']['score']}, {len(doc['issues']):,} findings; "
        f"the JSON document took {json_s:.1f}s"
    )
    print(
        f"peak RSS:    {sampler.peak_total / 1024:.0f} MiB (crawl + page worker together; "
        f"largest alone {sampler.peak_single / 1024:.0f} MiB)"
    )
    print(f"database:    {db_size:.0f} MiB")
    if args.profile:
        print(f"profile:     {Path(__file__).parent / 'out' / 'profile.html'}")
    if args.keep:
        print(f"kept:        {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
