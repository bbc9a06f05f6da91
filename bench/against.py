"""What the same-run benchmarks share: another revision of seolog checked out beside this one, and
medians of alternating measurements printed with their ratio."""

from __future__ import annotations

import statistics
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def sides(revision: str) -> Iterator[dict[str, Path]]:
    """{"this": this checkout's src/, revision: that revision's src/}, the latter in a temporary
    git worktree removed afterwards."""
    other = Path(tempfile.mkdtemp(prefix="seolog-bench-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(other), revision],
        check=True,
        capture_output=True,
    )
    try:
        yield {"this": ROOT / "src", revision: other / "src"}
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)],
            capture_output=True,
        )


def compare(
    src_of: dict[str, Path], measure: Callable[[Path], float], rounds: int
) -> tuple[float, float]:
    """Measure each side `rounds` times, alternating (so both share whatever else the machine
    does), and return the medians (this, other)."""
    times: dict[str, list[float]] = {side: [] for side in src_of}
    for _ in range(rounds):
        for side, src in src_of.items():
            times[side].append(measure(src))
    this, other = (statistics.median(t) for t in times.values())
    return this, other
