"""Where each ended epoch of a site's change log stopped (a server restored from a backup, or replaced,
starts a new epoch; desks read the old one to its end, then the new one from its start).

Revision ID: 0004_epochs
Revises: 0003_key_version
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_epochs"
down_revision = "0003_key_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_epoch",
        sa.Column("site_id", sa.String(36), sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("epoch", sa.Integer, primary_key=True),
        sa.Column("ended_head", sa.BigInteger, nullable=False),
        sa.Column("ended_at", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("site_epoch")
