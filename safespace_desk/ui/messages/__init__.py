"""Messages, shift log, handovers and the paramedic's view (issue 4).

What other parts of the UI use:

* ``build_*_page(desk, shell)`` are the factories ``ui/pages.py`` registers (``PageSpec``), with the
  roles in ``MESSAGES_PAGE`` and friends.
* ``register_pages(shell)`` adds the four pages to the main shell, each for the roles that may use
  it, and wires their ``changes_made`` to ``shell.apply_changes`` and ``shell.changes_applied`` back
  to each page's ``apply_changes``.
* ``MessagesWaitingBanner`` and ``show_waiting_messages`` (deliver_dialog) for the front desk.
* ``HandoverBanner`` for the shell to show above every page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtWidgets import QWidget

from safespace_desk.domain.roles import Role
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.messages.board_page import MessageBoardPage
from safespace_desk.ui.messages.deliver_dialog import (
    DeliverDialog,
    MessagesWaitingBanner,
    show_waiting_messages,
)
from safespace_desk.ui.messages.handover_banner import HandoverBanner
from safespace_desk.ui.messages.handover_page import HandoverPage
from safespace_desk.ui.messages.paramedic_page import PARAMEDIC_PAGE_ROLES, ParamedicPage, TriageHistoryList
from safespace_desk.ui.messages.shift_log_page import ShiftLogPage

# Page keys, titles, shortcuts and roles: one table, so the shell's navigation stays readable.
MESSAGES_PAGE = ("messages", "Messages", "F6", frozenset(Role))
# Volunteers work the desk beside staff (the services show them less: no notes or plans).
SHIFT_LOG_PAGE = ("shift_log", "Shift log", "F7", frozenset({Role.DESK, Role.LEAD, Role.MANAGER, Role.VOLUNTEER}))
HANDOVER_PAGE = ("handover", "Handover", "F8", frozenset({Role.DESK, Role.LEAD, Role.MANAGER, Role.VOLUNTEER}))
PARAMEDIC_PAGE = ("paramedic", "Paramedic", "F9", PARAMEDIC_PAGE_ROLES)


class _Shell(Protocol):
    desk: DeskContext
    changes_applied: Any

    def add_page(self, key: str, title: str, widget: QWidget, shortcut: str | None = None,
                 roles: frozenset[Role] | None = None) -> None: ...

    def apply_changes(self, changes: Any) -> None: ...


def _factory(page_class: Any) -> Callable[[DeskContext, Any], QWidget]:
    """A page builder in the form ``ui.pages.PageSpec`` wants: build, then wire Changes both ways."""
    def build(desk: DeskContext, shell: Any) -> QWidget:
        page = page_class(desk)
        page.changes_made.connect(shell.apply_changes)
        shell.changes_applied.connect(page.apply_changes)
        return page
    return build


build_messages_page = _factory(MessageBoardPage)
build_shift_log_page = _factory(ShiftLogPage)
build_handover_page = _factory(HandoverPage)
build_paramedic_page = _factory(ParamedicPage)


def register_pages(shell: _Shell) -> dict[str, QWidget]:
    """Add the board, shift log, handover and paramedic pages to ``shell``."""
    pages: dict[str, QWidget] = {}
    for (key, title, keys, roles), page_class in ((MESSAGES_PAGE, MessageBoardPage),
                                                  (SHIFT_LOG_PAGE, ShiftLogPage),
                                                  (HANDOVER_PAGE, HandoverPage),
                                                  (PARAMEDIC_PAGE, ParamedicPage)):
        if shell.desk.require_actor().role not in roles:
            continue  # never build a page this role may not see (the paramedic page reads triage)
        page = page_class(shell.desk)
        page.changes_made.connect(shell.apply_changes)
        shell.changes_applied.connect(page.apply_changes)
        shell.add_page(key, title, page, keys, roles)
        pages[key] = page
    return pages


__all__ = [
    "build_handover_page", "build_messages_page", "build_paramedic_page", "build_shift_log_page",
    "DeliverDialog", "HandoverBanner", "HandoverPage", "MessageBoardPage", "MessagesWaitingBanner",
    "ParamedicPage", "ShiftLogPage", "TriageHistoryList", "register_pages", "show_waiting_messages",
]
