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


def upgrade() -> None:
    # Yes or no only, never what was said: NULL on entries that are not hard moments (or not yet asked).
    op.add_column("shift_log", sa.Column("debrief_offered", sa.Boolean))
