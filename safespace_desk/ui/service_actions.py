"""The one door from a page's widgets to the services: call, collect ``Changes``, tell every view.

Calls run on the main thread: each is one short SQLCipher transaction, and running them in line keeps
the desk's flow strictly ordered (a confirmation never shows before the store has the change).
Errors (DeskError) propagate to the caller, which shows them inline next to the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from safespace_desk.domain.roles import Permission, Role, can
from safespace_desk.services.context import Changes, DeskContext

T = TypeVar("T")


def changes_in(result: object) -> Changes:
    """Services return Changes, a tuple holding one, or an object with ``.changes``."""
    if isinstance(result, Changes):
        return result
    if isinstance(result, tuple):
        return next((part for part in result if isinstance(part, Changes)), Changes())
    found = getattr(result, "changes", None)
    return found if isinstance(found, Changes) else Changes()


class ServiceActions(QObject):
    """Runs service calls for a page and broadcasts what the mutating ones changed."""

    changes_made = Signal(object)  # Changes

    def __init__(self, desk: DeskContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk

    def run(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        result = call(self.desk, *args, **kwargs)
        changes = changes_in(result)
        if changes.kinds:
            self.changes_made.emit(changes)
        return result

    def read(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return call(self.desk, *args, **kwargs)

    @property
    def role(self) -> Role:
        return self.desk.require_actor().role

    def can(self, permission: Permission) -> bool:
        actor = self.desk.actor
        return actor is not None and can(actor.role, permission)
