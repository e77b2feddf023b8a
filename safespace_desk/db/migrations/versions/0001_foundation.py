"""Foundation: desk settings, site, staff, the audit chain and the outbox.

Revision ID: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_setting",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "site",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("settings", sa.Text, nullable=False, server_default="{}"),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("login", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("pin_hash", sa.String(200)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("deactivated_at", sa.String(32)),
        sa.CheckConstraint("role IN ('desk', 'lead', 'manager', 'paramedic')", name="staff_role"),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("staff_id", sa.String(36)),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity_kind", sa.String(32)),
        sa.Column("entity_id", sa.String(36)),
        sa.Column("detail", sa.Text),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    # A subject access export asks "what happened to these records?" by id alone. (One index only:
    # every audit entry written pays for each index on this table.)
    op.create_index("audit_entity_id", "audit_log", ["entity_id"])
    # The audit is append-only inside the program too: edits and deletes are refused by SQLite.
    op.execute(
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("op", sa.String(64), nullable=False),
        sa.Column("args", sa.Text, nullable=False),
        sa.Column("staff_id", sa.String(36), sa.ForeignKey("staff.id")),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("pushed_at", sa.String(32)),
    )
    op.create_index("outbox_unpushed", "outbox", ["pushed_at", "seq"])
