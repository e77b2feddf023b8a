"""A scripted desk for server tests: enrols with a real code, seals real operations, talks HTTPS."""

from __future__ import annotations

import os
from typing import Any

from safespace_desk.db.types import utc_text
from safespace_desk.domain.audit_chain import GENESIS
from safespace_desk.ids import new_id
from safespace_desk.services.context import DeskContext
from safespace_desk.sync import codes, protocol
from safespace_desk.sync.client import ServerClient
from safespace_desk.sync.engine import DeskSync
from safespace_desk.sync.keys import keys_from_master
from safespace_desk.sync.sealing import Sealer
from tests.conftest import START
from tests.support.sync_server import LiveServer

AT = utc_text(START)


def sync_caught_up(*desks: DeskContext) -> None:
    """Each desk syncs in turn, and must end caught up."""
    for d in desks:
        outcome = DeskSync(d).sync_now()
        assert outcome.caught_up, outcome.error


class ScriptedDesk:
    def __init__(self, server: LiveServer, *, site: str = "Test Hub", master: bytes | None = None) -> None:
        self.server = server
        self.keys = keys_from_master(master or os.urandom(32))
        self.device_id = new_id()
        code = codes.parse(server.first_code(site))
        self.client = ServerClient(server.address, server.pins)
        answer = protocol.Enrolled.model_validate(self.client.call("POST", "/v1/enrol", auth=False, body={
            "secret": code.secret, "device_id": self.device_id, "device_name": "scripted",
            "slot_blob": "", "audit_seq": 0, "audit_hash": GENESIS, "base_seq": 0}))
        self.site_id = answer.site_id
        self.client.token = answer.device_token
        self.sealer = Sealer(self.site_id, self.keys, 1)
        self.client.call("POST", "/v1/base", body={"base_id": new_id(), "kv": 1, "records": [], "first": True,
                                                   "done": True})

    def op(self, seq: int, rows: list[tuple[str, Any, str, dict[str, Any]]], *, kind: str = "guest.add",
           op_id: str | None = None) -> protocol.Op:
        op_id = op_id or new_id()
        sealed = [self.sealer.seal_change(op_id, kind, t, k, a, v) for t, k, a, v in rows]
        op = protocol.Op(id=op_id, device=self.device_id, seq=seq, kind=kind, v=1, kv=1, at=AT, staff=None,
                         rows=sealed, mac="")
        op.mac = self.sealer.mac(op)
        return op

    def guest_op(self, seq: int, guest_id: str | None = None, name: str = "Synthetic Guest",
                 action: str = "i", op_id: str | None = None) -> protocol.Op:
        guest_id = guest_id or new_id()
        values = ({"id": guest_id, "preferred_name": name, "card_code": "C" + guest_id[-8:], "flags": "[]",
                   "created_at": AT, "updated_at": AT} if action == "i" else {"preferred_name": name})
        return self.op(seq, [("guest", guest_id, action, values)], kind="guest.add" if action == "i" else "guest.update",
                       op_id=op_id)

    def push(self, ops: list[protocol.Op], audit: list[protocol.AuditItem] | None = None) -> protocol.PushResponse:
        body = protocol.PushRequest(site_id=self.site_id, ops=ops, audit=audit or [])
        return protocol.PushResponse.model_validate(self.client.call("POST", "/v1/push", body=body.model_dump(mode="json")))

    def pull(self, after: int = 0, limit: int = 500, epoch: int = 1) -> protocol.PullResponse:
        return protocol.PullResponse.model_validate(
            self.client.call("GET", "/v1/pull", params={"epoch": epoch, "after": after, "limit": limit}))

    def joined(self) -> ScriptedDesk:
        """Another desk of the same site (a join code made by this one)."""
        secret = protocol.JoinCode.model_validate(self.client.call("POST", "/v1/join-codes")).secret
        desk = ScriptedDesk.__new__(ScriptedDesk)
        desk.server, desk.keys, desk.device_id = self.server, self.keys, new_id()
        desk.client = ServerClient(self.server.address, self.server.pins)
        answer = protocol.Enrolled.model_validate(desk.client.call("POST", "/v1/join", auth=False, body={
            "secret": secret, "device_id": desk.device_id, "device_name": "scripted"}))
        desk.client.token, desk.site_id = answer.device_token, answer.site_id
        desk.sealer = Sealer(desk.site_id, desk.keys, 1)
        return desk

    def close(self) -> None:
        self.client.close()
