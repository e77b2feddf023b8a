"""The reason for an erasure, kept on the anonymised guest record rather than in the audit.

Revision ID: 0005_erasure_reason
Revises: 0004_import_rights
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_erasure_reason"
down_revision = "0004_import_rights"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not in the append-only audit: a reason that happens to name someone can still be corrected.
    op.add_column("guest", sa.Column("erasure_reason", sa.Text))
