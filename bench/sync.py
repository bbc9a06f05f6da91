"""Benchmark `seolog sync push`: a scanned site pushed to the test suite's contract platform.

    python bench/sync.py                  # 2,000 pages
    python bench/sync.py --pages 10000

Generates the crawl benchmark's pages, scans them as a folder, then pushes the scan to the
contract server of tests/sync/platform.py on 127.0.0.1 (a threaded Python server that validates
every request, so it costs about as much as the client). Prints the time to queue the pages (the
payloads are built and stored in the outbox), pages/s and requests/s of the push as a whole, and
the push's peak memory. The seolog under test is this checkout's (src/ first on PYTHONPATH).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "bench")]

from tests.sync.platform import Platform  # noqa: E402

from crawl import RssSampler, generate  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=2_000)
    ap.add_argument("--concurrency", type=int, default=4, help="seolog sync push --concurrency")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="seolog-bench-sync-"))
    site = work / "site"
    generate(site, args.pages)
    env = {**os.environ, "SEOLOG_HOME": str(work / "home"), "PYTHONPATH": f"{ROOT / 'src'}"}
    env.pop("SEOLOG_DATABASE_URL", None)
    t0 = time.perf_counter()
    scan = subprocess.run(
        [sys.executable, "-m", "seolog", "--quiet", "scan", str(site), "--format", "json",
         "--max-pages", str(args.pages + 10)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if scan.returncode != 0:
        raise SystemExit(f"the scan failed: {scan.stderr}")
    doc = json.loads(scan.stdout)
    print(f"scanned:     {doc['scan']['pages_crawled']:,} pages in {time.perf_counter() - t0:.1f}s")

    platform = Platform().start()
    key, _remote = platform.add_site("Bench", doc["scan"]["url"])
    env.update(SEOLOG_API_KEY=key, SEOLOG_API_URL=platform.api_url)
    try:
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        server0 = time.process_time()
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "seolog", "sync", "push", doc["scan"]["site"], "--format", "json",
             "--concurrency", str(args.concurrency)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        sampler = RssSampler(proc.pid)
        sampler.start()
        out, err = proc.communicate()
        elapsed = time.perf_counter() - t0
        server_cpu = time.process_time() - server0
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        push_cpu = (children.ru_utime - children0.ru_utime) + (
            children.ru_stime - children0.ru_stime
        )
        sampler.done.set()
    finally:
        platform.stop()
    if proc.returncode != 0:
        raise SystemExit(f"the push failed ({proc.returncode}): {err}")
    result = json.loads(out)
    sent = result["created"] + result["updated"]
    requests = len(platform.state.requests)
    print(f"pushed:      {sent:,} pages ({result['created']:,} new), {requests:,} requests")
    print(f"push time:   {elapsed:.1f}s (process start to exit, queueing included)")
    print(f"push rate:   {sent / elapsed:.0f} pages/s, {requests / elapsed:.0f} requests/s")
    print(f"CPU time:    seolog {push_cpu:.1f}s, the contract server {server_cpu:.1f}s (2 cores)")
    print(f"peak RSS:    {sampler.peak_total / 1024:.0f} MiB")
    print(f"duplicates:  {platform.state.creations - sent} (must be 0)")


if __name__ == "__main__":
    main()
