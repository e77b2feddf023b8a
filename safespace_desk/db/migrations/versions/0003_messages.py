"""Messages for guests, agencies, the shift log, handovers and triage.

Revision ID: 0003_messages
Revises: 0002_front_desk
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from safespace_desk.ids import new_id

revision = "0003_messages"
down_revision = "0002_front_desk"
branch_labels = None
depends_on = None

ID = sa.String(36)
TIME = sa.String(32)
# Frozen here (not imported from domain) so the migration means the same thing forever.
AGENCIES = ("GP", "Paramedic", "Drug and alcohol treatment", "Probation", "Housing", "Police", "DWP",
            "Mental health", "Other")


def upgrade() -> None:
    agency = op.create_table(
        "agency",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    op.bulk_insert(agency, [{"id": new_id(), "name": name, "active": True} for name in AGENCIES])
    op.create_table(
        "message",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id")),
        sa.Column("for_name", sa.String(200), nullable=False),
        sa.Column("agency_id", ID, sa.ForeignKey("agency.id"), nullable=False),
        sa.Column("contact", sa.String(200)),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("relevant_until", TIME),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("created_by", ID),
        sa.Column("linked_at", TIME),
        sa.Column("delivered_at", TIME),
        sa.Column("delivered_by", ID),
        sa.Column("delivery_note", sa.Text),
        sa.Column("not_passed_at", TIME),
        sa.Column("not_passed_by", ID),
        sa.Column("not_passed_reason", sa.Text),
        sa.Column("withdrawn_at", TIME),
        sa.Column("withdrawn_by", ID),
        sa.Column("withdraw_reason", sa.Text),
    )
    op.create_index("message_guest", "message", ["guest_id"])
    op.create_index("message_created", "message", ["created_at"])
    # Monthly figures count deliveries, "not passed on" and expiries by when they happened. Partial
    # (non-null only): otherwise SQLite may pick them for "IS NULL" and walk every open message.
    op.execute("CREATE INDEX message_delivered ON message (delivered_at) WHERE delivered_at IS NOT NULL")
    op.execute("CREATE INDEX message_not_passed ON message (not_passed_at) WHERE not_passed_at IS NOT NULL")
    op.execute("CREATE INDEX message_relevant_until ON message (relevant_until) WHERE relevant_until IS NOT NULL")
    # The board: messages with no outcome yet (a small partial index over a large history).
    op.execute("CREATE INDEX message_open ON message (guest_id, relevant_until) "
               "WHERE delivered_at IS NULL AND not_passed_at IS NULL AND withdrawn_at IS NULL")
    # Delivered only moves forward, enforced by the store as well as the service.
    op.execute(
        "CREATE TRIGGER message_delivered_is_final BEFORE UPDATE OF delivered_at ON message "
        "WHEN OLD.delivered_at IS NOT NULL AND (NEW.delivered_at IS NULL OR NEW.delivered_at != OLD.delivered_at) "
        "BEGIN SELECT RAISE(ABORT, 'a delivered message cannot become undelivered'); END"
    )
    op.create_table(
        "shift_log",
        sa.Column("id", ID, primary_key=True),
        sa.Column("at", TIME, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id")),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("staff_id", ID),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_index("shift_log_at", "shift_log", ["at"])
    op.create_table(
        "handover",
        sa.Column("id", ID, primary_key=True),
        sa.Column("shift_name", sa.String(40), nullable=False),
        sa.Column("shift_start", TIME, nullable=False),
        sa.Column("shift_end", TIME, nullable=False),
        sa.Column("author_id", ID),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("follow_ups", sa.Text, nullable=False, server_default="[]"),
        sa.Column("acknowledged_at", TIME),
        sa.Column("acknowledged_by", ID),
    )
    op.create_index("handover_created", "handover", ["created_at"])
    op.create_table(
        "triage",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("presenting_need", sa.String(200), nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("paramedic_id", ID),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_index("triage_at", "triage", ["at"])
    op.create_index("triage_guest", "triage", ["guest_id"])
