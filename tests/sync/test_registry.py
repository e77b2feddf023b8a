"""Nothing can be forgotten: every operation kind in the code is declared for sync, every table is
either declared or local, and what DESIGN.md section 6 calls sensitive is never on an allowlist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from safespace_desk.db.models import LOCAL_TABLES, Base
from safespace_desk.sync import registry
from safespace_desk.sync.keys import keys_from_master
from safespace_desk.sync.sealing import Sealer

PACKAGE = Path(__file__).resolve().parents[2] / "safespace_desk"
OUTBOX_CALL = re.compile(r"""\.outbox\(\s*["']([a-z_.]+)["']""")

# DESIGN.md section 6: how a guest arrived, where they went, an agency and category, a shift-log
# kind, and every name, note, reason and flag.
SENSITIVE = {
    "guest": {"preferred_name", "legal_name", "birth_year", "birth_date", "gender", "flags", "support_notes",
              "card_code", "erasure_reason"},
    "guest_alias": {"name"},
    "visit": {"arrived_via", "departed_to", "override_reason", "no_bed_reason", "notes"},
    "exclusion": {"reason", "lift_reason"},
    "message": {"for_name", "agency_id", "contact", "body", "category", "delivery_note", "not_passed_reason",
                "withdraw_reason"},
    "shift_log": {"kind", "text", "guest_id", "at"},
    "handover": {"snapshot", "text", "follow_ups", "shift_name"},
    "triage": {"presenting_need", "notes", "outcome", "guest_id"},
    "staff": {"name", "login", "pin_hash"},
    "duplicate_hint": {"why"},
}


def _outbox_names() -> set[str]:
    names = set()
    for path in PACKAGE.rglob("*.py"):
        names.update(OUTBOX_CALL.findall(path.read_text(encoding="utf-8")))
    return names


def test_every_outbox_operation_in_the_code_is_declared_for_sync() -> None:
    names = _outbox_names()
    assert len(names) > 30  # the scan really found the services' operations
    undeclared = sorted(names - set(registry.OPS))
    assert not undeclared, (f"declare these operation kinds in safespace_desk/sync/registry.py (OPS): "
                            f"{undeclared}")


def test_the_scan_would_catch_a_new_undeclared_operation(tmp_path: Path) -> None:
    sample = 'with desk.unit_of_work() as uow:\n    uow.outbox("crisis.referral_opened", case_id=case)\n'
    assert OUTBOX_CALL.findall(sample) == ["crisis.referral_opened"]
    assert "crisis.referral_opened" not in registry.OPS


def test_every_table_is_declared_for_sync_or_local() -> None:
    tables = set(Base.metadata.tables)
    unclassified = sorted(tables - set(registry.TABLES) - LOCAL_TABLES)
    assert not unclassified, f"declare these tables in sync/registry.py (TABLES) or db.models.LOCAL_TABLES: {unclassified}"
    assert not set(registry.TABLES) & LOCAL_TABLES


def test_declared_columns_and_tables_exist() -> None:
    for name, table in registry.TABLES.items():
        columns = set(Base.metadata.tables[name].c.keys())
        assert table.clear <= columns, f"{name}: {sorted(table.clear - columns)}"
        if table.guest_column:
            assert table.guest_column in columns
    for kind in registry.OPS.values():
        assert kind.writes <= set(registry.TABLES), kind.name


@pytest.mark.parametrize("table", sorted(SENSITIVE))
def test_sensitive_fields_are_never_sent_in_clear(table: str) -> None:
    assert not SENSITIVE[table] & registry.clear_fields(table)
    # Opaque records: only their id travels in clear.
    if table in ("shift_log", "handover", "triage"):
        assert registry.clear_fields(table) == {"id"}


def test_sealing_puts_only_allowlisted_fields_in_clear() -> None:
    sealer = Sealer("site", keys_from_master(b"k" * 32), 1)
    values = {"id": "v1", "guest_id": "g1", "signed_in_at": "2026-11-24T12:00:00.000000Z", "arrived_via": "police",
              "departed_to": "hospital", "notes": "Synthetic note"}
    change = sealer.seal_change("op", "visit.sign_in", "visit", "v1", "i", values)
    assert set(change.c) == {"id", "guest_id", "signed_in_at"}
    assert change.n == ["arrived_via", "departed_to", "notes"]
    assert "police" not in change.model_dump_json() and "Synthetic note" not in change.model_dump_json()
