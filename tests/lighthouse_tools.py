"""Where the tests find the real Lighthouse and Chromium, and the skip when they are missing.

.ci/run installs Debian's chromium and lighthouse@12.2.3 (npm, in ~/.cache/seolog-ci/lighthouse)
and exports SEOLOG_TEST_LIGHTHOUSE.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

LIGHTHOUSE_VERSION = "12.2.3"
_DEFAULT_LIGHTHOUSE = Path.home() / ".cache/seolog-ci/lighthouse/node_modules/.bin/lighthouse"
LIGHTHOUSE = os.environ.get("SEOLOG_TEST_LIGHTHOUSE") or (
    str(_DEFAULT_LIGHTHOUSE) if _DEFAULT_LIGHTHOUSE.is_file() else shutil.which("lighthouse")
)
CHROME = os.environ.get("CHROME_PATH") or next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
)


def skip_without_lighthouse() -> None:
    """Skip the calling test module, with how to install what it needs, when a part is missing."""
    missing = [
        name
        for name, found in (
            ("lighthouse", LIGHTHOUSE and Path(LIGHTHOUSE).is_file()),
            ("node", shutil.which("node")),
            ("chromium", CHROME),
        )
        if not found
    ]
    if missing:
        pytest.skip(
            f"needs {', '.join(missing)}: apt-get install chromium nodejs npm && npm install "
            f"--prefix ~/.cache/seolog-ci/lighthouse -E lighthouse@{LIGHTHOUSE_VERSION} "
            "(.ci/run does)",
            allow_module_level=True,
        )
