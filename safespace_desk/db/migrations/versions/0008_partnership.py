"""The partnership: the by-name list (meetings, who is on it, the action agreed for each person) and
the impact estimate's unit costs, started from the Derby review's (Appendix 2) with their sources.

Revision ID: 0008_partnership
Revises: 0007_sync
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_partnership"
down_revision = "0007_sync"
branch_labels = None
depends_on = None

ID = sa.String(36)
TIME = sa.String(32)
DAY = sa.String(10)

REVIEW = "Derby Safe Space review (2021), Appendix 2"
HEALTH = f"{REVIEW}, Health: health care unit costs"
# The review's unit costs, written once here (never its totals: see docs/decisions.md). Frozen with
# this migration: a later program never changes what a manager has, or has not yet, edited.
STARTING_COSTS = (
    ("officer_time", 12152, 100, "saving", "2 officers × 2 hours × £30.38 an hour", f"{REVIEW}, Policing: local cost"),
    ("ambulance_avoided", 19200, 100, "saving", "", HEALTH),
    ("a_and_e_avoided", 30000, 75, "saving", "", HEALTH),
    ("nights_indoors", 3500, 100, "saving", "local price", f"{REVIEW}, Housing: local cost"),
    ("ambulance_called", 19200, 100, "cost", "", HEALTH),
    ("gp_appointments", 3700, 100, "cost", "", HEALTH),
    ("safeguarding_referrals", 57000, 100, "cost", "",
     f"{REVIEW}, Adult safeguarding: Models of Adult Safeguarding in England (King's College London)"),
)


def upgrade() -> None:
    op.create_table(
        "partnership_meeting",
        sa.Column("day", DAY, primary_key=True),
        sa.Column("recorded_at", TIME, nullable=False),
        sa.Column("recorded_by", ID),
    )
    op.create_table(
        "partnership_member",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("joined_on", DAY, nullable=False),
        sa.Column("joined_at", TIME, nullable=False),
        sa.Column("joined_by", ID),
        sa.Column("left_on", DAY),
        sa.Column("left_at", TIME),
        sa.Column("left_by", ID),
    )
    # Not unique, on purpose: two desks may each add the same person while apart, and applying the
    # other desk's row must not fail; the list reads them as one (services/partnership.py refuses a
    # second open membership on this desk).
    op.create_index("partnership_member_guest", "partnership_member", ["guest_id"])
    op.create_table(
        "partnership_action",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("meeting_day", DAY, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("owner", sa.String(80), nullable=False),
        sa.Column("due_on", DAY, nullable=False),
        sa.Column("done_on", DAY),
        sa.Column("recorded_at", TIME, nullable=False),
        sa.Column("recorded_by", ID),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("updated_by", ID),
    )
    op.create_index("partnership_action_guest", "partnership_action", ["guest_id", "meeting_day"])
    op.create_table(
        "unit_cost",
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("unit_pence", sa.Integer),
        sa.Column("share_percent", sa.Integer, nullable=False, server_default="100"),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("basis", sa.Text, nullable=False, server_default=""),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("source_date", DAY, nullable=False, server_default=""),
        sa.Column("set_at", TIME),
        sa.Column("set_by", ID),
        sa.CheckConstraint("direction IN ('saving', 'cost')", name="unit_cost_direction"),
        sa.CheckConstraint("share_percent BETWEEN 1 AND 100", name="unit_cost_share"),
        sa.CheckConstraint("unit_pence IS NULL OR unit_pence > 0", name="unit_cost_positive"),
    )
    op.create_table(
        "unit_cost_change",
        sa.Column("id", ID, primary_key=True),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("staff_id", ID),
        sa.Column("before", sa.Text, nullable=False),
        sa.Column("after", sa.Text, nullable=False),
    )
    op.create_index("unit_cost_change_key", "unit_cost_change", ["key", "at"])
    # What was changed is kept: the history of a unit cost can be added to, never rewritten.
    # (Writing the same row again, as sync may, changes nothing and is let through.)
    op.execute("CREATE TRIGGER unit_cost_change_kept BEFORE UPDATE ON unit_cost_change "
               "WHEN OLD.key IS NOT NEW.key OR OLD.at IS NOT NEW.at OR OLD.staff_id IS NOT NEW.staff_id "
               "OR OLD.before IS NOT NEW.before OR OLD.after IS NOT NEW.after "
               "BEGIN SELECT RAISE(ABORT, 'a unit cost change is kept as it was recorded'); END")
    _counting_indexes()
    unit_cost = sa.table("unit_cost", sa.column("key"), sa.column("unit_pence"), sa.column("share_percent"),
                         sa.column("direction"), sa.column("basis"), sa.column("source"), sa.column("source_date"))
    op.bulk_insert(unit_cost, [
        {"key": key, "unit_pence": pence, "share_percent": share, "direction": direction, "basis": basis,
         "source": source, "source_date": "2021"}
        for key, pence, share, direction, basis, source in STARTING_COSTS])


def _counting_indexes() -> None:
    """Indexes the estimate's and the list's counts need to stay fast over a year of a large hub
    (each small, or covering what one count reads, so no count visits table rows one by one)."""
    # Bed nights: night, guest and release read from the index alone; sign-ins undone are few.
    op.create_index("bed_assignment_night_cover", "bed_assignment", ["night_of", "guest_id", "released_at", "visit_id"])
    op.execute("CREATE INDEX visit_voided ON visit (id) WHERE voided_at IS NOT NULL")
    # Police drop-offs: only those sign-ins, by time.
    op.execute("CREATE INDEX visit_police ON visit (signed_in_at) WHERE arrived_via = 'police' AND voided_at IS NULL")
    # Triage by outcome: one seek per outcome, counted from the index (never reading an assessment).
    op.create_index("triage_outcome_at", "triage", ["outcome", "at"])
    # Ambulances called and safeguarding referrals: two kinds of shift-log entry, one seek each.
    op.create_index("shift_log_kind_at", "shift_log", ["kind", "at"])
    # Messages withdrawn after a list's "as of" moment were waiting then.
    op.execute("CREATE INDEX message_withdrawn ON message (withdrawn_at) WHERE withdrawn_at IS NOT NULL")
