"""The store's connection settings that are decisions, not defaults (DESIGN.md section 5)."""

from __future__ import annotations

from safespace_desk.services.context import DeskContext


def test_memory_security_is_off_and_the_rest_as_designed(desk: DeskContext) -> None:
    sql = desk.store.raw_connection_sql
    assert sql("PRAGMA cipher_memory_security") == [("0",)]
    assert sql("PRAGMA journal_mode") == [("wal",)]
    assert sql("PRAGMA synchronous") == [(2,)]  # FULL
    assert sql("PRAGMA foreign_keys") == [(1,)] and sql("PRAGMA temp_store") == [(2,)]  # MEMORY
    assert sql("PRAGMA secure_delete") == [(1,)] and sql("PRAGMA cipher_version")[0][0]
