"""The site key's version as the desks last told the server (a rotation is taken only on top of it).

Revision ID: 0003_key_version
Revises: 0002_conflicts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_key_version"
down_revision = "0002_conflicts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site") as batch:
        batch.add_column(sa.Column("key_version", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("site") as batch:
        batch.drop_column("key_version")
