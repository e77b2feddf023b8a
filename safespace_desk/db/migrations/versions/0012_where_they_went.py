"""Where people went (issue 13, item 4): the kind of place a visit ended in (from the site's list), and
hostel swaps (one move out and one in, counted once).

Revision ID: 0012_where_they_went
Revises: 0011_sync_conflicts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_where_they_went"
down_revision = "0011_sync_conflicts"
branch_labels = None
depends_on = None

ID = sa.String(36)
TIME = sa.String(32)


def upgrade() -> None:
    # A DestinationKind value when "where to" is on the site's list; NULL for other text or none.
    op.add_column("visit", sa.Column("departed_kind", sa.String(24)))
    op.create_table(
        "hostel_swap",
        sa.Column("id", ID, primary_key=True),
        sa.Column("out_visit_id", ID, sa.ForeignKey("visit.id"), nullable=False),
        sa.Column("expected_id", ID, sa.ForeignKey("expected_arrival.id")),
        sa.Column("hostel", sa.String(200), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("created_by", ID),
    )
    op.create_index("hostel_swap_at", "hostel_swap", ["at"])
    # Departures by kind over a month: sign-outs in the range, read from the index alone.
    op.execute("CREATE INDEX visit_departed ON visit (signed_out_at, departed_kind, guest_id) "
               "WHERE departed_kind IS NOT NULL")
