"""Benchmark seolog's start-up: what every command pays before it does anything.

    python bench/startup.py                      # this checkout against HEAD~1 (same run)
    python bench/startup.py --against 1fff542    # … against any git revision
    python bench/startup.py --runs 40
    python bench/startup.py --cpu                # CPU time (user + system) instead of the clock

Runs `seolog --help`, `seolog scan --help`, `import seolog` and a whole scan of the tiny example
site (`seolog scan examples/site --format json --output FILE`: start-up, store, crawl, checks and
document, the fixed cost every scan pays) in fresh processes, alternating between this checkout
and the other revision (checked out into a temporary git worktree), and prints the median time of
each and the ratio (this / other). Alternating runs share whatever else the machine is doing, so
the ratio holds on a busy machine where the seconds do not; `--cpu` measures the processes' CPU
time (the scan's page worker included), which other processes inflate far less than the clock.
The first row, a bare `python -c pass`, is the floor no change to seolog can go below
(site-packages .pth files run there too). Each side scans into a store of its own (created and
migrated by the warm-up run), so a revision with another schema does not meet this one's.

Targets (issue 19, median of 10 on an idle 2-core machine): `seolog --help` under 0.3 s,
`seolog scan --help` under 0.4 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from against import compare, sides

COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "seolog --help": ["-m", "seolog", "--help"],
    "seolog scan --help": ["-m", "seolog", "scan", "--help"],
    "import seolog": ["-c", "import seolog"],
    "scan examples/site": [
        "-m",
        "seolog",
        "scan",
        "{site}",
        "--format",
        "json",
        "--output",
        "{out}",
    ],
}
SITE = Path(__file__).resolve().parent.parent / "examples" / "site"


def _cpu_seconds() -> float:
    """CPU time of every child process waited for so far (a scan's page worker included)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _time(src: Path, args: list[str], home: Path, cpu: bool = False) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "SEOLOG_HOME": str(home), "COLUMNS": "100"}
    # Bytecode is cached as an installed package's is; a run that compiles every module it
    # imports measures the compiler (and would favour whichever side was compiled before).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    args = [a.format(site=SITE, out=home / "scan.json") for a in args]
    start, used = time.perf_counter(), _cpu_seconds()
    subprocess.run([sys.executable, *args], env=env, stdout=subprocess.DEVNULL, check=True)
    return _cpu_seconds() - used if cpu else time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="HEAD~1", help="git revision to compare with")
    parser.add_argument("--runs", type=int, default=20, help="runs of each command per side")
    parser.add_argument("--cpu", action="store_true", help="CPU time instead of the clock")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="seolog-bench-home-"))
    try:
        with sides(args.against) as src_of:
            homes = {src: root / str(i) for i, src in enumerate(src_of.values())}
            for src, home in homes.items():  # warm-up: bytecode caches, the store migrated
                home.mkdir()
                for command in COMMANDS.values():
                    _time(src, command, home)
            print(f"{'command':<22} {'this':>9} {args.against:>12} {'ratio':>7}")
            for name, command in COMMANDS.items():
                this, base = compare(
                    src_of, lambda src, c=command: _time(src, c, homes[src], args.cpu), args.runs
                )
                print(
                    f"{name:<22} {this * 1000:>7.0f}ms {base * 1000:>10.0f}ms {this / base:>7.2f}"
                )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
