""" "Did you mean …?": the closest known name to a mistyped one, for every kind of name a user types
(check codes, threshold names, sites, clients, projects). No I/O: callers pass the names they know."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.6  # difflib's own default: "titel-missing" → "title-missing", "acme" ↛ "globex"


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to `name`, compared without case, in its own spelling; None when
    nothing is close."""
    spelled = {k.strip().lower(): k for k in known if k}
    close = difflib.get_close_matches(name.strip().lower(), list(spelled), n=1, cutoff=CUTOFF)
    return spelled[close[0]] if close else None


def did_you_mean(name: str, known: Iterable[str], where: str) -> str:
    """A hint for an unknown name: the closest known one, if any is close, and where to look."""
    match = closest(name, known)
    return f"did you mean {match!r}? see {where}" if match else f"see {where}"
