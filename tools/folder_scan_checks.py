"""Print the README's list of the checks a folder scan leaves out, generated from the registry.

    python tools/folder_scan_checks.py

A folder scan (`seolog scan ./public`) is served by seolog's own local server, so checks that
only the live server's configuration can fix (`server_only=True` on the check) are not
applicable there.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from seolog.checks.registry import catalog


def main() -> None:
    left_out = [s for s in catalog() if s.server_only]
    print("A folder scan leaves out the checks only the live server can fix; scan the deployed")
    print("URL to judge them. They count as not applicable (they weigh nothing in the score):")
    print()
    for spec in sorted(left_out, key=lambda s: s.code):
        print(f"- `{spec.code}`: {spec.title}")


if __name__ == "__main__":
    main()
