"""Which checks flag which field a language model can write: what `seolog suggest` asks for by
default, page by page, and where the audit report shows an accepted suggestion."""

from __future__ import annotations

FLAGGED_BY = {
    "title": ("title-missing", "title-too-long", "title-too-short", "title-duplicate"),
    "description": (
        "meta-description-missing",
        "meta-description-too-long",
        "meta-description-too-short",
        "meta-description-duplicate",
    ),
    "h1": ("h1-missing", "h1-multiple"),
    "alt": ("image-alt-missing",),
}
_FIELD_OF = {code: name for name, codes in FLAGGED_BY.items() for code in codes}


def field_for(code: str) -> str | None:
    """The field a finding's fix is written in (title-too-long → title); None for other codes."""
    return _FIELD_OF.get(code)
