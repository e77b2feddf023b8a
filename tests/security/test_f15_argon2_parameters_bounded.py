"""Issue 14, finding 15: the Argon2 parameters read from keyslots.json had no upper bound and were
used before anything checked the file, so an edited file could make sign-in ask for terabytes of
memory or run for days. They are bounded before Argon2 runs: an absurd slot is refused as tampered.

Argon2 itself is watched (the real one runs; the watcher only records what it was asked for), so a
refused slot is seen to have cost nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from safespace_desk.db import slotcrypto
from safespace_desk.db.errors import KeySlotsTampered
from safespace_desk.db.store import StorePaths
from safespace_desk.services import auth
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD


@pytest.fixture
def argon2_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, int]]]:
    calls: list[dict[str, int]] = []
    real = slotcrypto.hash_secret_raw

    def watched(secret: bytes, salt: bytes, **kwargs: Any) -> bytes:
        calls.append({k: kwargs[k] for k in ("time_cost", "memory_cost", "parallelism")})
        return real(secret, salt, **kwargs)

    monkeypatch.setattr(slotcrypto, "hash_secret_raw", watched)
    yield calls


def _edit_manager_kdf(data_dir: Path, **changes: Any) -> None:
    path = StorePaths(data_dir).keyslots
    data = json.loads(path.read_text())
    for slot in data["slots"]:
        if slot["kind"] == "staff":
            slot["kdf"].update(changes)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("changes", [
    {"m": 2**31},  # 2 TiB of memory
    {"m": 2 * 1024 * 1024},  # 2 GiB: past the 1 GiB bound
    {"t": 1_000_000},  # days of passes
    {"p": 2**20},  # a million lanes
    {"p": 0},
    {"m": 1024},  # weaker than any slot this program writes
    {"alg": "argon2i"},
    {"m": "lots"},
], ids=["2TiB", "2GiB", "1M-passes", "1M-lanes", "0-lanes", "1MiB", "argon2i", "not-a-number"])
def test_absurd_argon2_parameters_are_refused_before_argon2_runs(
        data_dir: Path, clock: Any, argon2_calls: list[dict[str, int]], changes: dict[str, Any]) -> None:
    _edit_manager_kdf(data_dir, **changes)
    with pytest.raises(KeySlotsTampered):
        auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    assert argon2_calls == []


def test_every_slot_asks_for_bounded_parameters(data_dir: Path, clock: Any,
                                                argon2_calls: list[dict[str, int]]) -> None:
    """A good file signs in with one derivation, within the bounds."""
    auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock).close()
    assert len(argon2_calls) == 1
    (call,) = argon2_calls
    assert call["memory_cost"] <= slotcrypto.MAX_MEMORY_KIB and call["time_cost"] <= slotcrypto.MAX_TIME


def test_a_desk_writes_slots_at_256_mib_3_passes_4_lanes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(slotcrypto.TEST_PARAMS_ENV, raising=False)
    assert slotcrypto.new_slot_params() == slotcrypto.Argon2Params(256 * 1024, 3, 4)
    # A slot weaker than that is refused on a desk (the test suite's cheap slots included).
    weak = slotcrypto.Argon2Params(8192, 1, 1).to_json(b"s" * 16)
    with pytest.raises(KeySlotsTampered):
        slotcrypto.check_params(weak)
    strong = slotcrypto.STRONG.to_json(b"s" * 16)
    assert slotcrypto.check_params(strong)[0] == slotcrypto.STRONG
    # The format before key pairs used 64 MiB: still opened, to be migrated.
    assert slotcrypto.check_params(slotcrypto.V1_FLOOR.to_json(b"s" * 16), legacy=True)[0] == slotcrypto.V1_FLOOR
