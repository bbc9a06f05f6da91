"""Write a pip constraints file pinning each dependency to the lowest version pyproject.toml allows.

    python tools/lowest_constraints.py > lowest.txt
    pip install -c lowest.txt '.[test]'

CI installs with it to prove the declared floors really work (`.ci/run`). Only our direct
dependencies are pinned (`[project] dependencies`, plus `--extra NAME` groups): what they depend
on resolves as usual, to the newest allowed, as for a user who installs seolog next to an old
copy of, say, SQLAlchemy. Every dependency must state a floor (`name>=X`); one without is an
error, since "any version" is a promise nobody tested.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_FLOOR = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)")


def floors(requirements: list[str]) -> list[tuple[str, str]]:
    pinned = []
    for requirement in requirements:
        match = _FLOOR.match(requirement)
        if match is None:
            raise SystemExit(f"error: {requirement!r} states no minimum version (name>=X)")
        pinned.append((match[1].lower(), match[2]))
    return pinned


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pyproject", type=Path, default=ROOT / "pyproject.toml")
    parser.add_argument(
        "--extra", action="append", default=[], help="also pin this optional group (repeatable)"
    )
    args = parser.parse_args(argv)
    project = tomllib.loads(args.pyproject.read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in args.extra:
        try:
            requirements += project["optional-dependencies"][extra]
        except KeyError:
            raise SystemExit(f"error: no optional dependency group {extra!r}") from None
    pins = dict(floors(requirements))  # an extra repeating a dependency: one pin
    sys.stdout.write("".join(f"{name}=={version}\n" for name, version in sorted(pins.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
