"""The hub's day beyond sign-in (issue 13): whether a debrief was offered after a hard moment.

Revision ID: 0009_hub_day
Revises: 0008_partnership
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_hub_day"
down_revision = "0008_partnership"
branch_labels = None
depends_on = None

ID = sa.String(36)
TIME = sa.String(32)


def upgrade() -> None:
    # Yes or no only, never what was said: NULL on entries that are not hard moments (or not yet asked).
    op.add_column("shift_log", sa.Column("debrief_offered", sa.Boolean))
    # Expected arrivals: a prison release, a hospital discharge, a hostel swap (item 3).
    op.create_table(
        "expected_arrival",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id")),
        sa.Column("description", sa.Text),
        sa.Column("from_whom", sa.String(200), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("expected_at", TIME, nullable=False),
        sa.Column("needs", sa.Text),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("created_by", ID),
        sa.Column("visit_id", ID, sa.ForeignKey("visit.id")),
        sa.Column("arrived_at", TIME),
        sa.Column("not_arrived_at", TIME),
        sa.Column("closed_by", ID),
    )
    # The desk reads the open ones (few) on every refresh; sign-in looks one up by guest.
    op.execute("CREATE INDEX expected_arrival_open ON expected_arrival (expected_at) "
               "WHERE arrived_at IS NULL AND not_arrived_at IS NULL")
    op.create_index("expected_arrival_guest", "expected_arrival", ["guest_id"])
