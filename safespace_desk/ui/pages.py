"""The pages the shell offers, in navigation order. Later features add their page here.

Each page is built with the signed-in desk and the shell (for the task runner and for
``changes_applied``). Pages a role may not use are never built for that role, so their data is
not even read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from safespace_desk.domain.roles import Role
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.account_page import AccountPage
from safespace_desk.ui.admin.page import AdminPage
from safespace_desk.ui.shell import MainShell

PageFactory = Callable[[DeskContext, MainShell], QWidget]


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    factory: PageFactory
    roles: frozenset[Role] | None = None  # None: every role

    def allowed(self, role: Role) -> bool:
        return self.roles is None or role in self.roles


def standard_pages() -> list[PageSpec]:
    return [
        PageSpec("admin", "Admin", AdminPage, frozenset({Role.MANAGER})),
        PageSpec("account", "My account", AccountPage),
    ]


def install_pages(shell: MainShell, desk: DeskContext, specs: list[PageSpec]) -> None:
    """Build the pages this person may use; Alt+1, Alt+2, ... follow the order they see."""
    role = desk.require_actor().role
    allowed = [spec for spec in specs if spec.allowed(role)]
    for number, spec in enumerate(allowed, start=1):
        shortcut = f"Alt+{number}" if number <= 9 else None
        shell.add_page(spec.key, spec.title, spec.factory(desk, shell), shortcut,
                       set(spec.roles) if spec.roles is not None else None)
