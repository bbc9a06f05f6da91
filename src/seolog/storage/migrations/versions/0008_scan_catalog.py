"""scans.catalog: the check catalog a scan ran with, part of the scope scans are compared by

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for the scans stored before: their catalog is unknown, and not held against them.
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("catalog", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_column("catalog")
