"""Alembic migrations: an old store upgrades on open with its data intact, each migration applies
on top of its predecessor, and the schema at head is the one the models describe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from safespace_desk.db import migrate
from safespace_desk.db.keyslots import create_keyslots, new_master_key
from safespace_desk.db.models import Base
from safespace_desk.db.store import Store, StorePaths, connect_raw, read_store_salt
from safespace_desk.domain.audit_chain import GENESIS, AuditFields, entry_hash
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import audit, auth, staff
from tests.support.stores import add_guest_unit

OLD_MANAGER = "Olga Oldstore"
OLD_PASSWORD = "an old store password"
AT = "2025-03-01T09:00:00.000000Z"

# Base first. Read from the scripts, so a new migration gets its test without editing this file.
REVISIONS = [script.revision for script in
             reversed(list(ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()))]
PREDECESSOR = {script.revision: script.down_revision for script in
               ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()}


def _new_store_at(data_dir: Path, master: bytes, revision: str | None) -> Store:
    """A new encrypted file migrated to ``revision`` only (None: no tables at all)."""
    paths = StorePaths(data_dir)
    data_dir.mkdir(parents=True)
    paths.db.touch(mode=0o600)
    connect_raw(paths.db, master, create=True).close()
    store = Store(paths, master)  # the constructor does not migrate; Store.open and create do
    if revision is not None:
        _upgrade(store, revision)
    return store


def _upgrade(store: Store, revision: str) -> None:
    with store.write() as session:
        migrate.upgrade_to_head(session.connection(), target=revision)


def _schema(store: Store) -> dict[str, set[str]]:
    with store.read() as session:
        inspector = inspect(session.connection())
        schema = {table: {column["name"] for column in inspector.get_columns(table)}
                  for table in inspector.get_table_names()}
        # An index is schema too (a migration may add only an index, as 0014 does).
        schema["(indexes)"] = {row[0] for row in session.connection().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        return schema


def _revision(store: Store) -> str | None:
    with store.read() as session:
        return migrate.current_revision(session.connection())


def _write_0001_data(conn: Connection, manager_id: str) -> None:
    """Rows as the first release wrote them, in raw SQL: today's models may have moved on."""
    sql = conn.exec_driver_sql
    sql("INSERT INTO desk_setting (key, value) VALUES ('device_id', 'device-from-0001')")
    sql("INSERT INTO site (id, name, timezone, settings, created_at) "
        f"VALUES ('site-1', 'Old Hub', 'Europe/London', '{{}}', '{AT}')")
    sql("INSERT INTO staff (id, name, login, role, active, created_at) VALUES (?, ?, ?, 'manager', 1, ?)",
        (manager_id, OLD_MANAGER, OLD_MANAGER.lower(), AT))
    prev = GENESIS
    for seq, action in enumerate(("store_created", "staff_added"), start=1):
        fields = AuditFields(seq=seq, at=AT, staff_id=manager_id, device_id="device-from-0001",
                             action=action, entity_kind="staff", entity_id=manager_id, detail=None)
        digest = entry_hash(prev, fields)
        sql("INSERT INTO audit_log (seq, at, staff_id, device_id, action, entity_kind, entity_id, "
            "detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
            (seq, AT, manager_id, "device-from-0001", action, "staff", manager_id, prev, digest))
        prev = digest
    sql("INSERT INTO outbox (seq, device_id, op, args, staff_id, at, schema_version) "
        "VALUES (1, 'device-from-0001', 'staff.add', ?, ?, ?, 1)",
        (json.dumps({"staff_id": manager_id, "name": OLD_MANAGER, "role": "manager"}), manager_id, AT))


def test_a_store_left_at_0001_upgrades_on_sign_in_with_its_data(tmp_path: Path, clock: FixedClock) -> None:
    data_dir = tmp_path / "old"
    master = new_master_key()
    store = _new_store_at(data_dir, master, "0001_foundation")
    assert _revision(store) == "0001_foundation"
    assert "guest" not in _schema(store)
    manager_id = "0190aaaa-0000-7000-8000-000000000001"
    with store.write() as session:
        _write_0001_data(session.connection(), manager_id)
    store.close()
    slots, _ = create_keyslots(master, read_store_salt(StorePaths(data_dir).db))
    slots.set_staff_slot(master, manager_id, OLD_MANAGER.lower(), OLD_PASSWORD)
    slots.save(StorePaths(data_dir).keyslots)

    # The ordinary way in: signing in opens the store, which migrates it to head.
    desk = auth.sign_in(data_dir, OLD_MANAGER, OLD_PASSWORD, clock)
    try:
        assert _revision(desk.store) == migrate.head_revision()
        assert desk.device_id == "device-from-0001"
        assert [m.name for m in staff.list_staff(desk)] == [OLD_MANAGER]
        rows = desk.store.raw_connection_sql("SELECT name, timezone FROM site")
        assert rows == [("Old Hub", "Europe/London")]
        assert desk.store.raw_connection_sql("SELECT seq, op FROM outbox") == [(1, "staff.add")]
        # The old audit entries still link, and new ones chain on after them.
        report = audit.verify_chain(desk)
        assert report.ok and report.entries >= 3
        # Tables from later migrations are there and usable.
        with desk.unit_of_work() as uow:
            add_guest_unit(uow, "Synthetic Firstguest")
        assert desk.store.raw_connection_sql("SELECT count(*) FROM guest") == [(1,)]
        assert desk.store.raw_connection_sql("PRAGMA integrity_check") == [("ok",)]
    finally:
        desk.close()


@pytest.mark.parametrize("revision", REVISIONS)
def test_each_migration_applies_on_top_of_its_predecessor(tmp_path: Path, revision: str) -> None:
    store = _new_store_at(tmp_path / "data", new_master_key(), PREDECESSOR[revision])
    try:
        before = _schema(store)
        _upgrade(store, revision)
        after = _schema(store)
        assert _revision(store) == revision
        assert after != before, "a migration should add at least one table or column"
        # The migrations so far only add; one that drops or renames must say so here.
        for table, columns in before.items():
            assert table in after and columns <= after[table], table
        assert store.raw_connection_sql("PRAGMA integrity_check") == [("ok",)]
        assert store.raw_connection_sql("PRAGMA foreign_key_check") == []
        _upgrade(store, revision)  # running it again is a no-op
        assert _schema(store) == after
    finally:
        store.close()


def test_the_schema_at_head_is_what_the_models_describe(tmp_path: Path) -> None:
    store = _new_store_at(tmp_path / "data", new_master_key(), "head")
    try:
        schema = _schema(store)
    finally:
        store.close()
    modelled = {table.name: {column.name for column in table.columns}
                for table in Base.metadata.sorted_tables}
    for table, columns in modelled.items():
        assert table in schema, f"model {table} has no table"
        assert columns <= schema[table], f"{table}: columns {columns - schema[table]} not migrated"


def test_store_create_and_open_agree_with_the_migrations(data_dir: Path, master_key: bytes) -> None:
    # The conftest's template store was made by setup (Store.create); it must already be at head.
    store = Store.open(data_dir, master_key, read_store_salt(StorePaths(data_dir).db))
    try:
        assert _revision(store) == migrate.head_revision()
    finally:
        store.close()

