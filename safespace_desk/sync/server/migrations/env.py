"""Alembic environment of the sync server: migrations run on a connection handed in by the server."""

from __future__ import annotations

from alembic import context

from safespace_desk.sync.server.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("The server's migrations run from `safespace-desk server init`, on its database")

context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
