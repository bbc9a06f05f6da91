"""Benchmark the audit report of a big scan: render time and PDF size.

    python bench/reports.py                 # crawls 10,000 generated pages first (bench/crawl.py)
    python bench/reports.py --pages 2000
    python bench/reports.py --home DIR      # report on the latest scan in an existing SEOLOG_HOME

Writes bench/out/audit.pdf and audit.html, and PNGs of the first pages when pdftoppm (Debian:
poppler-utils) is installed, so the result can be looked at.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def crawl(pages: int) -> Path:
    done = subprocess.run(
        [sys.executable, str(HERE / "crawl.py"), "--pages", str(pages), "--keep"],
        capture_output=True,
        text=True,
        check=True,
    )
    print(done.stdout.strip())
    kept = re.search(r"kept:\s+(\S+)", done.stdout)
    if kept is None:
        raise SystemExit("bench/crawl.py did not keep its work folder")
    return Path(kept.group(1)) / "home"


def seolog(home: Path, *args: str) -> float:
    env = {**os.environ, "SEOLOG_HOME": str(home), "PYTHONPATH": str(HERE.parent / "src")}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "seolog", "--quiet", *args], env=env, check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--home", type=Path, help="an existing SEOLOG_HOME with a completed scan")
    args = ap.parse_args()
    home = args.home or crawl(args.pages)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    pdf, html = out / "audit.pdf", out / "audit.html"
    pdf_s = seolog(home, "reports", "audit", "1", "--format", "pdf", "-o", str(pdf))
    html_s = seolog(home, "reports", "audit", "1", "--format", "html", "-o", str(html))
    print(f"pdf:         {pdf_s:.1f}s, {pdf.stat().st_size / 1024:,.0f} KiB ({pdf})")
    print(f"html:        {html_s:.1f}s, {html.stat().st_size / 1024:,.0f} KiB ({html})")
    extra = sorted(out.glob("audit-issues.csv"))
    if extra:
        print(f"appendix:    {extra[0].stat().st_size / 1024:,.0f} KiB CSV beside the PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-l", "4", str(pdf), str(out / "audit-page")],
            check=True,
        )
        print(f"pages:       {', '.join(p.name for p in sorted(out.glob('audit-page-*.png')))}")
    if args.home is None:
        shutil.rmtree(home.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
