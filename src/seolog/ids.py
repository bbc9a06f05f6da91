"""IDs typed as text: a site, client, project or scan may be named by its number, and a number
too large for the store names nothing (rather than failing in the database driver)."""

from __future__ import annotations

# SQLite's INTEGER and PostgreSQL's BIGINT: signed 64-bit. Every ID and count seolog stores fits.
INT_MAX = 2**63 - 1
INT_MIN = -(2**63)


def numeric_id(text: str) -> int | None:
    """The ID `text` names, if it is one: ASCII digits only (`int("²")` fails; "12a" is a name)
    within the 64-bit range a stored ID can have; otherwise None (then it is a name)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= INT_MAX else None
