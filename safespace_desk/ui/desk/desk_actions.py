"""The one door from desk widgets to the services: call, collect ``Changes``, tell every view.

Calls run on the main thread: each is one short SQLCipher transaction (DESIGN.md section 7 budgets
sign-in and search in milliseconds), and running them in line keeps the 3am flow strictly ordered:
the confirmation banner never appears before the store has the visit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from safespace_desk.domain.roles import Permission, can
from safespace_desk.services.context import Changes, DeskContext

T = TypeVar("T")


def changes_in(result: object) -> Changes:
    """Services return Changes, an object with ``.changes``, or a tuple holding one."""
    if isinstance(result, Changes):
        return result
    found = getattr(result, "changes", None)
    if isinstance(found, Changes):
        return found
    if isinstance(result, tuple):
        for part in result:
            if isinstance(part, Changes):
                return part
    return Changes()


class DeskActions(QObject):
    """Runs mutating service calls and broadcasts what they changed.

    Errors (DeskError) propagate to the caller, which shows them inline next to the field.
    """

    changes_applied = Signal(object)  # Changes

    def __init__(self, desk: DeskContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk

    def run(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        result = call(self.desk, *args, **kwargs)
        changes = changes_in(result)
        if changes.kinds:
            self.changes_applied.emit(changes)
        return result

    def read(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return call(self.desk, *args, **kwargs)

    @property
    def is_lead(self) -> bool:
        """True when the person signed in may override rules themself (lead or manager)."""
        actor = self.desk.actor
        return actor is not None and can(actor.role, Permission.OVERRIDE)
