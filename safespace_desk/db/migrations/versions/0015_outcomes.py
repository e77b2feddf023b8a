"""Outcomes over time (issue 13, item 6): each person's accommodation status with its history (from where
they went and by hand), and a respectful record that a person has died.

Revision ID: 0015_outcomes
Revises: 0014_long_stays
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_outcomes"
down_revision = "0014_long_stays"
branch_labels = None
depends_on = None

ID = sa.String(36)
TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "accommodation_status",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("since", TIME, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("visit_id", ID),  # no foreign key: the retention purge removes old visits, history stays
        sa.Column("recorded_at", TIME, nullable=False),
        sa.Column("recorded_by", ID),
    )
    op.create_index("accommodation_status_guest", "accommodation_status", ["guest_id", "since"])
    op.create_table(
        "guest_death",
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), primary_key=True),
        sa.Column("died_on", sa.String(10)),  # a local date, when known
        sa.Column("recorded_at", TIME, nullable=False),
        sa.Column("recorded_by", ID),
    )
