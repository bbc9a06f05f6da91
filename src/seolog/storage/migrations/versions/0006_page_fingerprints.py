"""page fingerprints: the main content's SimHash and a soft 404's "not found"

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: pages stored before them are simply not compared (no near-duplicate, no soft 404).
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("simhash", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("soft_404", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_column("soft_404")
        batch_op.drop_column("simhash")
