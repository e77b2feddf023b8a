"""Guests' own short feedback, anonymous (issue 13, item 6): a few words and how welcome they felt, with
no link to the guest: no guest, no staff, only the local date it was given.

The table has no SQLite rowid (WITHOUT ROWID, keyed by a random id): a rowid would keep the order the
entries were written in, which could be matched against the audit trail's order of sign-ins.

Revision ID: 0017_guest_feedback
Revises: 0016_appointments
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_guest_feedback"
down_revision = "0016_appointments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guest_feedback",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("given_on", sa.String(10), nullable=False),  # a local date, never a time
        sa.Column("words", sa.Text),
        sa.Column("rating", sa.String(16)),
        sqlite_with_rowid=False,
    )
    op.create_index("guest_feedback_day", "guest_feedback", ["given_on"])


def downgrade() -> None:
    op.drop_index("guest_feedback_day", "guest_feedback")
    op.drop_table("guest_feedback")
