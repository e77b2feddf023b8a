"""A hub with a lead (PIN 2468), two desk staff and a paramedic, built once and copied per test.

Adding an account costs an Argon2 derivation; the security tests need these people in most tests,
so they come with the template store rather than being added each time."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import auth, staff
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START

# The UI fixtures the security tests drive real screens with: a window on a data folder, a manager's shell.
from tests.ui.conftest import make_window  # noqa: F401
from tests.ui.reports.conftest import shell  # noqa: F401

LEAD, LEAD_PIN = "Lee Lead", "2468"
DESK_USER, COLLEAGUE, MEDIC = "Dee Desk", "Cal Colleague", "Pat Medic"
ROLES = {LEAD: "lead", DESK_USER: "desk", COLLEAGUE: "desk", MEDIC: "paramedic"}


# The offscreen platform (tests only) cannot resize a top-level window to a new minimum size and
# says so; real platforms do not (as in tests/ui/conftest.py).
OFFSCREEN_ONLY = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/security/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_ONLY))


def password_of(name: str) -> str:
    return f"{name} lantern quartz meadow 7"


@pytest.fixture(scope="session")
def _hub_template(tmp_path_factory: pytest.TempPathFactory, _template_store: tuple[Path, str]) -> Path:
    folder = tmp_path_factory.mktemp("hub") / "data"
    shutil.copytree(_template_store[0], folder)
    desk = auth.sign_in(folder, MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))
    try:
        for name, role in ROLES.items():
            staff.add_staff(desk, name=name, role=role, password=password_of(name),
                            pin=LEAD_PIN if name == LEAD else None)
    finally:
        auth.sign_out(desk)
    return folder


@pytest.fixture
def data_dir(tmp_path: Path, _hub_template: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(_hub_template, target)
    return target


SignInAs = Callable[[str], DeskContext]


@pytest.fixture
def sign_in_as(data_dir: Path, clock: FixedClock) -> Iterator[SignInAs]:
    """Open a second desk on the same store as one of the hub's staff (closed after the test)."""
    opened: list[DeskContext] = []

    def open_as(name: str) -> DeskContext:
        context = auth.sign_in(data_dir, name, password_of(name), clock)
        opened.append(context)
        return context

    yield open_as
    for context in opened:
        context.close()
