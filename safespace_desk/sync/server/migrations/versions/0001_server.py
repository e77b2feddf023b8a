"""The sync server's first schema: sites, codes, devices, the change log, records, audit chains.

Revision ID: 0001_server
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_server"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("epoch", sa.Integer, nullable=False, server_default="1"),
        sa.Column("log_head", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("base_state", sa.String(16), nullable=False, server_default="none"),
        sa.Column("base_device_id", sa.String(36)),
        sa.Column("slot_version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("slot_blob", sa.LargeBinary),
    )
    op.create_table(
        "enrol_code",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("site_id", sa.String(36), sa.ForeignKey("site.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
        sa.Column("made_by_device", sa.String(36)),
        sa.Column("used_at", sa.String(32)),
        sa.Column("used_by_device", sa.String(36)),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("site_id", sa.String(36), sa.ForeignKey("site.id"), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("last_seen_at", sa.String(32)),
        sa.Column("revoked_at", sa.String(32)),
        sa.Column("last_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("forked_from", sa.String(36)),
        sa.Column("audit_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("audit_hash", sa.String(64), nullable=False, server_default=""),
    )
    op.create_table(
        "op",
        sa.Column("site_id", sa.String(36), sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("op_id", sa.String(36), primary_key=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("received_at", sa.String(32), nullable=False),
        sa.Column("epoch", sa.Integer, nullable=False),
        sa.Column("position", sa.BigInteger),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64)),
        sa.Column("body", sa.Text, nullable=False),
        sa.UniqueConstraint("site_id", "device_id", "seq", name="uq_op_device_seq"),
        sa.UniqueConstraint("site_id", "epoch", "position", name="uq_op_position"),
    )
    op.create_table(
        "record",
        sa.Column("site_id", sa.String(36), sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("tbl", sa.String(40), primary_key=True),
        sa.Column("rid", sa.String(80), primary_key=True),
        sa.Column("guest_id", sa.String(36)),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
    )
    op.create_index("ix_record_guest", "record", ["site_id", "guest_id"])
    op.create_table(
        "audit_entry",
        sa.Column("site_id", sa.String(36), sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("device_id", sa.String(36), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("received_at", sa.String(32), nullable=False),
        sa.Column("sealed", sa.Text, nullable=False),
    )
