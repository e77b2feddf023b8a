"""Issue 14, finding 3 (the planted-name scan, at the sync server): after an erasure, nothing of the
guest is left at the server, even to someone holding the hub's keys.

The server never sees a name in plain (tests/sync/test_end_to_end.py). Here every sealed thing it
keeps (each operation's row changes as pushed, each record's kept changes) is opened with the hub's
own keys, as a desk would, and searched for the planted words after the guest was erased and the
erasure pushed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import data_rights, guests, messages, shiftlog
from safespace_desk.services.context import DeskContext
from safespace_desk.sync import enrol, protocol
from safespace_desk.sync.engine import DeskSync
from safespace_desk.sync.keys import keys_from_master
from safespace_desk.sync.sealing import Opener
from safespace_desk.sync.server.models import LoggedOp, SiteRecord
from safespace_desk.sync.state import load
from tests.support.sync_server import thread_server

NAME, ALIAS, LEGAL = "Zyxwvut Plantedname", "Plantalias", "Legalplanted Xyzzy"
NOTES = "Plantednote: sleeps at the Qwfpgj garages"
PLANTED = ("Zyxwvut", "Plantedname", "Plantalias", "Legalplanted", "Qwfpgj", "Plantednote")


def _hits(values: Any) -> list[str]:
    text = json.dumps(values, default=str).lower()
    return [word for word in PLANTED if word.lower() in text]


def _everything_the_server_keeps_opened(engine: Any, desk: DeskContext) -> dict[str, list[Any]]:
    with desk.store.read() as session:
        site_id = load(session).site_id
    opener = Opener(site_id, keys_from_master(desk.master_key))
    opened: dict[str, list[Any]] = {"op": [], "record": []}
    with engine.connect() as conn:
        for body, amend in conn.execute(select(LoggedOp.body, LoggedOp.amend)):
            op = protocol.Op.model_validate_json(body)
            # An operation redacted after an erasure is opened as desks open it (each row still sealed).
            redacted = bool(amend and json.loads(amend).get("redacted"))
            opened["op"].append(opener.open_redacted(op) if redacted else opener.open_op(op))
        for tbl, rid, changes in conn.execute(select(SiteRecord.tbl, SiteRecord.rid, SiteRecord.changes)):
            for change in json.loads(changes):
                opened["record"].append(opener.open_values(change["kv"], change["o"], change["k"], tbl,
                                                           _key(rid), change["c"], change["n"], change["s"]))
    return opened


def _key(rid: str) -> Any:
    return json.loads(rid) if rid.startswith("[") else rid


# Found by this scan (13:58 on 2 Dec): the server kept, for a joining desk, each record's changes that a
# later change did not wholly cover, and the op log every body as pushed. Fixed by Sync II: an erasure
# travels as whole rows (sync/outbound.py), and the server redacts earlier operations in place and
# removes records about the guest the eraser did not have (sync/server/erasure.py).
def test_after_an_erasure_the_server_holds_nothing_of_the_guest(desk: DeskContext, clock: FixedClock,
                                                                tmp_path: Path) -> None:
    with thread_server(tmp_path / "server", None) as server:
        enrol.enrol(desk, server.first_code())
        record, _ = guests.add_guest(desk, GuestDetails(preferred_name=NAME, aliases=(ALIAS,), legal_name=LEGAL,
                                                        support_notes=NOTES))
        gp = next(a.id for a in messages.list_agencies(desk) if a.name == "GP")
        messages.post_message(desk, agency_id=gp, guest_id=record.id, body=f"{NAME}: appointment Thursday")
        shiftlog.add_entry(desk, "general", f"Kez asked after {NAME}", guest_id=record.id)
        assert DeskSync(desk).sync_now().caught_up
        before = _everything_the_server_keeps_opened(server.engine, desk)
        assert set(_hits(before)) == set(PLANTED)  # the server holds them (sealed), or the scan proves nothing

        clock.advance(minutes=5)
        data_rights.erase_guest(desk, record.id, "Subject's request")
        assert DeskSync(desk).sync_now().caught_up
        after = _everything_the_server_keeps_opened(server.engine, desk)
        assert not _hits(after["record"]), "the records the server keeps for a joining desk"
        assert not _hits(after["op"]), "the operations the server logged"
