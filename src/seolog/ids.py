"""IDs typed as text: a site, client, project or scan may be named by its number, and a number
too large for the store names nothing (rather than failing in the database driver)."""

from __future__ import annotations

# SQLite's INTEGER and PostgreSQL's BIGINT: signed 64-bit. Every count and limit seolog takes fits.
INT_MAX = 2**63 - 1
INT_MIN = -(2**63)
# The primary keys are INTEGER columns: 32-bit on PostgreSQL (64-bit on SQLite, which never counts
# that far). A larger ID names no row, and asking PostgreSQL for one is an error in the driver.
ID_MAX = 2**31 - 1


def storable_id(value: int) -> bool:
    """Whether a row can have this ID at all (see ID_MAX)."""
    return 0 < value <= ID_MAX


def numeric_id(text: str) -> int | None:
    """The ID `text` names, if it is one: ASCII digits only (`int("²")` fails; "12a" is a name)
    within the range a stored ID can have; otherwise None (then it is a name)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= ID_MAX else None
