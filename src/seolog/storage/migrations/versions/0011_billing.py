"""work log for a business: rate history, frozen entry rates, authors, invoices, import keys

- `rates`: a client's (or project's, or consultant's) hourly rate and the day it applies from.
  Each client's rate becomes its first rate, in force since 1900-01-01: it is what every entry
  was priced at until now. `clients.hourly_rate` goes: the history is the one truth.
- `log_entries.rate` now holds the rate in force on the entry's day (kept, never re-priced);
  `rate_manual` says it was typed for the entry. Entries that had a rate of their own keep it
  as manual; the others take their client's rate and currency, as every report showed them.
- `log_entries.author` and `timers.author`: who did the work. Rows made before this are the
  work of whoever upgrades the store (SEOLOG_USER, else the login name): until now a store had
  one consultant. One running timer per author replaces one per store (`uq_timers_slot`).
- `log_entries.import_key`: where an imported row came from; a re-import skips it.
- `invoices`, and `log_entries.invoice_id`: an invoiced entry refuses edits until voided.

Revision ID: 0011
Revises: 0010
"""

import getpass
import os

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _author() -> str:
    name = os.environ.get("SEOLOG_USER", "").strip()
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no login name (a container's numeric uid)
            name = "unknown"
    return name[:200]


def upgrade() -> None:
    author = _author()
    op.create_table(
        "rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("rate", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rates_client_id", "rates", ["client_id"])
    op.create_index("ix_rates_project_id", "rates", ["project_id"])
    op.execute(
        "INSERT INTO rates (client_id, rate, currency, effective_from, created_at)"
        " SELECT id, hourly_rate, currency, '1900-01-01', created_at FROM clients"
        " WHERE hourly_rate IS NOT NULL"
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_index("ix_invoices_client_id", "invoices", ["client_id"])
    with op.batch_alter_table("log_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
        # NOT NULL once filled (below): a boolean server default renders differently across
        # Alembic versions ("DEFAULT 0" or "DEFAULT (0)") and is invalid as 0 on PostgreSQL
        batch_op.add_column(sa.Column("rate_manual", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("author", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("import_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("invoice_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_log_entries_import_key", ["import_key"])
        batch_op.create_index("ix_log_entries_invoice_id", ["invoice_id"])
        batch_op.create_foreign_key(
            "fk_log_entries_invoice_id_invoices", "invoices", ["invoice_id"], ["id"]
        )
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE log_entries SET author = :a"), {"a": author})
    bind.execute(
        sa.text(
            "UPDATE log_entries SET rate_manual = CASE WHEN rate IS NULL THEN :no ELSE :yes END"
        ).bindparams(
            sa.bindparam("no", False, sa.Boolean()), sa.bindparam("yes", True, sa.Boolean())
        )
    )
    with op.batch_alter_table("log_entries", schema=None) as batch_op:
        batch_op.alter_column("rate_manual", existing_type=sa.Boolean(), nullable=False)
    op.execute(
        "UPDATE log_entries SET rate = (SELECT c.hourly_rate FROM clients c"
        " WHERE c.id = log_entries.client_id) WHERE rate IS NULL"
    )
    op.execute(
        "UPDATE log_entries SET currency = (SELECT c.currency FROM clients c"
        " WHERE c.id = log_entries.client_id)"
    )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column("address", sa.Text(), nullable=True))
        batch_op.drop_column("hourly_rate")
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("author", sa.String(length=200), nullable=False, server_default="")
        )
    bind.execute(sa.text("UPDATE timers SET author = :a"), {"a": author})
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("uq_timers_slot")
        batch_op.drop_column("slot")
        batch_op.create_index("uq_timers_author", ["author"], unique=True)


def downgrade() -> None:
    # Back to one timer per store (the oldest) and one rate per client (the latest client-wide
    # one); authors, invoices and import keys are dropped.
    op.execute("DELETE FROM timers WHERE id > (SELECT MIN(t.id) FROM timers t)")
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("uq_timers_author")
        batch_op.drop_column("author")
        batch_op.add_column(
            sa.Column("slot", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.create_index("uq_timers_slot", ["slot"], unique=True)
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hourly_rate", sa.Numeric(precision=12, scale=2), nullable=True)
        )
        batch_op.drop_column("address")
        batch_op.drop_column("vat_rate")
    op.execute(
        "UPDATE clients SET hourly_rate = (SELECT r.rate FROM rates r WHERE r.client_id ="
        " clients.id AND r.project_id IS NULL AND r.author IS NULL"
        " ORDER BY r.effective_from DESC, r.id DESC LIMIT 1)"
    )
    op.execute("UPDATE log_entries SET rate = NULL WHERE NOT rate_manual")
    with op.batch_alter_table("log_entries", schema=None) as batch_op:
        batch_op.drop_constraint("fk_log_entries_invoice_id_invoices", type_="foreignkey")
        batch_op.drop_index("ix_log_entries_invoice_id")
        batch_op.drop_constraint("uq_log_entries_import_key", type_="unique")
        batch_op.drop_column("invoice_id")
        batch_op.drop_column("import_key")
        batch_op.drop_column("author")
        batch_op.drop_column("rate_manual")
        batch_op.drop_column("currency")
    op.drop_index("ix_invoices_client_id", table_name="invoices")
    op.drop_table("invoices")
    op.drop_index("ix_rates_project_id", table_name="rates")
    op.drop_index("ix_rates_client_id", table_name="rates")
    op.drop_table("rates")
