"""Crisis services and havens: referrals and case episodes, the diary of contacts, follow-ups, plans,
practical support, onward referrals, the people around a person, escalations, group sessions, the
closing step; a visit's mode; volunteers' settings; restricted guest records.

Revision ID: 0006_casework
Revises: 0005_erasure_reason
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_casework"
down_revision = "0005_erasure_reason"
branch_labels = None
depends_on = None

ID = sa.String(36)
TIME = sa.String(32)


OLD_ROLES = "role IN ('desk', 'lead', 'manager', 'paramedic')"
NEW_ROLES = "role IN ('desk', 'lead', 'manager', 'paramedic', 'volunteer')"


def _allow_volunteers() -> None:
    """Widen staff's CHECK constraint to the volunteer role.

    SQLite cannot alter a CHECK constraint, and rebuilding the staff table would need foreign keys
    off (outbox and duty_spell point at it), which cannot be switched inside the migration's
    transaction. Widening a CHECK changes nothing stored on disk, so the table's SQL is edited in
    place, the way SQLite's ALTER TABLE documentation describes for such changes, with the schema
    version bumped so every connection re-reads it. Checked before and after.
    """
    conn = op.get_bind()
    sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'staff'").scalar()
    if sql is None or NEW_ROLES in sql:
        return
    if sql.count(OLD_ROLES) != 1:
        raise RuntimeError("the staff table's role check is not the one this migration expects")
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar() or 0
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        conn.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'staff'",
                             (sql.replace(OLD_ROLES, NEW_ROLES),))
        conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")
    if conn.exec_driver_sql("PRAGMA integrity_check").scalar() != "ok":
        raise RuntimeError("the store did not pass its integrity check after widening the role check")


def upgrade() -> None:
    _allow_volunteers()
    # Plain ALTER TABLE ADD COLUMN (no batch copy): the partial indexes on visit must survive.
    op.add_column("visit", sa.Column("mode", sa.String(16), nullable=False, server_default="in_person"))
    op.add_column("guest", sa.Column("named_worker_id", ID))
    op.add_column("guest", sa.Column("restricted_staff_id", ID))
    op.add_column("guest", sa.Column("ethnicity", sa.String(80)))
    op.add_column("staff", sa.Column("counts_in_ratio", sa.Boolean, nullable=False, server_default=sa.true()))
    op.add_column("staff", sa.Column("may_read_notes", sa.Boolean, nullable=False, server_default=sa.false()))

    op.create_table(
        "referral",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("received_at", TIME, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("factors", sa.Text, nullable=False, server_default="[]"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_at", TIME),
        sa.Column("decided_by", ID),
        sa.Column("decline_reason", sa.Text),
        sa.Column("episode_id", ID),
        sa.Column("duplicate_of", ID),
        sa.Column("created_by", ID),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_index("referral_received", "referral", ["received_at"])
    op.create_index("referral_guest", "referral", ["guest_id", "received_at"])
    op.create_index("referral_decided", "referral", ["decided_at"], sqlite_where=sa.text("decided_at IS NOT NULL"))
    op.create_index("referral_waiting", "referral", ["received_at"], sqlite_where=sa.text("status = 'waiting'"))

    op.create_table(
        "case_episode",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("referral_id", ID),
        sa.Column("opened_at", TIME, nullable=False),
        sa.Column("opened_by", ID),
        sa.Column("closed_at", TIME),
        sa.Column("closed_by", ID),
        sa.Column("closure_reason", sa.String(16)),
        sa.Column("closure_note", sa.Text),
    )
    op.create_index("episode_guest", "case_episode", ["guest_id", "number"], unique=True)
    op.create_index("episode_opened", "case_episode", ["opened_at"])
    op.create_index("episode_closed", "case_episode", ["closed_at"], sqlite_where=sa.text("closed_at IS NOT NULL"))
    op.create_index("episode_open", "case_episode", ["opened_at"], sqlite_where=sa.text("closed_at IS NULL"))

    op.create_table(
        "contact",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("minutes", sa.Integer),
        sa.Column("outcome", sa.String(16)),
        sa.Column("notes", sa.Text),
        sa.Column("with_circle_id", ID),
        sa.Column("episode_id", ID),
        sa.Column("staff_id", ID),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("voided_at", TIME),
        sa.Column("voided_by", ID),
    )
    op.create_index("contact_at", "contact", ["at"])
    op.create_index("contact_guest", "contact", ["guest_id", "at"])

    op.create_table(
        "follow_up",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("due_at", TIME, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("contact_id", ID),
        sa.Column("assigned_to", ID),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("created_by", ID),
        sa.Column("done_at", TIME),
        sa.Column("done_by", ID),
        sa.Column("done_contact_id", ID),
        sa.Column("cancelled_at", TIME),
        sa.Column("cancelled_by", ID),
    )
    op.create_index("follow_up_open", "follow_up", ["due_at"],
                    sqlite_where=sa.text("done_at IS NULL AND cancelled_at IS NULL"))
    op.create_index("follow_up_guest", "follow_up", ["guest_id"])

    op.create_table(
        "plan",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("created_by", ID),
    )
    op.create_index("plan_guest", "plan", ["guest_id", "kind"])
    op.create_table(
        "plan_version",
        sa.Column("id", ID, primary_key=True),
        sa.Column("plan_id", ID, sa.ForeignKey("plan.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("sections", sa.Text, nullable=False),
        sa.Column("sealed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("with_person", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("written_at", TIME, nullable=False),
        sa.Column("written_by", ID),
    )
    op.create_index("plan_version_number", "plan_version", ["plan_id", "version"], unique=True)
    # Versions are history: the program never rewrites one (erasure and the purge delete whole rows).
    op.execute("CREATE TRIGGER plan_version_no_update BEFORE UPDATE ON plan_version "
               "BEGIN SELECT RAISE(ABORT, 'plan versions are never changed; write a new version'); END")

    op.create_table(
        "support_given",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount_pence", sa.Integer),
        sa.Column("note", sa.Text),
        sa.Column("contact_id", ID),
        sa.Column("staff_id", ID),
        sa.Column("voided_at", TIME),
        sa.Column("voided_by", ID),
    )
    op.create_index("support_at", "support_given", ["at"])
    op.create_index("support_guest", "support_given", ["guest_id"])

    op.create_table(
        "onward_referral",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("organisation", sa.String(200)),
        sa.Column("note", sa.Text),
        sa.Column("referred_at", TIME, nullable=False),
        sa.Column("offered_at", TIME),
        sa.Column("accepted_at", TIME),
        sa.Column("seen_at", TIME),
        sa.Column("declined_at", TIME),
        sa.Column("staff_id", ID),
        sa.Column("voided_at", TIME),
    )
    op.create_index("onward_referred", "onward_referral", ["referred_at"])
    op.create_index("onward_offered", "onward_referral", ["offered_at"],
                    sqlite_where=sa.text("offered_at IS NOT NULL"))
    op.create_index("onward_guest", "onward_referral", ["guest_id"])

    op.create_table(
        "circle_member",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organisation", sa.String(200)),
        sa.Column("phone", sa.String(40)),
        sa.Column("consent_at", TIME),
        sa.Column("consent_note", sa.Text),
        sa.Column("added_at", TIME, nullable=False),
        sa.Column("added_by", ID),
        sa.Column("removed_at", TIME),
        sa.Column("removed_by", ID),
    )
    op.create_index("circle_guest", "circle_member", ["guest_id"])

    op.create_table(
        "escalation",
        sa.Column("id", ID, primary_key=True),
        sa.Column("at", TIME, nullable=False),
        sa.Column("contact_name", sa.String(80), nullable=False),
        sa.Column("number", sa.String(40)),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id")),
        sa.Column("note", sa.Text),
        sa.Column("staff_id", ID),
    )
    op.create_index("escalation_at", "escalation", ["at"])

    op.create_table(
        "group_session",
        sa.Column("id", ID, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", TIME, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("facilitator_id", ID),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("created_by", ID),
        sa.Column("cancelled_at", TIME),
    )
    op.create_index("session_starts", "group_session", ["starts_at"])
    op.create_table(
        "session_attendance",
        sa.Column("session_id", ID, sa.ForeignKey("group_session.id"), primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), primary_key=True),
        sa.Column("added_at", TIME, nullable=False),
        sa.Column("added_by", ID),
    )
    op.create_index("attendance_guest", "session_attendance", ["guest_id"])

    op.create_table(
        "closing",
        sa.Column("id", ID, primary_key=True),
        sa.Column("at", TIME, nullable=False),
        sa.Column("opening_date", sa.String(10), nullable=False),
        sa.Column("signed_out", sa.Integer, nullable=False),
        sa.Column("follow_ups_ahead", sa.Integer, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("staff_id", ID),
    )
    op.create_table(
        "imported_record",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("record_id", ID, nullable=False),
        sa.Column("imported_at", TIME, nullable=False),
    )
