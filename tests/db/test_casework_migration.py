"""Migration 0006 on a store with staff already in it: the volunteer role is allowed, nothing else
is, and every row and reference survives."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlcipher3.dbapi2 import IntegrityError

from safespace_desk.db.keyslots import new_master_key
from tests.db.test_migrations import _new_store_at, _upgrade

AT = "2025-03-01T09:00:00.000000Z"


def test_volunteers_are_allowed_after_0006_and_old_rows_keep_their_references(tmp_path: Path) -> None:
    store = _new_store_at(tmp_path / "data", new_master_key(), "0005_erasure_reason")
    try:
        with store.write() as session:
            sql = session.connection().exec_driver_sql
            sql("INSERT INTO staff (id, name, login, role, active, created_at) "
                "VALUES ('s1', 'Old Desk', 'old desk', 'desk', 1, ?)", (AT,))
            sql("INSERT INTO outbox (seq, device_id, op, args, staff_id, at, schema_version) "
                "VALUES (1, 'd', 'staff.add', '{}', 's1', ?, 5)", (AT,))
            with pytest.raises(IntegrityError):
                sql("INSERT INTO staff (id, name, login, role, active, created_at) "
                    "VALUES ('v0', 'Too Early', 'too early', 'volunteer', 1, ?)", (AT,))
        _upgrade(store, "0006_casework")
        with store.write() as session:
            sql = session.connection().exec_driver_sql
            sql("INSERT INTO staff (id, name, login, role, active, created_at) "
                "VALUES ('v1', 'Vol', 'vol', 'volunteer', 1, ?)", (AT,))
            with pytest.raises(IntegrityError):
                sql("INSERT INTO staff (id, name, login, role, active, created_at) "
                    "VALUES ('x1', 'Nope', 'nope', 'superuser', 1, ?)", (AT,))
        assert store.raw_connection_sql("SELECT id, role, counts_in_ratio, may_read_notes FROM staff ORDER BY id") == [
            ("s1", "desk", 1, 0), ("v1", "volunteer", 1, 0)]
        assert store.raw_connection_sql("SELECT staff_id FROM outbox") == [("s1",)]
        assert store.raw_connection_sql("PRAGMA foreign_key_check") == []
        assert store.raw_connection_sql("PRAGMA integrity_check") == [("ok",)]
        assert store.raw_connection_sql("SELECT mode FROM visit") == []
    finally:
        store.close()
