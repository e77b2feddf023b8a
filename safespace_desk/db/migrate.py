"""Alembic, run from code: every open upgrades the store to this program's schema."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from safespace_desk.db.errors import StoreTooNew

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None
    return head


def schema_version() -> int:
    """The schema as a number (revision ids are 0001_..., 0002_...), recorded in the outbox."""
    return int(head_revision().split("_", 1)[0])


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_due(connection: Connection) -> bool:
    """True for a store made by an older version of this program (it will be upgraded on open)."""
    current = current_revision(connection)
    return current is not None and current != head_revision() and _revision_exists(current)


def upgrade_to_head(connection: Connection, target: str = "head") -> None:
    current = current_revision(connection)
    if current is not None and not _revision_exists(current):
        raise StoreTooNew()
    if target == "head" and current == head_revision():
        return  # the common case: nothing to do, and no Alembic environment to start
    command.upgrade(alembic_config(connection), target)


def _revision_exists(rev: str) -> bool:
    try:
        return _scripts().get_revision(rev) is not None
    except Exception:  # Alembic raises several resolution errors for an unknown revision
        return False
