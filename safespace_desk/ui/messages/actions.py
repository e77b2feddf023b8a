"""The one door from these pages to the services: call, collect ``Changes``, tell every view.

Calls run on the main thread: each is one short SQLCipher transaction, and running them in line
keeps the desk's flow ordered (a "Delivered" tick never shows before the store has it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from safespace_desk.domain.roles import Permission, Role, can
from safespace_desk.services.context import Changes, DeskContext

T = TypeVar("T")

# The kinds of change each view cares about (service constants, spelled here to keep ui/ free of
# service internals).
MESSAGE_KINDS = ("message", "guest", "visit", "agency")
LOG_KINDS = ("shift_log", "guest")
HANDOVER_KINDS = ("handover",)
TRIAGE_KINDS = ("triage", "visit", "guest", "message")


def changes_in(result: object) -> Changes:
    """Services return Changes, or a tuple holding one, or an object with ``.changes``."""
    if isinstance(result, Changes):
        return result
    if isinstance(result, tuple):
        return next((part for part in result if isinstance(part, Changes)), Changes())
    found = getattr(result, "changes", None)
    return found if isinstance(found, Changes) else Changes()


class ServiceActions(QObject):
    """Runs service calls for a page and broadcasts what mutating ones changed.

    Errors (DeskError) propagate to the caller, which shows them inline next to the field.
    """

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
