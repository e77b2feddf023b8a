"""Known ways the store can fail, each with a plain message for staff.

Anything not listed here is a bug and is reported as one. Messages never include personal data.
"""

from __future__ import annotations

from safespace_desk.domain.errors import DeskError


class StoreError(DeskError):
    """Base for failures of the encrypted store or its key-slot file."""


class WrongPassword(StoreError):
    def __init__(self) -> None:
        super().__init__("That name and password do not match. Check Caps Lock and try again.",
                         field="password")


class UnknownStaffName(StoreError):
    def __init__(self) -> None:
        # Same wording as a wrong password on purpose: do not reveal which names exist.
        super().__init__("That name and password do not match. Check Caps Lock and try again.",
                         field="name")


class WrongRecoveryKey(StoreError):
    def __init__(self) -> None:
        super().__init__("That recovery key does not open this store. Check each group of letters.",
                         field="recovery_key")


class StoreMissing(StoreError):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"The {what} is missing from the data folder. Nothing was created in its place. "
            "Restore it from a backup, or ask a manager."
        )


class NotAStore(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "The data file is not a SafeSpace Desk store, or it belongs to different key slots. "
            "It was left untouched. Check the data folder or restore from a backup."
        )


class StoreDamaged(StoreError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The store is damaged ({detail}). It was left untouched. Restore the latest backup, "
            "or ask a manager."
        )


class StoreTooNew(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "This store was written by a newer version of SafeSpace Desk. Update this program "
            "before opening it; the store was not changed."
        )


class DiskFull(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "The disk is full, so nothing was saved. Free some space (or ask IT) and try again; "
            "what you typed is still on screen."
        )


class KeySlotsTampered(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "The key-slot file has been changed outside SafeSpace Desk and cannot be trusted. "
            "Restore it from a backup, or use the recovery key."
        )


class StoreExists(StoreError):
    def __init__(self) -> None:
        super().__init__("A store already exists in this data folder; set-up will not overwrite it.")


class NoSqlCipher(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "The database library has no encryption (SQLCipher) built in, so the store cannot be "
            "opened safely. Reinstall SafeSpace Desk."
        )
