"""The server's conflict rules (sync/server/rules.py), each run with the same operations in every order
of arrival and with the desks' clocks days apart: the outcome depends only on the server's order.

Two scripted desks of one hub (real sealing, real HTTPS, the server on SQLite; the rules are the same
SQL on PostgreSQL, which the chaos and end-to-end tests run)."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from safespace_desk.db.types import utc_text
from safespace_desk.domain.site import CapacityPeriod, SiteSettings
from safespace_desk.ids import new_id
from safespace_desk.sync import decisions, protocol
from safespace_desk.sync.server.models import LoggedOp, SiteRecord, Tombstone
from safespace_desk.sync.server.records import clear_state
from tests.conftest import START
from tests.support.sync_server import LiveServer, thread_server
from tests.sync.helpers import ScriptedDesk

NIGHT = "2026-03-02"
Row = tuple[str, Any, str, dict[str, Any]]


@pytest.fixture(scope="module")
def rules_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with thread_server(tmp_path_factory.mktemp("rules") / "server", None) as live:
        yield live


def at(days: float = 0, hours: float = 0) -> str:
    return utc_text(START + timedelta(days=days, hours=hours))


class Hub:
    """A fresh site with desks A and B; each desk numbers its own operations."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.a = ScriptedDesk(server, site="Hub " + uuid.uuid4().hex[:10])
        self.b = self.a.joined()
        self.seqs = {id(self.a): 0, id(self.b): 0}

    def push(self, desk: ScriptedDesk, kind: str, rows: list[Row], when: str) -> protocol.OpResult:
        self.seqs[id(desk)] += 1
        op = desk.op(self.seqs[id(desk)], rows, kind=kind)
        op = op.model_copy(update={"at": when})
        op.mac = desk.sealer.mac(op)
        answer = desk.push([op])
        assert answer.stopped is None
        return answer.results[0]

    def state(self, table: str, key: str) -> dict[str, Any] | None:
        with self.server.engine.connect() as conn:
            changes = conn.execute(select(SiteRecord.changes).where(
                SiteRecord.site_id == self.a.site_id, SiteRecord.tbl == table, SiteRecord.rid == key)).scalar()
        return clear_state(json.loads(changes)) if changes else None


Step = tuple[str, str, list[Row], str]  # (desk "a"/"b", kind, rows, desk time)


def every_order(server: LiveServer, setup: list[Step], steps: list[Step],
                check: Callable[[Hub, dict[int, protocol.OpResult], list[int]], None]) -> None:
    """Run ``steps`` (after ``setup``) in every order of arrival; ``check`` gets the results by step index
    and the order they arrived in."""
    for order in itertools.permutations(range(len(steps))):
        hub = Hub(server)
        for who, kind, rows, when in setup:
            result = hub.push(getattr(hub, who), kind, rows, when)
            assert result.status == "applied", result
        results = {}
        for index in order:
            who, kind, rows, when = steps[index]
            results[index] = hub.push(getattr(hub, who), kind, rows, when)
        check(hub, results, list(order))


def guest(guest_id: str, when: str) -> Row:
    return ("guest", guest_id, "i", {"id": guest_id, "preferred_name": "Synthetic", "card_code": "C" + guest_id[-8:],
                                     "flags": "[]", "created_at": when, "updated_at": when, "merged_into": None,
                                     "erased_at": None})


def visit(visit_id: str, guest_id: str, when: str) -> Row:
    return ("visit", visit_id, "i", {"id": visit_id, "guest_id": guest_id, "signed_in_at": when,
                                     "signed_out_at": None, "voided_at": None, "arrived_via": "self",
                                     "mode": "in_person"})


def bed(visit_id: str, guest_id: str, label: str, when: str) -> Row:
    assignment = new_id()
    return ("bed_assignment", assignment, "i", {"id": assignment, "visit_id": visit_id, "guest_id": guest_id,
                                                "bed_label": label, "night_of": NIGHT, "assigned_at": when,
                                                "released_at": None})


def exclusion(exclusion_id: str, guest_id: str, starts: str, hours: int) -> Row:
    ends = utc_text(datetime.fromisoformat(starts.replace("Z", "+00:00")) + timedelta(hours=hours))
    return ("exclusion", exclusion_id, "i", {"id": exclusion_id, "guest_id": guest_id, "starts_at": starts,
                                             "ends_at": ends, "reason": "synthetic", "lifted_at": None})


# Desk A's clock runs three days slow, desk B's two days fast.
SLOW, FAST = at(days=-3), at(days=2)


def test_two_sign_ins_of_one_guest_make_one_open_visit(rules_server: LiveServer) -> None:
    g, v1, v2 = new_id(), new_id(), new_id()
    steps: list[Step] = [("a", "visit.sign_in", [visit(v1, g, SLOW), bed(v1, g, "Bed 1", SLOW)], SLOW),
                         ("b", "visit.sign_in", [visit(v2, g, FAST), bed(v2, g, "Bed 2", FAST)], FAST)]

    def check(hub: Hub, results: dict[int, protocol.OpResult], order: list[int]) -> None:
        first, second = order
        kept, merged = (v1, v2) if first == 0 else (v2, v1)
        assert results[first].amend is None
        assert results[second].status == "applied"
        assert results[second].amend is not None and results[second].amend["r"] == decisions.VISIT_MERGED
        assert results[second].amend["drop"] == [1]  # its bed: the open visit keeps its own
        kept_state, merged_state = hub.state("visit", kept), hub.state("visit", merged)
        assert kept_state is not None and kept_state["voided_at"] is None
        assert merged_state is not None and merged_state["merged_into"] == kept
        assert merged_state["voided_at"] == merged_state["signed_in_at"]
        assert merged_state["arrived_via" if False else "guest_id"] == g  # kept, with its own sealed arrival

    every_order(rules_server, [("a", "guest.add", [guest(g, SLOW)], SLOW)], steps, check)


def test_one_guest_per_bed_per_night_the_later_is_told_bed_taken(rules_server: LiveServer) -> None:
    g1, g2, v1, v2 = new_id(), new_id(), new_id(), new_id()
    steps: list[Step] = [("a", "visit.sign_in", [visit(v1, g1, SLOW), bed(v1, g1, "Bed 1", SLOW)], SLOW),
                         ("b", "visit.sign_in", [visit(v2, g2, FAST), bed(v2, g2, "Bed 1", FAST)], FAST)]

    def check(hub: Hub, results: dict[int, protocol.OpResult], order: list[int]) -> None:
        first, second = order
        assert results[first].amend is None
        assert results[second].amend == {"r": decisions.BED_TAKEN, "drop": [1]}
        winner = steps[first][2][1][1]
        assert hub.state("bed_assignment", winner) is not None
        assert hub.state("bed_assignment", steps[second][2][1][1]) is None
        assert hub.state("visit", steps[second][2][0][1]) is not None  # the visit stands

    setup: list[Step] = [("a", "guest.add", [guest(g1, SLOW), guest(g2, SLOW)], SLOW)]
    every_order(rules_server, setup, steps, check)


def test_a_bed_given_at_two_desks_rejects_the_later_move(rules_server: LiveServer) -> None:
    g1, g2, v1, v2 = new_id(), new_id(), new_id(), new_id()
    setup: list[Step] = [("a", "guest.add", [guest(g1, SLOW), guest(g2, SLOW)], SLOW),
                         ("a", "visit.sign_in", [visit(v1, g1, SLOW)], SLOW),
                         ("a", "visit.sign_in", [visit(v2, g2, SLOW)], SLOW)]
    steps: list[Step] = [("a", "bed.give", [bed(v1, g1, "Bed 3", SLOW)], SLOW),
                         ("b", "bed.give", [bed(v2, g2, "Bed 3", FAST)], FAST)]

    def check(hub: Hub, results: dict[int, protocol.OpResult], order: list[int]) -> None:
        assert results[order[0]].status == "applied"
        assert (results[order[1]].status, results[order[1]].reason) == ("rejected", decisions.BED_TAKEN)

    every_order(rules_server, setup, steps, check)


def _site(places: int) -> Row:
    settings = SiteSettings(periods=(CapacityPeriod("All day", *_whole_day(), places=places, beds=False),))
    site_id = new_id()
    return ("site", site_id, "i", {"id": site_id, "timezone": "Europe/London", "created_at": SLOW,
                                   "settings": json.dumps(settings.to_json()), "name": "Synthetic hub"})


def _whole_day() -> tuple[Any, Any]:
    from datetime import time

    return time(0, 0), time(0, 0)


def test_over_capacity_across_desks_is_kept_and_flagged(rules_server: LiveServer) -> None:
    g1, g2, g3 = new_id(), new_id(), new_id()
    setup: list[Step] = [("a", "site.settings", [_site(places=2)], SLOW),
                         ("a", "guest.add", [guest(g1, SLOW), guest(g2, SLOW), guest(g3, SLOW)], SLOW),
                         ("a", "visit.sign_in", [visit(new_id(), g1, SLOW)], SLOW)]
    # Each desk sees one place free; together they fill three of two.
    steps: list[Step] = [("a", "visit.sign_in", [visit(new_id(), g2, SLOW)], SLOW),
                         ("b", "visit.sign_in", [visit(new_id(), g3, FAST)], FAST)]

    def check(hub: Hub, results: dict[int, protocol.OpResult], order: list[int]) -> None:
        assert results[order[0]].amend is None
        assert results[order[1]].status == "applied"
        assert results[order[1]].amend == {"r": decisions.OVER_CAPACITY, "flags": [decisions.OVER_CAPACITY]}

    every_order(rules_server, setup, steps, check)


def test_signed_in_while_excluded_is_flagged_and_the_visit_stands(rules_server: LiveServer) -> None:
    g, v, e = new_id(), new_id(), new_id()
    # A excludes at its (slow) time for 24 h; B, a day behind A's clock, signs the guest in.
    steps: list[Step] = [("a", "exclusion.issue", [exclusion(e, g, SLOW, 24)], SLOW),
                         ("b", "visit.sign_in", [visit(v, g, at(days=-3, hours=5))], FAST)]

    def check(hub: Hub, results: dict[int, protocol.OpResult], order: list[int]) -> None:
        assert results[order[0]].amend is None
        assert results[order[1]].amend is not None
        assert results[order[1]].amend["flags"] == [decisions.EXCLUDED_SIGNED_IN]
        state = hub.state("visit", v)
        assert state is not None and state["signed_out_at"] is None and state["voided_at"] is None

    every_order(rules_server, [("a", "guest.add", [guest(g, SLOW)], SLOW)], steps, check)


def test_a_sign_in_after_the_exclusion_ended_is_not_flagged_in_either_order(rules_server: LiveServer) -> None:
    g, v, e = new_id(), new_id(), new_id()
    steps: list[Step] = [("a", "exclusion.issue", [exclusion(e, g, SLOW, 24)], SLOW),
                         ("b", "visit.sign_in", [visit(v, g, FAST)], FAST)]

    def check(hub: Hub, results: dict[int, protocol.OpResult], order: list[int]) -> None:
        assert all(r.amend is None for r in results.values())

    every_order(rules_server, [("a", "guest.add", [guest(g, SLOW)], SLOW)], steps, check)


def test_two_exclusions_both_stand_and_are_flagged(rules_server: LiveServer) -> None:
    g = new_id()
    steps: list[Step] = [("a", "exclusion.issue", [exclusion(new_id(), g, SLOW, 24)], SLOW),
                         ("b", "exclusion.issue", [exclusion(new_id(), g, at(days=-3, hours=2), 72)], FAST)]

    def check(hub: Hub, results: dict[int, protocol.OpResult], order: list[int]) -> None:
        assert results[order[0]].amend is None
        assert results[order[1]].amend == {"r": decisions.TWO_EXCLUSIONS, "flags": [decisions.TWO_EXCLUSIONS]}

    every_order(rules_server, [("a", "guest.add", [guest(g, SLOW)], SLOW)], steps, check)


def _message(message_id: str, g: str) -> Row:
    return ("message", message_id, "i", {"id": message_id, "guest_id": g, "created_at": SLOW, "body": "synthetic",
                                         "delivered_at": None, "not_passed_at": None, "withdrawn_at": None})


def test_delivered_only_moves_forward(rules_server: LiveServer) -> None:
    g, m = new_id(), new_id()
    setup: list[Step] = [("a", "guest.add", [guest(g, SLOW)], SLOW), ("a", "message.post", [_message(m, g)], SLOW)]
    deliver: Step = ("a", "message.deliver", [("message", m, "u", {"delivered_at": SLOW, "delivered_by": None})], SLOW)
    not_passed: Step = ("b", "message.not_passed_on", [("message", m, "u", {"not_passed_at": FAST})], FAST)

    def check(hub: Hub, results: dict[int, protocol.OpResult], order: list[int]) -> None:
        if order == [0, 1]:  # delivered first: "not passed on" afterwards cannot take it back
            assert (results[1].status, results[1].reason) == ("rejected", decisions.ALREADY_DELIVERED)
        else:  # not passed on, then delivered: fine
            assert results[0].status == results[1].status == "applied"
        state = hub.state("message", m)
        assert state is not None and state["delivered_at"] == SLOW

    every_order(rules_server, setup, [deliver, not_passed], check)


def test_a_message_is_delivered_once_and_never_replaced_or_removed(rules_server: LiveServer) -> None:
    g, m = new_id(), new_id()
    setup: list[Step] = [("a", "guest.add", [guest(g, SLOW)], SLOW), ("a", "message.post", [_message(m, g)], SLOW)]
    steps: list[Step] = [("a", "message.deliver", [("message", m, "u", {"delivered_at": SLOW})], SLOW),
                         ("b", "message.deliver", [("message", m, "u", {"delivered_at": FAST})], FAST)]

    def check(hub: Hub, results: dict[int, protocol.OpResult], order: list[int]) -> None:
        assert results[order[1]].reason == decisions.ALREADY_DELIVERED
        state = hub.state("message", m)
        assert state is not None and state["delivered_at"] == steps[order[0]][3]
        again = hub.push(hub.b, "message.post", [_message(m, g)], FAST)
        assert (again.status, again.reason) == ("rejected", decisions.INSERT_ONLY)
        removed = hub.push(hub.b, "message.withdraw", [("message", m, "d", {})], FAST)
        assert (removed.status, removed.reason) == ("rejected", decisions.INSERT_ONLY)

    every_order(rules_server, setup, steps, check)


def _merge(kept: str, merged: str, when: str) -> list[Row]:
    merge_id = new_id()
    return [("guest", merged, "u", {"merged_into": kept, "updated_at": when}),
            ("guest_merge", merge_id, "i", {"id": merge_id, "kept_id": kept, "merged_id": merged, "merged_at": when})]


def test_merges_at_two_desks_the_other_way_round_keep_the_first(rules_server: LiveServer) -> None:
    g1, g2 = new_id(), new_id()
    steps: list[Step] = [("a", "guest.merge", _merge(g1, g2, SLOW), SLOW), ("b", "guest.merge", _merge(g2, g1, FAST), FAST)]

    def check(hub: Hub, results: dict[int, protocol.OpResult], order: list[int]) -> None:
        assert results[order[0]].status == "applied"
        assert (results[order[1]].status, results[order[1]].reason) == ("rejected", decisions.MERGE_CYCLE)
        kept, merged = (g1, g2) if order[0] == 0 else (g2, g1)
        assert (hub.state("guest", merged) or {})["merged_into"] == kept
        assert (hub.state("guest", kept) or {})["merged_into"] is None

    every_order(rules_server, [("a", "guest.add", [guest(g1, SLOW), guest(g2, SLOW)], SLOW)], steps, check)


def test_an_undo_of_something_another_desk_changed_since_is_refused(rules_server: LiveServer) -> None:
    g, v = new_id(), new_id()
    setup: list[Step] = [("a", "guest.add", [guest(g, SLOW)], SLOW), ("a", "visit.sign_in", [visit(v, g, SLOW)], SLOW)]
    steps: list[Step] = [("a", "visit.void", [("visit", v, "u", {"voided_at": SLOW})], SLOW),
                         ("b", "visit.sign_out", [("visit", v, "u", {"signed_out_at": FAST})], FAST)]

    def check(hub: Hub, results: dict[int, protocol.OpResult], order: list[int]) -> None:
        assert results[order[0]].status == "applied"
        assert (results[order[1]].status, results[order[1]].reason) == ("rejected", decisions.CHANGED_SINCE)
        state = hub.state("visit", v) or {}
        assert (state.get("voided_at") is None) != (state.get("signed_out_at") is None)  # exactly one of them
        # Undoing the sign-out while the guest was signed in again elsewhere: refused too.
        if order[0] == 1:
            hub.push(hub.b, "visit.sign_in", [visit(new_id(), g, FAST)], FAST)
            undo = hub.push(hub.a, "visit.unsign_out", [("visit", v, "u", {"signed_out_at": None})], SLOW)
            assert (undo.status, undo.reason) == ("rejected", decisions.CHANGED_SINCE)

    every_order(rules_server, setup, steps, check)


def test_erasure_leaves_an_id_only_tombstone_and_refuses_later_operations(rules_server: LiveServer) -> None:
    hub = Hub(rules_server)
    g, v = new_id(), new_id()
    hub.push(hub.a, "guest.add", [guest(g, SLOW)], SLOW)
    hub.push(hub.b, "visit.sign_in", [visit(v, g, FAST)], FAST)  # the eraser (A) never saw this visit
    erased = dict(guest(g, SLOW)[3], preferred_name="Erased", erased_at=SLOW)
    result = hub.push(hub.a, "guest.erase", [("guest", g, "i", erased)], SLOW)
    assert result.status == "applied"
    later = hub.push(hub.b, "visit.sign_out", [("visit", v, "u", {"signed_out_at": FAST})], FAST)
    # (the visit went with the erasure, so the hub no longer has the record it changes)
    assert (later.status, later.reason) == ("rejected", decisions.UNKNOWN_RECORD)
    again = hub.push(hub.b, "visit.sign_in", [visit(new_id(), g, FAST)], FAST)
    assert (again.status, again.reason) == ("rejected", decisions.ERASED)
    with rules_server.engine.connect() as conn:
        assert list(conn.execute(select(Tombstone.guest_id).where(Tombstone.site_id == hub.a.site_id)).scalars()) == [g]
        bodies = {op_id: (json.loads(body), amend) for op_id, body, amend in conn.execute(
            select(LoggedOp.op_id, LoggedOp.body, LoggedOp.amend).where(LoggedOp.site_id == hub.a.site_id,
                                                                        LoggedOp.kind != "guest.erase"))}
    # Before the erasure: every row about the guest lost its sealed fields and clear values, in place.
    for op, amend in bodies.values():
        for row in op["rows"]:
            assert row["s"] is None and row["c"] == {}, (op["kind"], row["t"])
        if op["seq"] <= 1 or op["device"] == hub.b.device_id and op["kind"] == "visit.sign_in" and op["seq"] == 1:
            assert amend is not None and json.loads(amend)["redacted"] is True
    # The visit the eraser did not know of is gone from the hub's records; the guest stays, erased.
    assert hub.state("visit", v) is None
    assert (hub.state("guest", g) or {})["erased_at"] == SLOW
    # A redacted operation is still served in the log (ids and order), marked so desks can apply it.
    page = hub.b.pull(after=0)  # (a desk is not sent its own operations)
    assert [(e.op.kind, bool(e.x and e.x.get("redacted"))) for e in page.entries] == [
        ("guest.add", True), ("guest.erase", False)]


def test_an_operation_on_an_erased_id_is_refused_even_in_the_same_push(rules_server: LiveServer) -> None:
    hub = Hub(rules_server)
    g = new_id()
    hub.push(hub.a, "guest.add", [guest(g, SLOW)], SLOW)
    erased = dict(guest(g, SLOW)[3], erased_at=SLOW)
    ops = [hub.a.op(2, [("guest", g, "i", erased)], kind="guest.erase"),
           hub.a.op(3, [visit(new_id(), g, SLOW)], kind="visit.sign_in")]
    answer = hub.a.push(ops)
    assert [(r.status, r.reason) for r in answer.results] == [("applied", None), ("rejected", decisions.ERASED)]


def test_tombstones_are_served_for_desks_restored_from_a_backup(rules_server: LiveServer) -> None:
    hub = Hub(rules_server)
    g = new_id()
    hub.push(hub.a, "guest.add", [guest(g, SLOW)], SLOW)
    hub.push(hub.a, "guest.erase", [("guest", g, "i", dict(guest(g, SLOW)[3], erased_at=SLOW))], SLOW)
    assert protocol.Tombstones.model_validate(hub.b.client.call("GET", "/v1/tombstones")).guest_ids == [g]


def _keys_with(desk: ScriptedDesk, version: int) -> Any:
    from safespace_desk.db.sealing import Keyring
    from safespace_desk.sync.keys import SiteKeys

    base = desk.keys.keyring.master(1)
    return SiteKeys(Keyring(version, {v: bytes([v]) * 32 if v > 1 else base for v in range(1, version + 1)}))


def test_a_rotation_is_taken_only_on_top_of_the_key_version_the_server_holds(rules_server: LiveServer) -> None:
    hub = Hub(rules_server)
    held = protocol.SlotSet.model_validate(hub.a.client.call("GET", "/v1/slots"))
    assert held.key_version == 1
    put = {"expected_version": held.version, "blob": "", "key_version": 2}
    done = protocol.SlotSet.model_validate(hub.a.client.call("PUT", "/v1/slots", body=put))
    assert done.key_version == 2
    # The other manager rotated offline too, from version 1 to its own version 2, on the old slot set:
    from safespace_desk.sync.client import ServerRefused

    with pytest.raises(ServerRefused) as refused:
        hub.b.client.call("PUT", "/v1/slots", body={"expected_version": held.version, "blob": "", "key_version": 2})
    assert refused.value.code == "slot_conflict"
    # ... takes the first's and rotates again on top: version 3, not a fork of 2.
    with pytest.raises(ServerRefused) as skipped:
        hub.b.client.call("PUT", "/v1/slots", body={"expected_version": done.version, "blob": "", "key_version": 4})
    assert skipped.value.code == "key_conflict"
    again = protocol.SlotSet.model_validate(hub.b.client.call(
        "PUT", "/v1/slots", body={"expected_version": done.version, "blob": "", "key_version": 3}))
    assert again.key_version == 3


def test_an_operation_sealed_under_a_rotated_out_key_is_rekey_needed_and_the_seq_stays(rules_server: LiveServer) -> None:
    from safespace_desk.sync.sealing import Sealer

    hub = Hub(rules_server)
    held = protocol.SlotSet.model_validate(hub.a.client.call("GET", "/v1/slots"))
    hub.a.client.call("PUT", "/v1/slots", body={"expected_version": held.version, "blob": "", "key_version": 2})
    old = hub.b.op(1, [guest(new_id(), SLOW)], kind="guest.add")
    answer = hub.b.push([old])
    assert answer.results == [] and answer.stopped is not None
    assert (answer.stopped.code, answer.stopped.expected_seq) == ("rekey_needed", 1)
    # Resealed under the new version, the same seq goes through.
    hub.b.keys = _keys_with(hub.b, 2)
    hub.b.sealer = Sealer(hub.b.site_id, hub.b.keys, 2)
    resealed = hub.b.op(1, [guest(new_id(), SLOW)], kind="guest.add").model_copy(update={"kv": 2})
    resealed.mac = hub.b.sealer.mac(resealed)
    assert [r.status for r in hub.b.push([resealed]).results] == ["applied"]
