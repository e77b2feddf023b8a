"""The one door from a page's widgets to the services: call, collect ``Changes``, tell every view.

Calls run on the main thread: each is one short SQLCipher transaction, and running them in line keeps
the desk's flow strictly ordered (a confirmation never shows before the store has the change).
Slow calls (``in_background``) run through the task runner and come back on the main thread.

Whatever goes wrong inside a call reaches the page as a DeskError with a plain message, which the
page shows inline next to the field it names: the project's own errors as they are, a damaged
store, full disk or pulled-out USB stick as their own messages, and anything else (a bug) as
"something went wrong, nothing was saved", logged with its type and stack but never its text
(services/failures.py). So no error escapes into Qt's event loop and the desk stays usable.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.roles import Permission, Role, can
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.failures import plain_error
from safespace_desk.ui.tasks import TaskRunner

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

    def __init__(self, desk: DeskContext, parent: QObject | None = None, *,
                 runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.runner = runner

    def run(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A call that may change something; what it changed is broadcast."""
        result = self._call(call, *args, **kwargs)
        self._broadcast(result)
        return result

    def read(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return self._call(call, *args, **kwargs)

    def in_background(self, call: Callable[..., T], on_done: Callable[[T], object],
                      on_error: Callable[[DeskError], object], *args: Any, **kwargs: Any) -> None:
        """A slow call on the task runner; ``on_done`` or ``on_error`` (always a DeskError) come back
        on the main thread, and what the call changed is broadcast first."""
        assert self.runner is not None, "in_background needs the shell's task runner"
        desk = self.desk

        def done(result: Any) -> None:
            self._broadcast(result)
            on_done(result)

        self.runner.run(lambda: call(desk, *args, **kwargs), done,
                        lambda error: on_error(plain_error(error, desk)))

    def _call(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return call(self.desk, *args, **kwargs)
        except DeskError:
            raise
        except Exception as error:
            raise plain_error(error, self.desk) from None

    def _broadcast(self, result: object) -> None:
        changes = changes_in(result)
        if changes.kinds:
            self.changes_made.emit(changes)

    @property
    def role(self) -> Role:
        return self.desk.require_actor().role

    def can(self, permission: Permission) -> bool:
        actor = self.desk.actor
        return actor is not None and can(actor.role, permission)


def escaped_error_hook(show: Callable[[str], None]) -> Callable[[type[BaseException], BaseException, Any], None]:
    """``sys.excepthook`` for the desk window: the last resort for an error that escaped a page into
    Qt's event loop (a read on a timer, a slot that caught nothing). It gets the same plain message
    as any service call, shown by ``show``; a bug is logged with its type and stack, never its text
    (which Python's own hook would print, personal data and all). The window stays open."""

    def hook(kind: type[BaseException], error: BaseException, trace: Any) -> None:
        if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit: Python's own way
            sys.__excepthook__(kind, error, trace)
            return
        show(plain_error(error.with_traceback(trace)).message)

    return hook
