"""Enquiries about a person (issue 13, item 1): who asked, about whom, why, the legal basis claimed, what
was said and who approved anything beyond the default answer; and each guest's sharing choices per agency.

Revision ID: 0013_enquiries
Revises: 0012_where_they_went
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_enquiries"
down_revision = "0012_where_they_went"
branch_labels = None
depends_on = None

ID = sa.String(36)
TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "enquiry",
        sa.Column("id", ID, primary_key=True),
        sa.Column("at", TIME, nullable=False),
        sa.Column("agency_id", ID, sa.ForeignKey("agency.id"), nullable=False),
        sa.Column("asker", sa.String(200), nullable=False),
        sa.Column("reference", sa.String(200)),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id")),
        sa.Column("about_name", sa.String(200), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("legal_basis", sa.String(16), nullable=False),
        sa.Column("answer", sa.String(16), nullable=False),
        sa.Column("said", sa.Text, nullable=False),
        sa.Column("approved_by", ID),
        sa.Column("created_by", ID),
        # The rule, in the store as well as the service: nothing beyond the default without approval.
        sa.CheckConstraint("answer = 'default' OR approved_by IS NOT NULL", name="enquiry_disclosure_approved"),
    )
    op.create_index("enquiry_at", "enquiry", ["at"])
    op.create_index("enquiry_guest", "enquiry", ["guest_id"])
    op.create_table(
        "sharing_choice",
        sa.Column("id", ID, primary_key=True),
        sa.Column("guest_id", ID, sa.ForeignKey("guest.id"), nullable=False),
        sa.Column("agency_id", ID, sa.ForeignKey("agency.id"), nullable=False),
        sa.Column("share", sa.Boolean, nullable=False),
        sa.Column("recorded_at", TIME, nullable=False),
        sa.Column("recorded_by", ID),
    )
    op.create_index("sharing_choice_guest", "sharing_choice", ["guest_id", "agency_id", "recorded_at"])
