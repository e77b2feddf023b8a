"""The one door from desk widgets to the services: call, collect ``Changes``, tell every view.

Calls run on the main thread: each is one short SQLCipher transaction (DESIGN.md section 7 budgets
sign-in and search in milliseconds), and running them in line keeps the 3am flow strictly ordered:
the confirmation banner never appears before the store has the visit.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from safespace_desk.domain.roles import Permission
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.service_actions import ServiceActions, changes_in


class DeskActions(ServiceActions):
    """The front desk's door to the services; it names its signal ``changes_applied``."""

    changes_applied = Signal(object)  # Changes

    def __init__(self, desk: DeskContext, parent: QObject | None = None) -> None:
        super().__init__(desk, parent)
        self.changes_made.connect(self.changes_applied)

    @property
    def is_lead(self) -> bool:
        """True when the person signed in may override rules themself (lead or manager)."""
        return self.can(Permission.OVERRIDE)


__all__ = ["DeskActions", "changes_in"]
