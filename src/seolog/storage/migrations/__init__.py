"""Alembic migrations, run automatically on first use of a database.

KNOWN_REVISIONS lists every revision this version of seolog can read, oldest first, so the
common case (schema already at head) is answered without importing Alembic at all.
"""

KNOWN_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
)
HEAD = KNOWN_REVISIONS[-1]
