"""language-model suggestions: runs (endpoint, model, budget, usage) and suggestions per page

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from seolog.storage.models import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _fk(target: str, nullable: bool) -> sa.ForeignKey:
    return sa.ForeignKey(target, ondelete="SET NULL" if nullable else "CASCADE")


def upgrade() -> None:
    op.create_table(
        "suggestion_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site_id", sa.Integer(), _fk("sites.id", False), nullable=False),
        sa.Column("scan_id", sa.Integer(), _fk("scans.id", True), nullable=True),
        sa.Column("api_url", sa.String(length=2048), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("fields", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("pages_planned", sa.Integer(), nullable=False),
        sa.Column("pages_done", sa.Integer(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=True),
        sa.Column("max_cost", sa.Float(), nullable=True),
        sa.Column("max_tokens", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_suggestion_runs_site_id", "suggestion_runs", ["site_id"])
    op.create_index("ix_suggestion_runs_scan_id", "suggestion_runs", ["scan_id"])
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(), _fk("suggestion_runs.id", True), nullable=True),
        sa.Column("site_id", sa.Integer(), _fk("sites.id", False), nullable=False),
        sa.Column("scan_id", sa.Integer(), _fk("scans.id", True), nullable=True),
        sa.Column("page_url", sa.String(length=2048), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=2048), nullable=False),
        sa.Column("lang", sa.String(length=10), nullable=False),
        sa.Column("current", sa.Text(), nullable=True),
        sa.Column("suggested", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_suggestions_run_id", "suggestions", ["run_id"])
    op.create_index("ix_suggestions_scan_id", "suggestions", ["scan_id"])
    op.create_index("ix_suggestions_page_field", "suggestions", ["site_id", "page_url", "field"])


def downgrade() -> None:
    op.drop_table("suggestions")
    op.drop_table("suggestion_runs")
