"""The layer picture, checked: dependencies point down only, so the library never needs the CLI
and the crawler never needs the store. A new upward import fails here, naming the module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import seolog

pytestmark = pytest.mark.store_agnostic

SRC = Path(seolog.__file__).resolve().parent

# What each part of the package may import besides itself, lowest layer first.
BASE = {"errors", "domain", "urls", "retryafter", "config", "settings", "secrets", "files",
        "worklog", "suggest", "scope", "wording", "csvsafe", "ids", "__version__"}  # fmt: skip
ALLOWED: dict[str, set[str]] = {
    **{name: BASE for name in BASE},
    "parse": BASE,
    "browser": BASE,  # Chromium through Playwright: driven by the crawl, knows nothing of it
    "lab": BASE,  # Lighthouse: run by the lab service on pages a scan stored
    # A language model's suggestions, held to the checks' own measures (title width …)
    "llm": BASE | {"checks"},
    "crawl": BASE | {"parse", "browser"},
    "checks": BASE,
    "scoring": BASE,
    "storage": BASE,
    "output": BASE | {"checks"},
    "reports": BASE | {"checks", "output", "llm"},
    "sync": BASE,
    "alerts": BASE,
    "projectconfig": BASE | {"checks"},
    "context": BASE | {"storage"},
}
BELOW_SERVICES = set(ALLOWED)
ALLOWED["services"] = BELOW_SERVICES
ALLOWED["api"] = BELOW_SERVICES | {"services"}
ALLOWED["cli"] = BELOW_SERVICES | {"services", "api"}
ALLOWED["__main__"] = {"cli"}
# Only these parts talk to the network, and only the CLI prints.
NETWORK = {"crawl", "sync", "alerts", "llm"}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "seolog"


def _imports() -> list[tuple[str, str, int]]:
    found = []
    for path in SRC.rglob("*.py"):
        module = ".".join(("seolog", *path.relative_to(SRC).with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(module, alias.name, node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((module, node.module, node.lineno))
    return found


def test_no_part_imports_a_layer_above_it():
    upward = []
    for module, target, line in _imports():
        if not target.startswith("seolog.") or module in ("seolog.__init__",):
            continue  # the package root is the lazy façade: it names the API, imports nothing
        source, wanted = _part(module), _part(target)
        if source != wanted and wanted not in ALLOWED.get(source, set()):
            upward.append(f"{module}:{line} imports {target}")
    assert upward == []


def test_only_the_cli_uses_typer_and_rich_and_only_network_parts_use_httpx():
    misplaced = []
    for module, target, line in _imports():
        root, part = target.split(".")[0], _part(module)
        if root in ("typer", "rich", "click") and part != "cli":
            misplaced.append(f"{module}:{line} imports {target}")
        if root == "httpx" and part not in NETWORK:
            misplaced.append(f"{module}:{line} imports {target}")
    assert misplaced == []


def test_no_module_of_the_package_is_named_like_a_public_name():
    """Importing `seolog.X` sets the attribute X on the package: a module named like a public
    function (`seolog.render`) would replace it for every caller once anything imports it."""
    import pkgutil

    import seolog

    modules = {m.name for m in pkgutil.iter_modules(seolog.__path__)}
    assert modules & set(seolog.__all__) == set()
