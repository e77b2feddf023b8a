"""What the server's conflict rules look up (kept with the records, in the same transactions): open
visits, beds held per night, erased guests (id-only tombstones, kept for ever), and the server's
amendment of an operation it accepted with a change (a bed dropped, a sign-in merged, a flag).

Revision ID: 0002_conflicts
Revises: 0001_server
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_conflicts"
down_revision = "0001_server"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("op") as batch:
        batch.add_column(sa.Column("amend", sa.Text))
    op.create_table(
        "open_visit",
        sa.Column("site_id", sa.String(36), sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("visit_id", sa.String(36), primary_key=True),
        sa.Column("guest_id", sa.String(36), nullable=False),
        sa.Column("in_building", sa.Boolean, nullable=False),
        sa.Column("signed_in_at", sa.String(32)),
    )
    op.create_index("ix_open_visit_guest", "open_visit", ["site_id", "guest_id"])
    op.create_table(
        "bed_hold",
        sa.Column("site_id", sa.String(36), sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("night_of", sa.String(10), primary_key=True),
        sa.Column("bed_label", sa.String(80), primary_key=True),
        sa.Column("assignment_id", sa.String(36), nullable=False),
    )
    op.create_table(
        "tombstone",
        sa.Column("site_id", sa.String(36), sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("guest_id", sa.String(36), primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tombstone")
    op.drop_table("bed_hold")
    op.drop_table("open_visit")
    with op.batch_alter_table("op") as batch:
        batch.drop_column("amend")
