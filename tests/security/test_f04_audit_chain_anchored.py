"""Issue 14, finding 4: the audit chain could be rewritten.

Anyone with the key could drop the triggers, delete and rewrite entries, recompute every hash, and
``audit verify`` said intact. The head is now anchored outside the store: each backup's manifest
records it, a printed handover shows it, and verify checks the chain against every anchor it knows,
naming what is missing or was rewritten.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlcipher3 as sqlcipher

from safespace_desk.db.backup_manifest import read_manifest
from safespace_desk.db.store import StorePaths
from safespace_desk.domain.audit_chain import GENESIS, AuditFields, entry_hash, parse_anchor
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import audit, auth, backups, guests
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.services.frontdesk_helpers import add
from tests.test_cli import manager, run


def _rewrite_with_the_key(data_dir: Path, master: bytes, *, drop: frozenset[int] = frozenset(),
                          keep_up_to: int | None = None) -> None:
    """What someone with the raw key and any SQLCipher tool can do: drop the triggers, remove and
    change entries, then renumber and rehash the whole chain so that it links up again."""
    conn = sqlcipher.connect(str(StorePaths(data_dir).db), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{master.hex()}'\"")
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    rows = conn.execute("SELECT at, staff_id, device_id, action, entity_kind, entity_id, detail "
                        "FROM audit_log ORDER BY seq").fetchall()
    kept = [r for n, r in enumerate(rows, start=1) if n not in drop and (keep_up_to is None or n <= keep_up_to)]
    conn.execute("DELETE FROM audit_log")
    prev = GENESIS
    for seq, (at, staff, device, action, kind, entity, detail) in enumerate(kept, start=1):
        fields = AuditFields(seq, at, staff, device, action, kind, entity, detail)
        digest = entry_hash(prev, fields)
        conn.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (seq, at, staff, device, action, kind, entity, detail, prev, digest))
        prev = digest
    conn.close()


def _busy(desk: DeskContext, n: int) -> None:
    for i in range(n):
        guests.get_guest(desk, add(desk, f"Anchor Guest {i}"))


def test_a_rewrite_with_the_key_is_found_against_the_backups_anchor(desk: DeskContext, tmp_path: Path) -> None:
    backups.configure_backups(desk, tmp_path / "stick")
    _busy(desk, 3)
    info = backups.run_backup(desk)
    manifest = read_manifest(info.path)
    assert manifest is not None and manifest.audit_seq > 5
    _busy(desk, 2)
    master, data_dir = desk.master_key, desk.store.paths.data_dir
    desk.close()
    _rewrite_with_the_key(data_dir, master, drop=frozenset({3, 4}))  # two entries gone, the rest renumbered

    desk = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, FixedClock(info.taken_at))
    try:
        report = audit.verify_chain(desk)
    finally:
        desk.close()
    assert report.broken is None  # the chain links up again: on its own it looks intact
    assert not report.ok
    text = report.describe()
    assert "REWRITTEN" in text and f"at or before entry {manifest.audit_seq}" in text
    assert info.path.name in text and manifest.audit_hash[:16] in text


def test_a_printed_handovers_line_is_an_anchor_too(desk: DeskContext) -> None:
    _busy(desk, 2)
    head = audit.audit_head(desk)
    assert head is not None and head.printed.startswith(f"{head.seq}:") and len(head.printed.split(":")[1]) == 24
    typed = parse_anchor(head.printed)  # as typed back from the paper: spaces and all
    assert audit.verify_chain(desk, [typed]).ok
    master, data_dir = desk.master_key, desk.store.paths.data_dir
    desk.close()
    _rewrite_with_the_key(data_dir, master, keep_up_to=head.seq - 3)  # the last entries cut off

    desk = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))
    try:
        report = audit.verify_chain(desk, [typed])
    finally:
        desk.close()
    assert not report.ok
    assert f"the anchor typed recorded entry {head.seq}" in report.describe() \
        or f"at or before entry {head.seq}" in report.describe()


def test_an_intact_chain_says_which_anchors_it_matched(desk: DeskContext, tmp_path: Path) -> None:
    assert "No anchor kept outside the store" in audit.verify_chain(desk).describe()
    backups.configure_backups(desk, tmp_path / "stick")
    backups.run_backup(desk)
    _busy(desk, 1)
    report = audit.verify_chain(desk)
    assert report.ok and "matches 1 anchor kept outside the store" in report.describe()
    detail = desk.store.raw_connection_sql(
        "SELECT detail FROM audit_log WHERE action = 'audit_verified' ORDER BY seq DESC LIMIT 1")[0][0]
    assert detail == "ok;anchors=1"


def test_audit_verify_takes_anchors_from_the_command_line(desk: DeskContext, clock: FixedClock) -> None:
    head = audit.audit_head(desk)
    assert head is not None
    data_dir = desk.store.paths.data_dir
    desk.close()

    def verify(*anchors: str) -> Any:
        return run(manager(data_dir, "audit", "verify", *[a for anchor in anchors for a in ("--anchor", anchor)]),
                   clock, stdin=f"{MANAGER_PASSWORD}\n")

    good = verify(head.printed.replace(" ", ""))
    assert good.code == 0 and "matches 1 anchor" in good.out, good.err
    bad = verify("12:not-hex")
    assert bad.code == 1 and "--anchor '12:not-hex'" in bad.err and "hex digits" in bad.err
    wrong = verify(f"{head.seq}:{'0' * 16}")
    assert wrong.code == 1 and "REWRITTEN" in wrong.out


def test_each_backup_records_the_head_it_holds(desk: DeskContext, tmp_path: Path) -> None:
    info = backups.run_backup(desk, tmp_path / "stick")
    data = json.loads((info.path / "manifest.json").read_text())
    head = audit.audit_head(desk)
    assert head is not None
    # The backup's own head: the entry recording the backup is written after the copy.
    assert data["audit_head"]["seq"] == head.seq - 1 and len(data["audit_head"]["hash"]) == 64


def test_the_printed_handover_ends_with_the_head(desk: DeskContext, tmp_path: Path, qtbot: Any) -> None:
    from safespace_desk.services import handover
    from safespace_desk.ui.messages.handover_page import HandoverPage
    from tests.support import pdf

    handover.write_handover(desk, "A quiet shift.")
    page = HandoverPage(desk)
    qtbot.addWidget(page)
    page.show_handover(handover.history(desk)[0])
    printed = " ".join(pdf.text(page.save_pdf(tmp_path / "handover.pdf")).split())
    line = printed[printed.index("Audit log when printed"):]
    typed = parse_anchor(line.split("--anchor ")[1].split()[0])
    (stored,) = desk.store.raw_connection_sql(f"SELECT hash FROM audit_log WHERE seq = {typed.seq}")[0]
    assert len(typed.hash) == 20 and stored.startswith(typed.hash)
    assert audit.verify_chain(desk, [typed]).ok
