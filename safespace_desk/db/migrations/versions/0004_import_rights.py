"""Imports from sign-in sheets, duplicate hints, erasure marks and the retention purge log.

Revision ID: 0004_import_rights
Revises: 0003_messages
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_import_rights"
down_revision = "0003_messages"
branch_labels = None
depends_on = None

ID = sa.String(36)
TIME = sa.String(32)


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: a batch "copy and move" would drop the partial indexes.
    op.add_column("visit", sa.Column("notes", sa.Text))
    op.add_column("guest", sa.Column("erased_at", TIME))
    op.create_table(
        "imported_visit",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("visit_id", ID, sa.ForeignKey("visit.id"), nullable=False),
        sa.Column("imported_at", TIME, nullable=False),
    )
    op.create_table(
        "duplicate_hint",
        sa.Column("guest_a", ID, sa.ForeignKey("guest.id"), primary_key=True),
        sa.Column("guest_b", ID, sa.ForeignKey("guest.id"), primary_key=True),
        sa.Column("why", sa.String(200), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "purge_log",
        sa.Column("id", ID, primary_key=True),
        sa.Column("at", TIME, nullable=False),
        sa.Column("record_kind", sa.String(32), nullable=False),
        sa.Column("removed", sa.Integer, nullable=False),
        sa.Column("cutoff", TIME, nullable=False),
        sa.Column("staff_id", ID),
    )
