"""Each backup's manifest: when it was taken and the audit chain's head inside it.

The head (the last entry's number and hash) is an anchor kept outside the live store: a rewrite of
the audit log made later with the store's key no longer matches it (see domain/audit_chain.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from safespace_desk.db.fileio import atomic_write_bytes
from safespace_desk.db.store import DB_NAME, connect_raw
from safespace_desk.db.types import parse_utc, utc_text

MANIFEST_NAME = "manifest.json"
FORMAT = "safespace-backup-manifest"


@dataclass(frozen=True)
class BackupManifest:
    taken_at: datetime
    audit_seq: int
    audit_hash: str
    store_id: str | None = None  # the store it is a copy of (a restore refuses another store's)


def audit_head_of(folder: Path, master: bytes) -> tuple[int, str] | None:
    """The last audit entry in the store file of ``folder`` (a backup): (seq, hash)."""
    conn = connect_raw(folder / DB_NAME, master)
    try:
        row = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return (int(row[0]), str(row[1])) if row else None


def write_manifest(folder: Path, manifest: BackupManifest) -> None:
    body = {"format": FORMAT, "version": 1, "taken_at": utc_text(manifest.taken_at),
            "audit_head": {"seq": manifest.audit_seq, "hash": manifest.audit_hash}}
    if manifest.store_id:
        body["store_id"] = manifest.store_id
    atomic_write_bytes(folder / MANIFEST_NAME, (json.dumps(body, indent=2) + "\n").encode())


def read_manifest(folder: Path) -> BackupManifest | None:
    """The manifest, or None when there is none (a backup from before manifests) or it cannot be read."""
    try:
        data = json.loads((folder / MANIFEST_NAME).read_bytes())
        if data.get("format") != FORMAT:
            return None
        head = data["audit_head"]
        store_id = data.get("store_id")
        return BackupManifest(parse_utc(data["taken_at"]), int(head["seq"]), str(head["hash"]),
                              str(store_id) if store_id else None)
    except (OSError, ValueError, KeyError, TypeError):
        return None
