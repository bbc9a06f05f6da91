"""sync_outbox and sync_pages keyed by the platform site the key opens, not only the API

One API serves many platform sites and each key opens one: what was sent with a key for one of
them says nothing about another. Rows stored before get the platform site the login recorded
(sync_accounts.platform_site_id); where none was recorded (a key from the environment only) they
stay NULL, and the next push adopts them for the platform site its key opens.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TABLES = {
    # table: (its unique constraint, the columns it had before)
    "sync_outbox": ("uq_sync_outbox_scan_api_url", ["scan_id", "api_url", "url"]),
    "sync_pages": ("uq_sync_pages_site_api_url", ["site_id", "api_url", "url"]),
}


def _fill_from_accounts(table: str) -> None:
    """Plain SQL both SQLite and PostgreSQL run: a correlated subquery, no UPDATE … FROM."""
    op.execute(
        f"UPDATE {table} SET platform_site_id = ("
        " SELECT a.platform_site_id FROM sync_accounts a"
        f" WHERE a.site_id = {table}.site_id AND a.api_url = {table}.api_url)"
    )


def upgrade() -> None:
    for table, (name, columns) in _TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("platform_site_id", sa.Integer(), nullable=True))
        _fill_from_accounts(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(name, type_="unique")
            batch_op.create_unique_constraint(
                name, [*columns[:-1], "platform_site_id", columns[-1]]
            )
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_outbox_queue")
        batch_op.create_index(
            "ix_sync_outbox_queue", ["site_id", "api_url", "platform_site_id", "state"]
        )


def downgrade() -> None:
    # Rows of more than one platform site would break the narrower constraints: a downgrade
    # keeps the history of one platform site per site and API only, the lowest known one, and
    # unkeyed rows only where no platform site is known (they may hold the same URLs).
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_outbox_queue")
        batch_op.create_index("ix_sync_outbox_queue", ["site_id", "api_url", "state"])
    for table, (name, columns) in _TABLES.items():
        lowest = (
            f"(SELECT MIN(o.platform_site_id) FROM {table} o"
            f" WHERE o.site_id = {table}.site_id AND o.api_url = {table}.api_url)"
        )
        op.execute(
            f"DELETE FROM {table} WHERE (platform_site_id IS NULL AND {lowest} IS NOT NULL)"
            f" OR platform_site_id > {lowest}"
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(name, type_="unique")
            batch_op.create_unique_constraint(name, columns)
            batch_op.drop_column("platform_site_id")
