"""Sync: each outbox operation gets an id, its row changes and the server's decision; problems
sync reports; and the newest operation applied from each desk.

Revision ID: 0007_sync
Revises: 0006_casework
"""

from __future__ import annotations

import os
import time
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0007_sync"
down_revision = "0006_casework"
branch_labels = None
depends_on = None


def _uuid7() -> str:
    # A copy of ids.new_id (a migration must not change when the program does).
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80 | 0x7 << 76 | ((rand >> 68) & 0xFFF) << 64 | 0b10 << 62
    return str(uuid.UUID(int=value | rand & ((1 << 62) - 1)))


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("op_id", sa.String(36)))
        batch.add_column(sa.Column("rows", sa.Text))
        batch.add_column(sa.Column("decision", sa.String(16)))
        batch.add_column(sa.Column("reason", sa.String(64)))
        batch.add_column(sa.Column("position", sa.Integer))
    conn = op.get_bind()
    seqs = [row[0] for row in conn.execute(sa.text("SELECT seq FROM outbox WHERE op_id IS NULL"))]
    for seq in seqs:
        conn.execute(sa.text("UPDATE outbox SET op_id = :id WHERE seq = :seq"), {"id": _uuid7(), "seq": seq})
    op.create_index("outbox_op_id", "outbox", ["op_id"], unique=True)
    op.create_index("outbox_position", "outbox", ["position"], sqlite_where=sa.text("position IS NOT NULL"))
    op.create_table(
        "sync_problem",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("op_kind", sa.String(64)),
        sa.Column("op_seq", sa.Integer),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("resolved_at", sa.String(32)),
        sa.Column("resolved_by", sa.String(36)),
    )
    op.create_table(
        "sync_origin",
        sa.Column("device_id", sa.String(36), primary_key=True),
        sa.Column("last_seq", sa.Integer, nullable=False),
    )
