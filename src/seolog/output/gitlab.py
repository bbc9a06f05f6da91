"""GitLab Code Quality report (a subset of the Code Climate format): merge requests show the
findings a branch adds or fixes, compared by fingerprint with the target branch's report.

    [{"description": "…", "check_name": "link-broken", "fingerprint": "…", "severity": "major",
      "location": {"path": "public/index.html", "lines": {"begin": 22}}}, …]

A folder scan names the file (and the line of the element when it can be found, else 1); any
other scan names the URL, which GitLab shows as it is.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from seolog.domain import finding_subject
from seolog.output import unicode_text
from seolog.output.locate import Locator
from seolog.urls import origin_of, path_of

# Code Climate severities are info, minor, major, critical and blocker. As ESLint's and ruff's
# GitLab formatters do, seolog's three map to the lower ones: "blocker" would claim more than a
# site audit knows (a broken link rarely blocks a release), and the gate says what fails a build.
SEVERITIES = {"error": "major", "warning": "minor", "notice": "info"}


def fingerprint(
    code: str, url: str, repeat: int = 0, origin: str | None = None, subject: str = ""
) -> str:
    """Stable across runs: the check and the page (the key baselines use too), not the details,
    so a finding whose measurement moves (57 words, then 58) stays the same issue in the merge
    request instead of being reported fixed and new. A page on the scan's own origin counts by
    its path, so review apps and staging hosts that change per branch still match the target
    branch's report. The n-th repeat of a (code, URL) pair in one scan gets its own
    fingerprint, as GitLab needs them unique."""
    page = path_of(url) if origin is not None and origin_of(url) == origin else url
    key = f"{code}|{page}" + (f"|{subject}" if subject else "") + (f"|{repeat}" if repeat else "")
    return hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest()


def render(doc: dict[str, Any]) -> str:
    locator = Locator(doc)
    origin = origin_of(doc["scan"]["url"])
    seen: dict[tuple[str, str, str], int] = {}
    report = []
    for issue in doc["issues"]:
        subject = finding_subject(issue.get("details"))
        key = (issue["code"], issue["url"], subject)
        repeat = seen.get(key, 0)
        seen[key] = repeat + 1
        place = locator.place(issue)
        report.append(
            {
                "type": "issue",
                "description": f"{issue['message']} ({issue['url']})",
                "check_name": issue["code"],
                "fingerprint": fingerprint(issue["code"], issue["url"], repeat, origin, subject),
                "severity": SEVERITIES.get(issue["severity"], "minor"),
                "location": {
                    "path": place.path or issue["url"],
                    "lines": {"begin": place.line or 1},
                },
            }
        )
    return unicode_text(json.dumps(report, indent=2, ensure_ascii=False)) + "\n"
