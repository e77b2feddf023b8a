"""Alembic environment: migrations always run on a connection handed in by the store."""

from __future__ import annotations

from alembic import context

from safespace_desk.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("SafeSpace Desk migrations run from the program, on an open store")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  transactional_ddl=False)
context.run_migrations()
