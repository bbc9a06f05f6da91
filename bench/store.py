"""Benchmark the store alone as it grows: save pages (with ~50 links each, their findings and the
scan's count) in crawl-sized batches and print the cost per page every 10,000 pages.

    python bench/store.py                  # 100,000 pages: ~5 million link rows
    python bench/store.py --pages 20000

It separates the store from the network and the parser when a big crawl slows down.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from crawl import page_html
from seolog.checks.rules import AuditRules
from seolog.checks.runner import audit_page
from seolog.checks.thresholds import Thresholds
from seolog.crawl.frontier import Scope
from seolog.domain import CrawledPage, FetchResult
from seolog.parse.extract import extract_page
from seolog.storage import repo
from seolog.storage.db import open_store, session_scope
from seolog.storage.models import Scan, Site
from seolog.storage.writer import WRITE_BATCH

ORIGIN = "http://127.0.0.1:8000"
DISTINCT = 1000  # parsed once, stored under ever new URLs


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=100_000)
    args = ap.parse_args()
    rng = random.Random(7)
    scope = Scope(ORIGIN + "/")
    snapshots = [
        extract_page(page_html(i, args.pages, rng), f"{ORIGIN}/p/{i}.html", scope.is_internal)
        for i in range(DISTINCT)
    ]
    with tempfile.TemporaryDirectory() as folder:
        engine = open_store(f"sqlite:///{folder}/seolog.db")
        with session_scope(engine) as session:
            site = repo.add(session, Site(name="bench", root_url=ORIGIN + "/"))
            scan = repo.add(
                session,
                Scan(site_id=site.id or 0, start_url=ORIGIN + "/", scan_type="manual",
                     status="running", seolog_version="bench"),
            )  # fmt: skip
            scan_id = scan.id or 0
        saved, t0, window = 0, time.perf_counter(), time.perf_counter()
        batch: list[CrawledPage] = []
        while saved < args.pages:
            i = saved + len(batch)
            url = f"{ORIGIN}/p/{i}.html"
            page = CrawledPage(FetchResult(url=url, final_url=url, status_code=200,
                                           content_type="text/html", size=27_000), 1, "link")  # fmt: skip
            page.snapshot = snapshots[i % DISTINCT]
            audit_page(Thresholds(), AuditRules(), page)
            batch.append(page)
            if len(batch) == WRITE_BATCH:
                repo.save_pages(engine, scan_id, batch)
                saved += len(batch)
                batch = []
                if saved % 10_000 == 0:
                    now = time.perf_counter()
                    print(f"{saved:>7,} pages: {(now - window) / 10:.3f} ms/page (checks + store)")
                    window = now
        size = Path(folder, "seolog.db").stat().st_size / 1024 / 1024
        print(
            f"total:   {(time.perf_counter() - t0) / saved * 1000:.3f} ms/page, database {size:,.0f} MiB"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
