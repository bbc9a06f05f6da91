"""Benchmark page extraction (parse, main content, fingerprints, structured data): the CPU cost
every crawled HTML page pays in the page worker.

    python bench/extract.py                      # this checkout against HEAD~1 (same run)
    python bench/extract.py --against 1fff542    # … against any git revision
    python bench/extract.py --pages 200 --rounds 7

The pages are real ones: the Python 3.11 documentation (Debian: python3.11-doc) and the
PostgreSQL 15 manual (postgresql-doc-15), the first --pages of each that is installed. Each round
runs `extract_page` over all of them once in a fresh process per side, alternating between this
checkout and the other revision (checked out into a temporary git worktree); it prints the median
ms per page of each and the ratio (this / other). Alternating rounds share whatever else the
machine is doing, so the ratio holds on a busy machine where the milliseconds do not.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from against import compare, sides

CORPORA = {
    "python docs": Path("/usr/share/doc/python3.11/html"),
    "postgresql manual": Path("/usr/share/doc/postgresql-doc-15/html"),
}
# Run in a fresh interpreter with the side's src/ first on sys.path: times one pass, in seconds.
TIMER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from seolog.parse.extract import extract_page
pages = [open(p, encoding="utf-8", errors="replace").read() for p in sys.argv[2:]]
extract_page(pages[0], "http://127.0.0.1/x.html", lambda u: True)  # warm caches and imports
start = time.perf_counter()
for html in pages:
    extract_page(html, "http://127.0.0.1/x.html", lambda u: True)
print(time.perf_counter() - start)
"""


def _pass(src: Path, files: list[str]) -> float:
    run = subprocess.run(
        [sys.executable, "-c", TIMER, str(src), *files], capture_output=True, text=True, check=True
    )
    return float(run.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="HEAD~1", help="git revision to compare with")
    parser.add_argument("--pages", type=int, default=150, help="pages of each site")
    parser.add_argument("--rounds", type=int, default=5, help="passes per side")
    args = parser.parse_args()
    corpora = {
        name: sorted(str(p) for p in folder.rglob("*.html"))[: args.pages]
        for name, folder in CORPORA.items()
        if folder.is_dir()
    }
    if not corpora:
        sys.exit("needs python3.11-doc or postgresql-doc-15: apt-get install python3.11-doc")
    with sides(args.against) as src_of:
        print(f"{'pages':<24} {'this':>10} {args.against:>12} {'ratio':>7}")
        for name, files in corpora.items():
            this, base = compare(src_of, lambda src, f=files: _pass(src, f) / len(f), args.rounds)
            label = f"{name} ({len(files)})"
            print(f"{label:<24} {this * 1000:>7.2f}ms {base * 1000:>9.2f}ms {this / base:>7.2f}")


if __name__ == "__main__":
    main()
