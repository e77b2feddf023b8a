"""Sync II: a visit merged into another by the server (a guest signed in at two desks at once keeps
one open visit; the second is kept, voided, pointing at it), and what a lead needs to know about a
sync problem (the guest it is about, and a line of detail such as a bed label).

Revision ID: 0011_sync_conflicts
Revises: 0010_keep_apart
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_sync_conflicts"
down_revision = "0010_keep_apart"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("visit", sa.Column("merged_into", sa.String(36)))
    op.add_column("sync_problem", sa.Column("about", sa.String(36)))
    op.add_column("sync_problem", sa.Column("detail", sa.String(200)))
    op.add_column("sync_problem", sa.Column("op_id", sa.String(36)))


def downgrade() -> None:
    op.drop_column("sync_problem", "op_id")
    op.drop_column("sync_problem", "detail")
    op.drop_column("sync_problem", "about")
    op.drop_column("visit", "merged_into")
