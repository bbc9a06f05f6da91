"""timers: at most one running timer, kept by the database itself

`logs start` checked for a running timer, then inserted one: six at once on PostgreSQL (READ
COMMITTED, no write lock up front as SQLite's BEGIN IMMEDIATE takes) left two timers. A unique
index on a column every timer holds the same value in (`slot`, 1) lets the second insert fail
instead; the service turns that into the usual "a timer is already running". (The timers table
has one row per running timer and none once stopped, so "unique among running timers" is
"unique": no partial index is needed. A per-author timer would key `slot` by author.)

Stores that already hold more than one timer keep the oldest: the one every command showed,
and the one `logs stop` or `logs cancel` would have ended; the others were never visible.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM timers WHERE id > (SELECT MIN(t.id) FROM timers t)")
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("slot", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.create_index("uq_timers_slot", ["slot"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("uq_timers_slot")
        batch_op.drop_column("slot")
