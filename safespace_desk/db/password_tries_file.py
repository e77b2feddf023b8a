"""Wrong-password counts per name, in a small file beside the store (``password-tries.json``).

Sign-in happens before the store can be opened, so the counts cannot live inside it. Names are kept
as a hash (the file never holds what was typed), with the count and the time of the last wrong try;
wrong tries made before the store was open wait here, with their time and the account's id when the
name has one, until the next sign-in writes them into the audit.

The file is not secret and not signed: anyone who can delete or edit it can also copy keyslots.json
and guess passwords away from the desk at Argon2's cost, which is what that cost is for. What this
file stops is guessing at the desk's own screens (see docs/decisions.md).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from safespace_desk.db.fileio import atomic_write_bytes
from safespace_desk.db.types import parse_utc, utc_text
from safespace_desk.domain.password_tries import NameTries

FILE_NAME = "password-tries.json"
FORMAT = "safespace-password-tries"
MAX_WAITING = 1000  # wrong tries kept for the audit; older ones beyond this are counted, not listed


@dataclass(frozen=True)
class WrongTry:
    """A wrong password given before the store was open, waiting to be audited."""

    at: datetime
    path: str  # sign_in, switch_user, lock_screen, override, ...
    staff_id: str | None  # the account the name belongs to, if any


@dataclass
class PasswordTries:
    names: dict[str, NameTries] = field(default_factory=dict)
    waiting: list[WrongTry] = field(default_factory=list)
    dropped: int = 0  # wrong tries beyond MAX_WAITING, audited as a count

    def for_login(self, login: str) -> NameTries | None:
        return self.names.get(name_key(login))

    def set_login(self, login: str, tries: NameTries | None) -> None:
        if tries is None:
            self.names.pop(name_key(login), None)
        else:
            self.names[name_key(login)] = tries

    def add_waiting(self, wrong: WrongTry) -> None:
        self.waiting.append(wrong)
        if len(self.waiting) > MAX_WAITING:
            self.dropped += len(self.waiting) - MAX_WAITING
            del self.waiting[:len(self.waiting) - MAX_WAITING]


def name_key(login: str) -> str:
    return hashlib.sha256(b"safespace-password-tries\x00" + login.encode("utf-8")).hexdigest()


def path_in(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def load(data_dir: Path) -> PasswordTries:
    """The counts; a missing or unreadable file is an empty one (see the module's note)."""
    try:
        data = json.loads(path_in(data_dir).read_bytes())
        if data.get("format") != FORMAT:
            return PasswordTries()
        names = {key: NameTries(int(v["failures"]), parse_utc(v["last"])) for key, v in data["names"].items()}
        waiting = [WrongTry(parse_utc(w["at"]), str(w["path"]), w.get("staff_id")) for w in data["waiting"]]
        return PasswordTries(names, waiting, int(data.get("dropped", 0)))
    except FileNotFoundError:
        return PasswordTries()
    except (ValueError, KeyError, TypeError, AttributeError):
        return PasswordTries()


def save(data_dir: Path, tries: PasswordTries) -> None:
    body: dict[str, Any] = {
        "format": FORMAT, "version": 1,
        "names": {key: {"failures": t.failures, "last": utc_text(t.last_failure)} for key, t in tries.names.items()},
        "waiting": [{"at": utc_text(w.at), "path": w.path, "staff_id": w.staff_id} for w in tries.waiting],
        "dropped": tries.dropped,
    }
    atomic_write_bytes(path_in(data_dir), (json.dumps(body, indent=1) + "\n").encode())
