"""resources: external links, images, stylesheets, scripts and iframes, checked once per scan

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from seolog.storage.models import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_resources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "scan_id", sa.Integer(), sa.ForeignKey("scans.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "page_id", sa.Integer(), sa.ForeignKey("pages.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
    )
    op.create_index("ix_page_resources_page_id", "page_resources", ["page_id"])
    op.create_table(
        "resources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "scan_id", sa.Integer(), sa.ForeignKey("scans.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("external", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("final_url", sa.String(length=2048), nullable=True),
        sa.Column("final_status_code", sa.Integer(), nullable=True),
        sa.Column("redirect_chain", sa.JSON(), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("error_kind", sa.String(length=40), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("response_ms", sa.Float(), nullable=True),
        sa.Column("checked_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_resources_scan_url", "resources", ["scan_id", "url"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_resources_scan_url", table_name="resources")
    op.drop_table("resources")
    op.drop_index("ix_page_resources_page_id", table_name="page_resources")
    op.drop_table("page_resources")
