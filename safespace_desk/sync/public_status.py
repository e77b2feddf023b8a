"""What `sync status` shows without a staff sign-in: a small file beside the store, nothing personal.

The store opens only with a staff member's password, yet whoever looks after a desk (an IT volunteer on
the phone at 3am) should be able to see whether it syncs without signing in as staff, and a sign-in
would put their name in the audit log for nothing. So after every sync attempt the desk writes
``sync-status.json`` (0600) in its data folder: whether it is enrolled, the server's address and key
pins (needed to ask whether it answers; the pins are in every code), this desk's id, when it last
synced, since when it has been failing and why (the program's own sentences: the server's errors never
quote what a desk sent), how many changes were waiting then, and the epoch and position it has read.
Never a guest's or a staff member's name, nor the hub's, never the token or a key. ``sync status`` reads it and asks the server whether
it answers (its health check needs no token, and the certificate is checked against the pins).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import httpx

from safespace_desk.private_files import write_private
from safespace_desk.sync.client import ServerClient, SyncError
from safespace_desk.sync.state import SyncState

FILE_NAME = "sync-status.json"
FIELDS = ("enrolled", "address", "pins", "device_id", "last_ok_at", "failing_since", "last_error",
          "stopped", "epoch", "cursor")


def write(data_dir: Path, state: SyncState, waiting: int, now: str) -> None:
    """Record where this desk stands (a full disk or a read-only folder only skips the record)."""
    record: dict[str, Any] = {name: getattr(state, name) for name in FIELDS}
    record.update(waiting=waiting, written_at=now)
    with contextlib.suppress(OSError):
        write_private(data_dir / FILE_NAME, (json.dumps(record, indent=1) + "\n").encode())


def read(data_dir: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((data_dir / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def reachability(address: str, pins: list[str], timeout: float = 10.0) -> str:
    """Whether the server answers, with its key checked against the pins; never sends the token."""
    client = ServerClient(address, pins, timeout=httpx.Timeout(timeout, connect=timeout))
    try:
        client.call("GET", "/v1/health", auth=False)
    except SyncError as error:
        return f"not reachable now: {error.message}"
    finally:
        client.close()
    return "reachable now"


def lines(record: dict[str, Any], reach: str | None) -> list[str]:
    if not record.get("enrolled"):
        return ["This desk is not enrolled with a sync server (it works on its own)."]
    out = [f"Sync server: {record.get('address', '')}" + (f" ({reach})" if reach else ""),
           f"This desk: {record.get('device_id', '')}",
           f"Waiting to send: {record.get('waiting', 0)} (at {record.get('written_at', '?')})",
           f"Last synced: {record.get('last_ok_at') or 'never'}",
           f"Read the hub's changes up to: {int(record.get('cursor') or 0):,} (epoch {record.get('epoch', 1)})"]
    if record.get("failing_since"):
        out.append(f"Failing since {record['failing_since']}: {record.get('last_error', '')}")
    if record.get("stopped"):
        out.append(f"Stopped: {record['stopped']}")
    return out
