"""A small index of the few visits that lasted more than a week, for the monthly report (issue 9).

A report finds the visits that began before its period and ended after it (a stay longer than the
period). Through the time indexes that meant every visit on one side of the period: 4.7 s for a
month nine years back at the bench scale, against 0.5 s for last month. Such a stay lasted at least
the period, so for any period of a week or more it is in this partial index, which holds only the
rare long stays.

Revision ID: 0014_long_stays
Revises: 0013_enquiries
"""

from __future__ import annotations

from alembic import op

revision = "0014_long_stays"
down_revision = "0013_enquiries"
branch_labels = None
depends_on = None

# Keep in step with reports/figures.py (the query must repeat this condition to use the index).
LONG_STAY = "julianday(signed_out_at) - julianday(signed_in_at) > 7"


def upgrade() -> None:
    op.execute(f"CREATE INDEX visit_long_stay ON visit (signed_in_at) WHERE {LONG_STAY}")


def downgrade() -> None:
    op.execute("DROP INDEX visit_long_stay")
