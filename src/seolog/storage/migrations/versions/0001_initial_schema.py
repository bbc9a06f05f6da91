"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 04:09:57.501791
"""

import sqlalchemy as sa
from alembic import op

import seolog.storage.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("root_url", sa.String(length=2048), nullable=False),
        sa.Column("client_name", sa.String(length=200), nullable=True),
        sa.Column("client_email", sa.String(length=320), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", seolog.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", seolog.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("root_url"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_table(
        "scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("start_url", sa.String(length=2048), nullable=False),
        sa.Column("scan_type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=True),
        sa.Column("pages_crawled", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("stop_reason", sa.String(length=20), nullable=True),
        sa.Column("stats", sa.JSON(), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("seolog_version", sa.String(length=40), nullable=False),
        sa.Column("started_at", seolog.storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", seolog.storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", seolog.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", seolog.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scans_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scans_status"), ["status"], unique=False)

    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("final_url", sa.String(length=2048), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("final_status_code", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("response_ms", sa.Float(), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=True),
        sa.Column("found_via", sa.String(length=20), nullable=False),
        sa.Column("in_sitemap", sa.Boolean(), nullable=False),
        sa.Column("redirect_hops", sa.Integer(), nullable=False),
        sa.Column("redirect_chain", sa.JSON(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("meta_description", sa.Text(), nullable=True),
        sa.Column("h1", sa.JSON(), nullable=True),
        sa.Column("h2", sa.JSON(), nullable=True),
        sa.Column("canonical", sa.String(length=2048), nullable=True),
        sa.Column("meta_robots", sa.String(length=500), nullable=True),
        sa.Column("x_robots_tag", sa.String(length=500), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("lang", sa.String(length=50), nullable=True),
        sa.Column("hreflang", sa.JSON(), nullable=True),
        sa.Column("word_count", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("open_graph", sa.JSON(), nullable=True),
        sa.Column("twitter", sa.JSON(), nullable=True),
        sa.Column("json_ld", sa.JSON(), nullable=True),
        sa.Column("images", sa.JSON(), nullable=True),
        sa.Column("viewport", sa.String(length=500), nullable=True),
        sa.Column("error_kind", sa.String(length=40), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("fetched_at", seolog.storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["scan_id"], ["scans.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.create_index("ix_pages_scan_url", ["scan_id", "url"], unique=True)

    op.create_table(
        "links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("source_page_id", sa.Integer(), nullable=False),
        sa.Column("target_url", sa.String(length=2048), nullable=False),
        sa.Column("anchor_text", sa.Text(), nullable=True),
        sa.Column("rel", sa.String(length=200), nullable=True),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["scan_id"], ["scans.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_page_id"], ["pages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_links_source_page_id"), ["source_page_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_links_source_page_id"))

    op.drop_table("links")
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_index("ix_pages_scan_url")

    op.drop_table("pages")
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scans_status"))
        batch_op.drop_index(batch_op.f("ix_scans_site_id"))

    op.drop_table("scans")
    op.drop_table("sites")
