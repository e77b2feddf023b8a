"""Known ways the store can fail, each with a plain message for staff.

Anything not listed here is a bug and is reported as one. Messages never include personal data
(folder paths may appear: they name where the store is, never a guest).
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


# What to do when nobody has told the error where the backups are (the Store adds the exact command).
RESTORE_ADVICE = ("Restore the newest verified backup (a manager sees it, and the command, on the Backups "
                  "page), or ask a manager.")


class StoreDamaged(StoreError):
    """The store's pages or its log fail their checks (a failing disk, a bad copy).

    One message wherever it is met: what is wrong (``detail``), that nothing more will be written,
    and what to do next (``advice``: the newest verified backup and the exact restore command)."""

    def __init__(self, detail: str, advice: str | None = None) -> None:
        self.detail = detail
        self.advice = advice
        super().__init__(
            f"The store is damaged ({detail}). SafeSpace Desk will not write anything more to it, so "
            f"nothing more is lost. {advice or RESTORE_ADVICE}"
        )


class LogMissing(StoreError):
    """The write-ahead log was removed (or not copied) while it held saved work."""

    def __init__(self, pages: int, advice: str | None = None) -> None:
        self.pages = pages
        super().__init__(
            f"The store's log file (store.db-wal) is missing, but its index (store.db-shm) shows it held "
            f"{pages} saved page{'s' if pages != 1 else ''} not yet written into store.db, so the latest "
            "saved work is not in this folder. Nothing was changed. If this folder was copied from "
            "somewhere, copy store.db-wal from there too and try again. "
            f"{advice or RESTORE_ADVICE}"
        )


class BackupDamaged(StoreError):
    """A backup folder fails its check: when it is written, or before a restore uses it."""

    def __init__(self, detail: str, *, just_written: bool = False) -> None:
        self.detail = detail
        if just_written:
            text = (f"The backup just written failed its check ({detail}), so it was removed; the earlier "
                    "backups are kept. Try again, or another USB stick or folder; if it fails again, run "
                    "`safespace-desk check` to check the store itself.")
        else:
            text = (f"This backup is damaged ({detail}) and was not used; nothing was changed. "
                    "Use an older backup.")
        super().__init__(text)


class BackupFailed(StoreError):
    """The backup folder would not take the copy (full, not allowed, or not there)."""

    def __init__(self, folder: str, reason: str) -> None:
        super().__init__(
            f"The backup could not be written to {folder}: {reason}. Nothing was changed and the earlier "
            "backups are kept; the store itself is not affected."
        )


class StoreBusy(StoreError):
    def __init__(self, seconds: int = 10) -> None:
        super().__init__(
            f"Another program kept the store busy for more than {seconds} seconds (another SafeSpace Desk "
            "window or command, a backup tool or a database viewer), so nothing was saved. Close the "
            "other program and try again."
        )


class StoreNotWritable(StoreError):
    """Permission denied, or a read-only disk: nothing can be saved until it is allowed."""

    def __init__(self, where: str, *, read: bool = False) -> None:
        verb = "read" if read else "write to"
        super().__init__(
            f"SafeSpace Desk is not allowed to {verb} {where} (permission denied or a read-only disk), so "
            "nothing was saved. Ask whoever looks after this computer to give this user account "
            "read and write access to the data folder."
        )


class DataFolderGone(StoreError):
    """The data folder vanished under the desk: a USB stick or network drive was removed."""

    def __init__(self, folder: str) -> None:
        super().__init__(
            f"The data folder {folder} cannot be reached: the USB stick or network drive it is on may "
            "have been removed. Nothing more was saved. Put it back, then close and reopen SafeSpace "
            "Desk; what was saved before is safe on it."
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
            "The disk is full, so nothing was saved. Free some space (or ask IT) and try again."
        )


class KeySlotsTampered(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "The key-slot file has been changed outside SafeSpace Desk and cannot be trusted. "
            "Restore it from a backup, or use the recovery key."
        )


class KeySlotsOutdated(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "The key-slot file (keyslots.json) does not open this store: it is older than the store's "
            "key, which was changed since (a copy from before a key rotation was put back?). Put back the "
            "key-slot file the desk wrote last, or restore a backup with its own key-slot file."
        )


class KeyChangedElsewhere(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "Another desk of this hub changed the store's key. Sign out and sign in again to take the new "
            "key, then make this change."
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
