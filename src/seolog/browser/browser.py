"""Find the Chromium to render with, and Playwright to drive it: missing parts are one line.

seolog drives the Chromium the system already has (Playwright's own browser download is not
needed): `--browser PATH`, else SEOLOG_BROWSER, else the first of the usual names on PATH.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from seolog.errors import ToolMissing

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_BROWSER = (
    "install Chromium (Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask "
    "chromium), or name it with --browser PATH or SEOLOG_BROWSER"
)


def find_browser(explicit: str | None = None) -> str:
    """The Chromium executable: the one named, else SEOLOG_BROWSER, else one on PATH."""
    named = explicit or os.environ.get("SEOLOG_BROWSER")
    if named:
        path = Path(named).expanduser()
        found = shutil.which(str(path)) if not path.is_file() else str(path)
        if found is None or not os.access(found, os.X_OK):
            source = "--browser" if explicit else "SEOLOG_BROWSER"
            raise ToolMissing(
                f"no browser at {named} (from {source})",
                hint="give the path of a Chromium or Chrome executable, e.g. /usr/bin/chromium",
            )
        return found
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ToolMissing("no Chromium browser found to render pages with", hint=INSTALL_BROWSER)


def playwright() -> Any:
    """Playwright's async API, imported only when a scan renders."""
    try:
        from playwright.async_api import async_playwright
    except ImportError as e:  # a trimmed install; seolog depends on it
        raise ToolMissing(
            "the Python package playwright is not installed",
            hint="pip install playwright (its browser download is not needed: seolog uses "
            "the system's Chromium)",
        ) from e
    return async_playwright
