"""Benchmark seolog's start-up: what every command pays before it does anything.

    python bench/startup.py                      # this checkout against HEAD~1 (same run)
    python bench/startup.py --against 1fff542    # … against any git revision
    python bench/startup.py --runs 40

Runs `seolog --help`, `seolog scan --help` and `import seolog` in fresh processes, alternating
between this checkout and the other revision (checked out into a temporary git worktree), and
prints the median wall time of each and the ratio (this / other). Alternating runs share whatever
else the machine is doing, so the ratio holds on a busy machine where the seconds do not. The
first row, a bare `python -c pass`, is the floor no change to seolog can go below (site-packages
.pth files run there too).

Targets (issue 19, median of 10 on an idle 2-core machine): `seolog --help` under 0.3 s,
`seolog scan --help` under 0.4 s.
"""

from __future__ import annotations

import argparse
import os
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
}


def _time(src: Path, args: list[str], home: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "SEOLOG_HOME": home, "COLUMNS": "100"}
    # Bytecode is cached as an installed package's is; a run that compiles every module it
    # imports measures the compiler (and would favour whichever side was compiled before).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="HEAD~1", help="git revision to compare with")
    parser.add_argument("--runs", type=int, default=20, help="runs of each command per side")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="seolog-bench-home-")
    try:
        with sides(args.against) as src_of:
            for src in src_of.values():  # warm-up: writes the bytecode caches
                for command in COMMANDS.values():
                    _time(src, command, home)
            print(f"{'command':<22} {'this':>9} {args.against:>12} {'ratio':>7}")
            for name, command in COMMANDS.items():
                this, base = compare(src_of, lambda src, c=command: _time(src, c, home), args.runs)
                print(
                    f"{name:<22} {this * 1000:>7.0f}ms {base * 1000:>10.0f}ms {this / base:>7.2f}"
                )
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
