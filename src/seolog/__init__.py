"""seolog: SEO audits, a log of SEO work and client reports, from the command line and Python.

`import seolog` is cheap and has no side effects: the library API (`seolog.scan`, `seolog.gate`,
`seolog.render` … see `seolog.api`) is imported on first use, so `seolog --help` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from seolog.api import Seolog, gate, load_scan, render, scan, write
    from seolog.errors import SeologError
    from seolog.services.gates import Gates, Verdict
    from seolog.services.scans import ScanResult

__all__ = [
    "Gates",
    "ScanResult",
    "Seolog",
    "SeologError",
    "Verdict",
    "__version__",
    "gate",
    "load_scan",
    "render",
    "scan",
    "write",
]

_LAZY = {
    "Seolog": "seolog.api",
    "scan": "seolog.api",
    "load_scan": "seolog.api",
    "gate": "seolog.api",
    "render": "seolog.api",
    "write": "seolog.api",
    "Gates": "seolog.services.gates",
    "Verdict": "seolog.services.gates",
    "ScanResult": "seolog.services.scans",
    "SeologError": "seolog.errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'seolog' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)
