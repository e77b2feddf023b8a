"""How issue 10 is checked: bytes flipped in a random page of a store with data (a table page, an
index page, a committed frame of the write-ahead log), then every command is run. Each names the
damage, exits 1 and writes nothing: the files that hold saved work keep their hashes.

The commands left out create a store (``init``, ``demo``: they refuse an existing one) or are the
remedy (``restore``, tested in tests/test_cli_data.py and below). The desk window's half of the
check is in tests/ui/test_store_damage.py.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from safespace_desk.db import health
from safespace_desk.domain.clock import FixedClock
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.support.damage import DAMAGE_KINDS, SEED, damage_store, sign_in_sheet, store_hashes
from tests.test_cli import manager, run

COMMANDS: list[tuple[str, list[str]]] = [
    ("staff list", ["staff", "list"]),
    ("staff add", ["staff", "add", "Synthetic Newcomer", "--role", "desk"]),
    ("staff deactivate", ["staff", "deactivate", MANAGER_NAME]),
    ("audit verify", ["audit", "verify"]),
    ("check", ["check"]),
    ("report", ["report", "--from", "2026-10-01", "--to", "2026-10-31"]),
    ("import visits", ["import", "visits", "SHEET"]),
    ("backup", ["backup", "--to", "BACKUPS"]),
]


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_every_command_names_the_damage_exits_1_and_writes_nothing(
        kind: str, store_with_data: Path, master_key: bytes, recovery_key: str, tmp_path: Path,
        clock: FixedClock) -> None:
    rng = random.Random(f"{SEED}-{kind}")
    data_dir = damage_store(kind, store_with_data, tmp_path / "data", master_key, rng)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(sign_in_sheet(5).replace("2026-10", "2026-11"))
    before = store_hashes(data_dir)
    context = f"{kind}, seed {SEED}"
    for name, args in COMMANDS:
        # Each command finds the damage itself (the record of an earlier find is removed first).
        health.health_path(data_dir).unlink(missing_ok=True)
        args = [str(sheet) if a == "SHEET" else str(tmp_path / "backups") if a == "BACKUPS" else a
                for a in args]
        result = run(manager(data_dir, *args), clock, stdin=f"{MANAGER_PASSWORD}\n",
                     env={"SAFESPACE_NEW_PASSWORD": "a new long password"})
        assert result.code == 1, f"{name} ({context}): {result.out} {result.err}"
        assert "The store is damaged (" in result.err, f"{name} ({context}): {result.err}"
        assert "safespace-desk restore" in result.err and "bug" not in result.err
        assert store_hashes(data_dir) == before, f"{name} wrote to the damaged store ({context})"
    assert not list((tmp_path / "backups").glob("safespace-backup-*")), "no backup of a damaged store"

    # The raw key (for salvage with another SQLCipher tool) is still given, and its export is not
    # written to the damaged store; the command says so and exits 1.
    health.health_path(data_dir).unlink(missing_ok=True)
    raw = run(["--data-dir", str(data_dir), "key", "raw", "--recovery-key-stdin"], clock,
              stdin=recovery_key + "\n")
    assert raw.code == 1 and len(raw.out.strip()) == 64, context
    assert "could not be recorded" in raw.err and "The store is damaged (" in raw.err
    assert store_hashes(data_dir) == before, context
