"""Any failure, turned into the one plain message staff see for it.

Every screen and command goes through ``plain_error``: known failures of the store (damage, a full
disk, a removed USB stick, permission denied, another program holding the store) get their own
message, and anything else is a bug: logged with its type and stack (never its message, which may
quote personal data from a query) and shown as a calm "that did not work; nothing was saved".
"""

from __future__ import annotations

import logging
import traceback

from safespace_desk.db.store import translate
from safespace_desk.domain.errors import DeskError
from safespace_desk.services.context import DeskContext

log = logging.getLogger("safespace_desk.errors")

UNEXPECTED_ERROR = ("Something went wrong that SafeSpace Desk did not expect, so nothing was saved. "
                    "Try again; if it happens again, tell a manager.")


class UnexpectedError(DeskError):
    """A bug, said plainly. The details went to the log (type and stack only)."""

    def __init__(self, kind: str) -> None:
        super().__init__(UNEXPECTED_ERROR)
        self.kind = kind


def plain_error(error: BaseException, desk: DeskContext | None = None) -> DeskError:
    """The DeskError to show for ``error``. Damage met here is recorded, so the desk stops writing."""
    if isinstance(error, DeskError):
        return error
    typed = desk.store.translate(error) if desk is not None else translate(error)
    if typed is not None:
        return typed
    log.error("Unexpected %s:\n%s", type(error).__name__, "".join(traceback.format_tb(error.__traceback__)))
    return UnexpectedError(type(error).__name__)
