"""Benchmark `seolog scan` end to end on a generated site served by nginx on 127.0.0.1.

    python bench/crawl.py                 # 10,000 pages, ~30 KB each, ~50 links per page
    python bench/crawl.py --pages 2000    # quicker
    python bench/crawl.py --profile       # also profile the crawl process (pip install pyinstrument)
    python bench/crawl.py --pages 1000000 # nginx makes the pages up: nothing written to disk
    python bench/crawl.py --generated --interrupt-after 60   # Ctrl-C, then `scans resume`
    python bench/crawl.py --src /work/main/src               # the same, another checkout

Above 100,000 pages (or with --generated) no files are written (30 KB x 1M would be 30 GB):
nginx answers every /p/N.html itself (`return 200`) with a small page (~1 KB: a title, a
description and a few sentences naming N, a canonical, links home and to its ten "children"
/p/N0.html … /p/N9.html). Every page is reached once, breadth first, depth = its digits; pages
with as many digits as the count minus one are leaves, so the site has 10^k - 1 pages for a
count of 10^k (1,000,000 → 999,999 pages plus the home page), and the crawl finishes.

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
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
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


def generated_conf(n: int) -> tuple[int, str]:
    """(pages, nginx `location` blocks) of the made-up site for about `n` pages."""
    digits = max(1, len(str(n)) - 1)
    pages = 10**digits - 1
    head = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
    )

    def page(children: bool) -> str:
        links = "".join(
            f"<li><a href='/p/${{num}}{d}.html'>part {d} of $num</a></li>" for d in range(10)
        )
        return (
            f"{head}<title>Garden tools page $num of the bench site</title>"
            "<meta name='description' content='Spades, forks and pruners: page $num of the "
            "generated site, with its own description.'>"
            "<link rel='canonical' href='/p/$num.html'></head><body>"
            "<nav><a href='/'>Home</a></nav><h1>Page $num</h1>"
            "<p>Page $num is about forged steel garden tools and their care. It names $num so no two "
            "pages read alike.</p>" + (f"<ul>{links}</ul>" if children else "") + "</body></html>"
        )

    sections = "".join(f"<li><a href='/p/{d}.html'>section {d}</a></li>" for d in range(1, 10))
    home = (
        f"{head}<title>Garden tools: the generated bench site</title></head><body><h1>Home</h1>"
        f"<ul>{sections}</ul></body></html>"
    )
    blocks = [f'location = / {{ return 200 "{home}"; }}']
    if digits > 1:
        inner = f"[1-9][0-9]{{0,{digits - 2}}}"
        blocks.append(f'location ~ "^/p/(?<num>{inner})\\.html$" {{ return 200 "{page(True)}"; }}')
    leaf = f"[1-9][0-9]{{{digits - 1}}}"
    blocks.append(f'location ~ "^/p/(?<num>{leaf})\\.html$" {{ return 200 "{page(False)}"; }}')
    return pages, "\n  ".join(blocks)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def launch_nginx(nginx: str, work: Path, http: str) -> subprocess.Popen[bytes]:
    """nginx in the foreground with a configuration of its own in `work` (pid, logs and
    temporary files there too), `http` inside its http block: no access log, connections kept
    alive, so the server is never what a benchmark measures."""
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
  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fcgi;
  uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
{http}
}}
"""
    )
    return subprocess.Popen([nginx, "-c", str(conf), "-p", str(work), "-g", "daemon off;"])


def start_nginx(
    root: Path, work: Path, port: int, locations: str = ""
) -> subprocess.Popen[bytes] | None:
    nginx = nginx_binary()
    if nginx is None:
        return None
    return launch_nginx(
        nginx,
        work,
        f"""  default_type text/html;
  types {{ text/html html; }}
  server {{ listen 127.0.0.1:{port}; root {root};
  {locations}
  }}""",
    )


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


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (the scan, its page workers), from /proc (Linux)."""
    pids, i = [pid], 0
    while i < len(pids):
        try:
            kids = Path(f"/proc/{pids[i]}/task/{pids[i]}/children").read_text().split()
        except OSError:
            kids = []
        pids.extend(int(k) for k in kids)
        i += 1
    return pids


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

    def run(self) -> None:
        while not self.done.wait(0.02):
            sizes = [self._rss(p) for p in process_tree(self.pid)]
            self.peak_total = max(self.peak_total, sum(sizes))
            self.peak_single = max(self.peak_single, *sizes)


def stored_pages(db_file: Path) -> int:
    """Pages the scan stored (read once it has exited: a running scan holds the store)."""
    with closing(sqlite3.connect(db_file, timeout=5)) as db:
        return int(db.execute("SELECT count(*) FROM pages").fetchone()[0])


def run(
    cmd: list[str], env: dict[str, str], interrupt_after: float | None
) -> tuple[subprocess.Popen[str], float, RssSampler, str]:
    """Run a seolog command, sampling its memory; with `interrupt_after`, Ctrl-C (SIGINT) it
    after that many seconds."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A bench started in the background (`… &`) has SIGINT ignored, and its children too:
        # Ctrl-C would do nothing. Give the scan the default action back.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    sampler = RssSampler(proc.pid)
    sampler.start()
    if interrupt_after:
        try:
            proc.wait(interrupt_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)
    _stdout, stderr = proc.communicate()
    elapsed = time.perf_counter() - t0
    sampler.done.set()
    return proc, elapsed, sampler, stderr


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
    ap.add_argument(
        "--generated",
        action="store_true",
        help="nginx makes the pages up (small ones, no files; the default above 100,000 pages)",
    )
    ap.add_argument(
        "--json", action="store_true", help="the scan also writes --format json --output FILE"
    )
    ap.add_argument(
        "--interrupt-after",
        type=float,
        metavar="SECONDS",
        help="Ctrl-C the scan after SECONDS, then `scans resume` it to the end",
    )
    ap.add_argument(
        "--src",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "src",
        help="the seolog checkout to measure (default: this one's src/)",
    )
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="seolog-bench-"))
    site = work / "site"
    t0 = time.perf_counter()
    locations = ""
    if args.generated or args.pages > 100_000:
        site.mkdir()
        args.pages, locations = generated_conf(args.pages)
        print(f"nginx makes up {args.pages:,} pages (~1 KiB each), no files written")
    else:
        total = generate(site, args.pages)
        print(
            f"generated {args.pages:,} pages, {total / args.pages / 1024:.1f} KiB each, in {time.perf_counter() - t0:.1f}s"
        )

    port = free_port()
    server = start_nginx(site, work, port, locations)
    if server is None and locations:
        raise SystemExit("a generated site needs nginx (Debian: apt-get install nginx-light)")
    server_name = "nginx"
    if server is None:
        server, server_name = (
            start_python_server(site, port),
            "python http.server (install nginx for real numbers)",
        )
    wait_for(port)

    src = str(args.src)
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
    if args.json:
        scan += ["--format", "json", "--output", str(work / "scan.json")]
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
    db_file = work / "home" / "seolog.db"
    resumed = None
    try:
        proc, elapsed, sampler, stderr = run(cmd, env, args.interrupt_after)
        if args.interrupt_after:
            if proc.returncode != 130:
                print(stderr)
                raise SystemExit(
                    f"the interrupted scan exited {proc.returncode}, not 130 "
                    f"({stored_pages(db_file):,} pages stored)"
                )
            stored = stored_pages(db_file)
            print(f"interrupted: exit 130 after {elapsed:.1f}s with {stored:,} pages stored")
            print(f"  peak RSS:  {sampler.peak_total / 1024:.0f} MiB")
            again = [sys.executable, "-m", "seolog", "--quiet", "scans", "resume", "1"]
            resumed = run(again, env, None)
            proc, elapsed, sampler, stderr = resumed
    finally:
        server.terminate()
        server.wait()
    if proc.returncode != 0:
        print(stderr)
        raise SystemExit(f"seolog exited {proc.returncode}")
    # The document written by a fresh process, timed and its memory taken (os.wait4).
    t0 = time.perf_counter()
    show = ["scans", "show", "1", "--format", "json", "--output", str(work / "shown.json")]
    shown = subprocess.Popen([sys.executable, "-m", "seolog", "--quiet", *show], env=env)
    _pid, status, usage = os.wait4(shown.pid, 0)
    json_s = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("scans show --format json failed")
    json_mib = (work / "shown.json").stat().st_size / 1024 / 1024
    with sqlite3.connect(db_file) as db:
        score, stats = db.execute("SELECT score, stats FROM scans WHERE id = 1").fetchone()
        pages, html, failed = db.execute(
            "SELECT count(*), count(word_count), count(error_kind) FROM pages WHERE scan_id = 1"
        ).fetchone()
        findings = db.execute("SELECT count(*) FROM issues WHERE scan_id = 1").fetchone()[0]
    crawl = json.loads(stats or "{}")
    counts = {"html": html, "failed": failed}
    doc = {"scan": {"score": score}}
    print(f"server:      {server_name}")
    print(f"pages:       {pages:,} ({counts['html']:,} HTML, {counts['failed']} failed)")
    print(f"wall time:   {elapsed:.1f}s (process start to exit)")
    print(
        f"crawl rate:  {crawl.get('pages_per_s', 0):.0f} pages/s (crawl loop), "
        f"{pages / elapsed:.0f} pages/s end to end (crawl, checks, scores)"
    )
    print(
        f"audit:       score {doc['scan']['score']}, {findings:,} findings; the JSON "
        f"document ({json_mib:.0f} MiB) took {json_s:.1f}s, peak RSS {usage.ru_maxrss / 1024:.0f} MiB"
    )
    print(
        f"peak RSS:    {sampler.peak_total / 1024:.0f} MiB (crawl + page worker together; "
        f"largest alone {sampler.peak_single / 1024:.0f} MiB)"
    )
    print(f"database:    {db_file.stat().st_size / 1024 / 1024:.0f} MiB")
    if args.profile:
        print(f"profile:     {Path(__file__).parent / 'out' / 'profile.html'}")
    if args.keep:
        print(f"kept:        {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
