"""Peak memory and time of what runs after a crawl (the site audit, the JSON document) on a scan
of any size, without crawling it: a scan kept by `bench/crawl.py --keep` is cloned to N pages.

    python bench/crawl.py --pages 10000 --keep          # prints "kept: /tmp/seolog-bench-…"
    python bench/bigscan.py /tmp/seolog-bench-…/home/seolog.db --pages 100000
    python bench/bigscan.py DB --pages 1000000 --src /work/main/src   # the same, another checkout

Each copy of a page gets its own URL (`?c=K`), title, description, content hash and SimHash
fingerprint (so the copies are no duplicates of each other) and its page findings; links and
resources are not copied (the audit reads them only for the few pages in trouble). Then, each in
a fresh process with this checkout's code (or `--src`): the site audit of the scan (`audit`), and
`seolog scans show 1 --format json --output FILE` (`json`). Prints each one's peak RSS (the
kernel's high-water mark of the process, so the number does not depend on the machine's load)
and its wall time (which does). The cloned database is cached beside the source, by size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEP = 10_000_000  # page IDs of copy K are the source's + K * STEP

AUDIT = """
import sys
from seolog.config import CrawlSettings
from seolog.context import AppContext
from seolog.crawl.stats import CrawlStats
from seolog.services.audit import audit_scan
from seolog.storage import repo
from seolog.storage.db import session_scope

ctx = AppContext(db_url=sys.argv[1])
with session_scope(ctx.engine) as session:
    scan = repo.scan_by_id(session, 1)
    settings = CrawlSettings.from_stored(scan.settings or {})
    stats = CrawlStats.from_dict(scan.stats)
print("score", audit_scan(ctx, 1, settings, stats))
"""


def clone(source: Path, target: Path, pages: int) -> None:
    """`target`: `source` with scan 1 grown to `pages` pages (copies of its pages)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    db = dst
    have = db.execute("SELECT count(*) FROM pages WHERE scan_id = 1").fetchone()[0]
    cols = [r[1] for r in db.execute("PRAGMA table_info(pages)")]
    issue_cols = [r[1] for r in db.execute("PRAGMA table_info(issues)") if r[1] != "id"]
    copies = -(-pages // have)
    for k in range(1, copies):
        left = min(have, pages - k * have)
        # XOR in SQL: (a | b) - (a & b); a different fingerprint for every copy
        xor = (k * 1_000_003) << 20
        exprs = {
            "id": f"id + {k * STEP}",
            "url": f"url || '?c={k}'",
            "final_url": f"final_url || '?c={k}'",
            "canonical": f"canonical || '?c={k}'",
            "title": f"title || ' c{k}'",
            "meta_description": f"meta_description || ' c{k}'",
            "content_hash": f"substr(content_hash, 1, 56) || printf('%08d', {k})",
            "simhash": f"(simhash | {xor}) - (simhash & {xor})",
        }
        select = ", ".join(exprs.get(c, c) for c in cols)
        db.execute(
            f"INSERT INTO pages ({', '.join(cols)}) SELECT {select} FROM pages "
            f"WHERE scan_id = 1 AND id < {STEP} ORDER BY id LIMIT {left}"
        )
        iexprs = {"page_id": f"page_id + {k * STEP}", "url": f"url || '?c={k}'"}
        iselect = ", ".join(iexprs.get(c, c) for c in issue_cols)
        db.execute(
            f"INSERT INTO issues ({', '.join(issue_cols)}) SELECT {iselect} FROM issues "
            f"WHERE scan_id = 1 AND page_id IN (SELECT id FROM pages WHERE scan_id = 1 "
            f"AND id < {STEP} ORDER BY id LIMIT {left})"
        )
        db.commit()
    db.execute("UPDATE scans SET pages_crawled = ? WHERE id = 1", (pages,))
    db.commit()
    db.close()


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(peak RSS in MiB, wall seconds, stdout) of `cmd` run alone in a fresh process: the
    kernel's high-water mark of that child (os.wait4), not of the children before it."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, text=True)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd[:4])} … exited {proc.returncode}:\n{err.read()}")
        return usage.ru_maxrss / 1024, elapsed, out.read()


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("db", type=Path, help="a SQLite store kept by bench/crawl.py --keep")
    ap.add_argument("--pages", type=int, default=100_000)
    ap.add_argument("--src", type=Path, default=Path(__file__).resolve().parent.parent / "src")
    ap.add_argument("--only", choices=("audit", "json"), help="measure one of the two")
    args = ap.parse_args()

    big = args.db.with_name(f"big-{args.pages}.db")
    if not big.exists():
        t0 = time.perf_counter()
        tmp = big.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        clone(args.db, tmp, args.pages)
        tmp.replace(big)
        print(f"cloned to {args.pages:,} pages in {time.perf_counter() - t0:.0f}s: {big}")
    work = Path(tempfile.mkdtemp(prefix="seolog-bigscan-"))
    db = work / "seolog.db"
    shutil.copyfile(big, db)
    env = {**os.environ, "SEOLOG_HOME": str(work), "PYTHONPATH": str(args.src)}
    env.pop("SEOLOG_DATABASE_URL", None)
    try:
        if args.only in (None, "audit"):
            peak, secs, out = measure([sys.executable, "-c", AUDIT, f"sqlite:///{db}"], env)
            print(f"audit: peak RSS {peak:.0f} MiB, {secs:.1f}s ({out.strip()}) [{args.src}]")
        if args.only in (None, "json"):
            out_file = work / "scan.json"
            cmd = [sys.executable, "-m", "seolog", "--quiet", "scans", "show", "1"]
            cmd += ["--format", "json", "--output", str(out_file)]
            peak, secs, _out = measure(cmd, env)
            size = out_file.stat().st_size / 1024 / 1024
            print(f"json:  peak RSS {peak:.0f} MiB, {secs:.1f}s, {size:.0f} MiB [{args.src}]")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
