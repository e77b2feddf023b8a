"""Front desk: guests and aliases, visits, beds, exclusions, duty, merges.

Revision ID: 0002_front_desk
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_front_desk"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

ID = sa.String(36)
TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "guest",
        sa.Column("id", ID, primary_key=True),
        sa.Column("preferred_name", sa.String(200), nullable=False),
        sa.Column("legal_name", sa.String(200)),
        sa.Column("birth_year", sa.Integer),
        sa.Column("birth_date", sa.String(10)),
        sa.Column("gender", sa.String(40)),
        sa.Column("flags", sa.Text, nullable=False, server_default="[]"),
        sa.Column("support_notes", sa.Text),
        sa.Column("card_code", sa.String(16), nullable=False, unique=True),
        sa.Column("merged_into", ID, sa.ForeignKey("guest.id")),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("last_seen_at", TIME),
    )
    # Searches ask "which records were merged into these guests?" on every keystroke.
    op.execute("CREATE INDEX guest_merged ON guest (merged_into) WHERE merged_into IS NOT NULL")
    op.create_table(
        "guest_alias",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_index("guest_alias_guest", "guest_alias", ["guest_id"])
    op.create_table(
        "visit",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("signed_in_at", TIME, nullable=False),
        sa.Column("signed_out_at", TIME),
        sa.Column("arrived_via", sa.String(16), nullable=False),
        sa.Column("departed_to", sa.String(200)),
        sa.Column("staff_in", ID),
        sa.Column("staff_out", ID),
        sa.Column("override_reason", sa.Text),
        sa.Column("override_by", ID),
        sa.Column("voided_at", TIME),
        sa.Column("voided_by", ID),
        # A lead's decision to let a guest stay overnight without a bed (the night it applies to).
        sa.Column("no_bed_night", sa.String(10)),
        sa.Column("no_bed_reason", sa.Text),
        sa.Column("no_bed_by", ID),
    )
    # voided_at is in the index so "first visit of these guests" is answered from the index alone.
    op.create_index("visit_guest_time", "visit", ["guest_id", "signed_in_at", "voided_at"])
    op.create_index("visit_time", "visit", ["signed_in_at"])
    # Reports find visits that began before a range but ended inside it. Partial, so "who is in"
    # (signed_out_at IS NULL) uses visit_open below and never this index.
    op.execute("CREATE INDEX visit_out_time ON visit (signed_out_at) WHERE signed_out_at IS NOT NULL")
    # Who is in now: a small partial index, so the desk never scans a million visits.
    op.execute("CREATE INDEX visit_open ON visit (guest_id) "
               "WHERE signed_out_at IS NULL AND voided_at IS NULL")
    op.create_table(
        "bed_assignment",
        sa.Column("id", ID, primary_key=True),
        sa.Column("visit_id", ID, sa.ForeignKey("visit.id"), nullable=False),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("bed_label", sa.String(40), nullable=False),
        sa.Column("night_of", sa.String(10), nullable=False),
        sa.Column("assigned_at", TIME, nullable=False),
        sa.Column("assigned_by", ID),
        sa.Column("released_at", TIME),
    )
    op.create_index("bed_assignment_night", "bed_assignment", ["night_of"])
    op.create_index("bed_assignment_visit", "bed_assignment", ["visit_id"])
    # One guest per bed per night, enforced by the store itself.
    op.execute("CREATE UNIQUE INDEX bed_held ON bed_assignment (night_of, bed_label) "
               "WHERE released_at IS NULL")
    op.create_table(
        "exclusion",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("starts_at", TIME, nullable=False),
        sa.Column("ends_at", TIME, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("issued_by", ID),
        sa.Column("lifted_at", TIME),
        sa.Column("lifted_by", ID),
        sa.Column("lift_reason", sa.Text),
    )
    op.create_index("exclusion_guest", "exclusion", ["guest_id", "ends_at"])
    op.create_index("exclusion_ends", "exclusion", ["ends_at"])
    op.create_table(
        "duty_spell",
        sa.Column("id", ID, primary_key=True),
        sa.Column("staff_id", ID, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("started_at", TIME, nullable=False),
        sa.Column("ended_at", TIME),
    )
    # Who is on duty now is asked on every status refresh: index only the open spells.
    op.execute("CREATE INDEX duty_open ON duty_spell (staff_id) WHERE ended_at IS NULL")
    op.create_table(
        "guest_merge",
        sa.Column("id", ID, primary_key=True),
        sa.Column("kept_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("merged_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("merged_at", TIME, nullable=False),
        sa.Column("merged_by", ID),
        sa.Column("undone_at", TIME),
        sa.Column("undone_by", ID),
    )
    op.create_table(
        "not_duplicate",
        sa.Column("guest_a", ID, sa.ForeignKey("guest.id"), primary_key=True),
        sa.Column("guest_b", ID, sa.ForeignKey("guest.id"), primary_key=True),
        sa.Column("decided_at", TIME, nullable=False),
        sa.Column("decided_by", ID),
    )
