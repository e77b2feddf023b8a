"""The audit log in the store: SQLite refuses edits, and edits made around that are still found."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import exc, text

from safespace_desk.db.store import StorePaths, connect_raw
from safespace_desk.domain.audit_chain import AuditFields, entry_hash
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import audit, auth
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.support.stores import add_guest_unit


def _fill(desk: DeskContext, n: int = 6) -> None:
    for i in range(n):
        with desk.unit_of_work() as uow:
            add_guest_unit(uow, f"Synthetic Audited {i}")


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET detail = 'changed' WHERE seq = 2",
    "UPDATE audit_log SET hash = prev_hash",
    "DELETE FROM audit_log WHERE seq = 3",
    "DELETE FROM audit_log",
])
def test_sqlite_refuses_to_change_or_delete_audit_entries(desk: DeskContext, statement: str) -> None:
    _fill(desk)
    before = desk.store.raw_connection_sql("SELECT * FROM audit_log ORDER BY seq")
    # The engine's dialect is stdlib sqlite's, so SQLAlchemy passes sqlcipher3's own errors through
    # unwrapped; accept either form, the point is the trigger's refusal.
    refused = (exc.IntegrityError, sqlcipher.IntegrityError)
    with pytest.raises(refused, match="append-only"), desk.store.write() as session:
        session.execute(text(statement))
    assert desk.store.raw_connection_sql("SELECT * FROM audit_log ORDER BY seq") == before
    assert audit.verify_chain(desk).ok


def _tamper_behind_the_programs_back(data_dir: Path, master_key: bytes, *statements: str) -> None:
    """What someone with the key and an SQLCipher shell could do: drop the guard, then edit."""
    conn = connect_raw(StorePaths(data_dir).db, master_key)
    try:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("DROP TRIGGER audit_no_delete")
        for statement in statements:
            assert conn.execute(statement).rowcount == 1
    finally:
        conn.close()


@pytest.mark.parametrize(("statement", "broken_at"), [
    # Who did it, rewritten: the entry's own hash no longer matches.
    ("UPDATE audit_log SET staff_id = 'someone-else' WHERE seq = 4", 4),
    # An entry removed: found at the one after the gap.
    ("DELETE FROM audit_log WHERE seq = 5", 6),
    # A stored hash overwritten.
    ("UPDATE audit_log SET hash = '" + "a" * 64 + "' WHERE seq = 3", 3),
])
def test_edits_made_behind_the_programs_back_are_reported_at_that_entry(
        desk: DeskContext, data_dir: Path, master_key: bytes, clock: FixedClock,
        statement: str, broken_at: int) -> None:
    _fill(desk)
    assert audit.verify_chain(desk).ok
    desk.close()
    _tamper_behind_the_programs_back(data_dir, master_key, statement)

    again = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        report = audit.verify_chain(again)
        assert not report.ok
        assert report.broken is not None and report.broken.seq == broken_at
        assert f"BROKEN at entry {broken_at}" in report.describe()
        # The verification itself is audited, with where the break is.
        last = again.store.raw_connection_sql("SELECT detail FROM audit_log ORDER BY seq DESC LIMIT 1")
        assert last == [(f"broken_at={broken_at}",)]
    finally:
        again.close()


def test_an_edit_with_its_hash_recomputed_is_found_at_the_next_entry(
        desk: DeskContext, data_dir: Path, master_key: bytes, clock: FixedClock) -> None:
    _fill(desk)
    desk.close()
    conn = connect_raw(StorePaths(data_dir).db, master_key)
    try:
        row = conn.execute("SELECT seq, at, staff_id, device_id, action, entity_kind, entity_id, detail, "
                           "prev_hash FROM audit_log WHERE seq = 3").fetchone()
    finally:
        conn.close()
    forged = AuditFields(*row[:7], detail="nothing to see")
    # The forger knows the (public) hash rule, so entry 3 checks out; entry 4 still points at
    # the hash entry 3 had before.
    _tamper_behind_the_programs_back(
        data_dir, master_key,
        f"UPDATE audit_log SET detail = 'nothing to see', hash = '{entry_hash(row[8], forged)}' WHERE seq = 3")
    again = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        report = audit.verify_chain(again)
        assert report.broken is not None and report.broken.seq == 4
        assert "does not point at the entry before it" in report.broken.reason
    finally:
        again.close()
