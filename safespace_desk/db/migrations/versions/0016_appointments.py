"""Appointments and rooms (issue 13, item 5): bookings of the hub's rooms for a guest's appointment or an
agency's session, the message that carries one, and whether it was attended or missed.

Revision ID: 0016_appointments
Revises: 0015_outcomes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_appointments"
down_revision = "0015_outcomes"
branch_labels = None
depends_on = None

ID = sa.String(36)
TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "appointment",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id")),
        sa.Column("agency_id", ID, sa.ForeignKey("agency.id"), nullable=False),
        sa.Column("what", sa.String(200), nullable=False),
        sa.Column("starts_at", TIME, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("room", sa.String(80), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="booked"),
        sa.Column("message_id", ID),  # no foreign key: the message may be purged before the booking
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("created_by", ID),
        sa.Column("outcome_at", TIME),
        sa.Column("outcome_by", ID),
    )
    op.create_index("appointment_starts", "appointment", ["starts_at", "room"])
    op.create_index("appointment_guest", "appointment", ["guest_id", "starts_at"])
