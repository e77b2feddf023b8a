"""Fixtures for the store tests: the template store's master key, unwrapped once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.store import StorePaths
from safespace_desk.domain.staff import login_key
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD


@pytest.fixture(scope="session")
def master_key(_template_store: tuple[Path, str]) -> bytes:
    """The raw SQLCipher key of the template store (and so of every ``data_dir`` copy).

    Argon2 with 64 MiB costs about a tenth of a second; tests that only need to open the store
    use this instead of signing in each time.
    """
    slots = KeySlots.load(StorePaths(_template_store[0]).keyslots)
    master, _ = slots.unlock_with_password(login_key(MANAGER_NAME), MANAGER_PASSWORD)
    return master


@pytest.fixture(scope="session")
def manager_id(_template_store: tuple[Path, str]) -> str:
    slots = KeySlots.load(StorePaths(_template_store[0]).keyslots)
    (staff_id,) = slots.staff_ids()
    return staff_id
