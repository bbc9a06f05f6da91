"""sync to the hosted platform: accounts, stable post ids, the platform's page ids, the outbox

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import seolog.storage.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, seolog.storage.models.UTCDateTime(), nullable=nullable)


def _site() -> list[sa.Column | sa.ForeignKeyConstraint]:
    return [
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="CASCADE"),
    ]


def upgrade() -> None:
    op.create_table(
        "sync_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        *_site(),
        sa.Column("api_url", sa.String(length=2048), nullable=False),
        sa.Column("platform_site_id", sa.Integer(), nullable=True),
        sa.Column("platform_site_name", sa.String(length=500), nullable=True),
        sa.Column("platform_site_url", sa.String(length=2048), nullable=True),
        sa.Column("key_name", sa.String(length=500), nullable=True),
        _when("verified_at", nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "api_url", name="uq_sync_accounts_site_api"),
    )
    with op.batch_alter_table("sync_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_accounts_site_id"), ["site_id"], unique=False)

    op.create_table(
        "sync_post_ids",
        sa.Column("id", sa.Integer(), nullable=False),
        *_site(),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("wp_post_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "url", name="uq_sync_post_ids_site_url"),
        sa.UniqueConstraint("site_id", "wp_post_id", name="uq_sync_post_ids_site_post"),
    )
    op.create_table(
        "sync_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        *_site(),
        sa.Column("api_url", sa.String(length=2048), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        _when("synced_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "api_url", "url", name="uq_sync_pages_site_api_url"),
    )
    op.create_table(
        "sync_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        *_site(),
        sa.Column("scan_id", sa.Integer(), nullable=True),
        sa.Column("api_url", sa.String(length=2048), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("wp_post_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.JSON(), nullable=False),
        sa.Column("seo_data", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("platform_page_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        _when("sent_at", nullable=True),
        sa.ForeignKeyConstraint(["scan_id"], ["scans.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scan_id", "api_url", "url", name="uq_sync_outbox_scan_api_url"),
    )
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_sync_outbox_queue", ["site_id", "api_url", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_outbox_scan_id"), ["scan_id"], unique=False)

    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wp_post_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_column("wp_post_id")
    op.drop_table("sync_outbox")
    op.drop_table("sync_pages")
    op.drop_table("sync_post_ids")
    op.drop_table("sync_accounts")
