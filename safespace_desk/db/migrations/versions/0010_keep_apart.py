"""Keeping people apart (issue 13, item 2): keep-apart links between two guests (the reason is a
lead's), and discreet messages (for a victim: never on the board's lists or printouts).

Revision ID: 0010_keep_apart
Revises: 0009_hub_day
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_keep_apart"
down_revision = "0009_hub_day"
branch_labels = None
depends_on = None

ID = sa.String(36)
TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "keep_apart",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_a", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("guest_b", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("created_by", ID),
        sa.Column("ended_at", TIME),
        sa.Column("ended_by", ID),
    )
    op.create_index("keep_apart_a", "keep_apart", ["guest_a"])
    op.create_index("keep_apart_b", "keep_apart", ["guest_b"])
    op.add_column("message", sa.Column("discreet", sa.Boolean, nullable=False, server_default=sa.false()))
