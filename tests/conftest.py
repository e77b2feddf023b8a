"""Shared fixtures. Stores are real encrypted files; a template is built once and copied per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Key slots made by the tests use cheap Argon2 parameters (8 MiB, one pass, one lane; a desk uses
# 256 MiB, 3 passes, 4 lanes): their stores are thrown away. Child processes inherit it.
os.environ.setdefault("SAFESPACE_TEST_ARGON2", "8192,1,1")

from safespace_desk.db.keyslots import KeySlots  # noqa: E402
from safespace_desk.db.store import StorePaths  # noqa: E402
from safespace_desk.domain.clock import FixedClock  # noqa: E402
from safespace_desk.domain.staff import login_key  # noqa: E402
from safespace_desk.services import auth, setup  # noqa: E402
from safespace_desk.services.context import DeskContext  # noqa: E402

MANAGER_NAME = "Mo Manager"
MANAGER_PASSWORD = "correct horse battery"
# A Tuesday in November, midday in London (UTC+0 in winter).
START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def _template_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("template") / "data"
    result = setup.initialise_store(folder, site_name="Test Hub", timezone="Europe/London",
                                    manager_name=MANAGER_NAME, manager_password=MANAGER_PASSWORD,
                                    clock=FixedClock(START))
    result.desk.close()
    return folder, result.recovery_key


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def data_dir(tmp_path: Path, _template_store: tuple[Path, str]) -> Path:
    """A fresh copy of a set-up store (manager Mo Manager), not yet opened."""
    target = tmp_path / "data"
    shutil.copytree(_template_store[0], target)
    return target


@pytest.fixture
def recovery_key(_template_store: tuple[Path, str]) -> str:
    return _template_store[1]


@pytest.fixture
def desk(data_dir: Path, clock: FixedClock) -> Iterator[DeskContext]:
    """The store opened by the manager."""
    context = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    yield context
    context.close()


@pytest.fixture(scope="session")
def master_key(_template_store: tuple[Path, str]) -> bytes:
    """The raw SQLCipher key of the template store (and so of every ``data_dir`` copy).

    Tests that only need to open the store use this instead of signing in each time.
    """
    slots = KeySlots.load(StorePaths(_template_store[0]).keyslots)
    master, _ = slots.unlock_with_password(login_key(MANAGER_NAME), MANAGER_PASSWORD)
    return master


@pytest.fixture(scope="session")
def manager_id(_template_store: tuple[Path, str]) -> str:
    slots = KeySlots.load(StorePaths(_template_store[0]).keyslots)
    (staff_id,) = slots.staff_ids()
    return staff_id


@pytest.fixture(autouse=True)
def _operations_declare_what_they_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every unit of work in every test: each outbox operation may change only the tables its kind
    declares in sync/registry.py (so a new table or kind cannot go unnoticed by sync)."""
    from safespace_desk.services.context import UnitOfWork
    from safespace_desk.sync import registry

    finish = UnitOfWork.finish

    def checked(self: UnitOfWork) -> None:
        finish(self)
        for op, tables in self.op_tables:
            kind = registry.OPS.get(op)
            if kind is None:
                continue  # a test's own stand-in operation (the code's names are checked by scanning it)
            extra = tables - kind.writes
            assert not extra, f"operation {op} changed {sorted(extra)}: declare them in sync/registry.py"

    monkeypatch.setattr(UnitOfWork, "finish", checked)


@pytest.fixture(scope="session")
def partnership_fortnight(_template_store: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The partnership's hand-built fortnight (tests/services/partnership_helpers.py), built once per
    run: (its folder, the Fortnight). Copy the folder before changing anything in it."""
    from tests.services.partnership_helpers import built_fortnight

    folder = tmp_path_factory.mktemp("fortnight") / "data"
    return folder, built_fortnight(_template_store[0], folder)


@pytest.fixture(scope="session")
def store_with_data(_template_store: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small store with 199 imported visits, built once; tests damage copies of it."""
    from tests.support.damage import build_store_with_data

    return build_store_with_data(_template_store[0], tmp_path_factory.mktemp("with-data") / "data")
