"""rendering and lab scores: what a rendered page's raw HTML said, and Lighthouse results

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

from seolog.storage.models import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new nullable column: no table rebuild, on SQLite as on PostgreSQL.
    op.add_column("pages", sa.Column("render", sa.JSON(), nullable=True))
    op.create_table(
        "lab_results",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "scan_id", sa.Integer(), sa.ForeignKey("scans.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("final_url", sa.String(length=2048), nullable=True),
        sa.Column("template", sa.String(length=500), nullable=True),
        sa.Column("form_factor", sa.String(length=20), nullable=False),
        sa.Column("lighthouse_version", sa.String(length=40), nullable=True),
        sa.Column("performance", sa.Integer(), nullable=True),
        sa.Column("accessibility", sa.Integer(), nullable=True),
        sa.Column("best_practices", sa.Integer(), nullable=True),
        sa.Column("seo", sa.Integer(), nullable=True),
        sa.Column("lcp_ms", sa.Float(), nullable=True),
        sa.Column("fcp_ms", sa.Float(), nullable=True),
        sa.Column("tbt_ms", sa.Float(), nullable=True),
        sa.Column("speed_index_ms", sa.Float(), nullable=True),
        sa.Column("layout_shift", sa.Float(), nullable=True),  # CLS ("cls" is a Python name)
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("measured_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_lab_results_scan_id", "lab_results", ["scan_id"])


def downgrade() -> None:
    op.drop_index("ix_lab_results_scan_id", table_name="lab_results")
    op.drop_table("lab_results")
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("render")
