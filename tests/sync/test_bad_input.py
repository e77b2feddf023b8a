"""Bad input and bad days: a clear error, a 4xx from the server (never a 5xx), nothing half applied,
and the desk's outbox kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import guests
from safespace_desk.services.context import DeskContext
from safespace_desk.sync import codes, enrol, protocol
from safespace_desk.sync.client import PinMismatch, ServerClient, ServerRefused
from safespace_desk.sync.engine import DeskSync
from safespace_desk.sync.server.enrolment import make_first_code
from safespace_desk.sync.server.models import LoggedOp
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.support.sync_server import LiveServer, thread_server
from tests.sync.helpers import ScriptedDesk


def _raw(server: LiveServer, method: str, path: str, **kwargs: object) -> httpx.Response:
    return httpx.request(method, server.address + path, verify=False, timeout=30, **kwargs)  # type: ignore[arg-type]


def test_oversized_and_malformed_bodies_get_a_clear_4xx(sqlite_server: LiveServer) -> None:
    big = _raw(sqlite_server, "POST", "/v1/join/slots", content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
               headers={"Content-Type": "application/json"})
    assert big.status_code == 413 and big.json()["error"] == "too_large"
    broken = _raw(sqlite_server, "POST", "/v1/enrol", content=b'{"secret": ', headers={"Content-Type": "application/json"})
    assert broken.status_code == 422 and broken.json()["error"] == "malformed"
    nonsense = _raw(sqlite_server, "POST", "/v1/push", json={"site_id": 5}, headers={"Authorization": "Bearer x"})
    assert nonsense.status_code == 401


def test_unknown_operations_and_fields_sent_in_clear_are_refused_and_not_stored(sqlite_server: LiveServer) -> None:
    desk = ScriptedDesk(sqlite_server)
    unknown = desk.guest_op(1)
    unknown.kind = "guest.teleport"
    with pytest.raises(ServerRefused) as refused:
        desk.push([unknown])
    assert refused.value.status == 422 and refused.value.code == "unknown_kind"
    leaking = desk.guest_op(1)
    leaking.rows[0].c["preferred_name"] = "Leaky Planted-Name"
    with pytest.raises(ServerRefused) as refused:
        desk.push([leaking])
    assert refused.value.code == "not_allowlisted"
    with sqlite_server.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(LoggedOp)).scalar_one() == 0
    assert b"Planted-Name" not in (Path(sqlite_server.config.data_dir) / "server.db").read_bytes()


def test_wrong_site_another_desks_operations_and_revoked_tokens(sqlite_server: LiveServer) -> None:
    ours = ScriptedDesk(sqlite_server, site="Our Hub")
    theirs = ScriptedDesk(sqlite_server, site="Their Hub")
    request = protocol.PushRequest(site_id=ours.site_id, ops=[])
    with pytest.raises(ServerRefused) as refused:
        theirs.client.call("POST", "/v1/push", body=request.model_dump())
    assert (refused.value.status, refused.value.code) == (403, "wrong_site")
    op = ours.guest_op(1)  # our operation sent with their token
    with pytest.raises(ServerRefused) as refused:
        theirs.client.call("POST", "/v1/push", body=protocol.PushRequest(site_id=theirs.site_id, ops=[op]).model_dump())
    assert refused.value.code == "wrong_device"
    from safespace_desk.sync.server.enrolment import revoke_device

    revoke_device(sqlite_server.engine, ours.device_id)
    with pytest.raises(ServerRefused) as refused:
        ours.push([ours.guest_op(1)])
    assert (refused.value.status, refused.value.code) == (401, "revoked")


def test_codes_work_once_and_for_24_hours(sqlite_server: LiveServer) -> None:
    old = make_first_code(sqlite_server.engine, "Old Hub", now=datetime.now(UTC) - timedelta(hours=25))
    body = {"secret": old, "device_id": "01a2352b-8cfb-783d-842b-64e409b5f1f4", "device_name": "d", "slot_blob": "",
            "audit_seq": 0, "audit_hash": "", "base_seq": 0}
    expired = _raw(sqlite_server, "POST", "/v1/enrol", json=body)
    assert expired.status_code == 410 and "expired" in expired.json()["message"]
    fresh = make_first_code(sqlite_server.engine, "New Hub")
    assert _raw(sqlite_server, "POST", "/v1/enrol", json={**body, "secret": fresh}).status_code == 200
    again = _raw(sqlite_server, "POST", "/v1/enrol", json={**body, "secret": fresh, "device_id": "01a2352b-0000"})
    assert again.status_code == 410 and "used already" in again.json()["message"]
    made_up = _raw(sqlite_server, "POST", "/v1/enrol", json={**body, "secret": "x" * 43})
    assert made_up.status_code == 401


def test_a_code_copied_short_or_for_the_wrong_step_is_named() -> None:
    code = codes.Code(codes.ENROL, "https://hub:8443", "s" * 43, (b"p" * 32, b"q" * 32)).text()
    with pytest.raises(ValidationError, match="incomplete or mistyped"):
        codes.parse(code[:-5])
    with pytest.raises(ValidationError, match="enrolment code for a hub's FIRST desk"):
        codes.parse(code, expect=codes.JOIN)
    with pytest.raises(ValidationError, match="not a SafeSpace Desk code"):
        codes.parse("hello")
    assert codes.parse(" \n".join([code[:50], code[50:]])).secret == "s" * 43  # a wrapped paste is fine


def test_a_server_with_another_key_is_refused_before_anything_is_sent(sqlite_server: LiveServer, tmp_path: Path) -> None:
    with thread_server(tmp_path / "impostor", None) as impostor:
        client = ServerClient(impostor.address, sqlite_server.pins)  # the real server's pins
        with pytest.raises(PinMismatch, match="different key"):
            client.call("GET", "/v1/health")
    log = (tmp_path / "impostor" / "server.log")
    assert not log.exists() or "health" not in log.read_text()


@pytest.fixture
def enrolled(desk: DeskContext, sqlite_server: LiveServer) -> Iterator[DeskContext]:
    enrol.enrol(desk, sqlite_server.first_code())
    yield desk


def _waiting(desk: DeskContext) -> int:
    return DeskSync(desk).waiting()


def test_a_server_that_is_down_or_answers_500_leaves_the_outbox_as_it_was(enrolled: DeskContext) -> None:
    guests.add_guest(enrolled, GuestDetails(preferred_name="Waiting Person"))
    assert _waiting(enrolled) == 1

    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text="Internal Server Error")

    outcome = DeskSync(enrolled, transport=httpx.MockTransport(broken)).sync_now()
    assert not outcome.caught_up and "HTTP 500" in outcome.error
    assert _waiting(enrolled) == 1
    with enrolled.store.write() as session:  # the server moved away
        session.execute(text("UPDATE desk_setting SET value = '\"https://127.0.0.1:9\"' WHERE key = 'sync.address'"))
    outcome = DeskSync(enrolled).sync_now()
    assert not outcome.caught_up and "cannot be reached" in outcome.error
    assert _waiting(enrolled) == 1
    from safespace_desk.sync.status import sync_status

    assert sync_status(enrolled).bar_text(__import__("zoneinfo").ZoneInfo("Europe/London")).startswith(
        "server unreachable since")


def test_a_removed_desk_says_so_and_keeps_its_outbox(enrolled: DeskContext, sqlite_server: LiveServer) -> None:
    from zoneinfo import ZoneInfo

    from safespace_desk.sync.server.enrolment import revoke_device
    from safespace_desk.sync.status import sync_status

    guests.add_guest(enrolled, GuestDetails(preferred_name="Kept Anyway"))
    revoke_device(sqlite_server.engine, DeskSync(enrolled).state().device_id)
    outcome = DeskSync(enrolled).sync_now()
    assert outcome.stopped == "revoked" and "removed from the hub" in outcome.error
    assert _waiting(enrolled) == 1
    assert sync_status(enrolled).bar_text(ZoneInfo("Europe/London")) == "this desk was removed from the hub"


def test_a_full_disk_while_applying_a_page_applies_nothing(desk: DeskContext, sqlite_server: LiveServer,
                                                            tmp_path: Path) -> None:
    enrol.enrol(desk, sqlite_server.first_code())
    second = enrol.join(tmp_path / "second", enrol.make_join_code(desk), MANAGER_NAME, MANAGER_PASSWORD,
                        FixedClock(START))
    try:
        for n in range(30):
            guests.add_guest(desk, GuestDetails(preferred_name=f"Synthetic Many {n}",
                                                support_notes="synthetic note " * 200))
        assert DeskSync(desk).sync_now().caught_up
        before = DeskSync(second).state().cursor
        guests_before = second.store.raw_connection_sql("SELECT count(*) FROM guest")
        from sqlalchemy import event

        @event.listens_for(second.store._engine, "begin")  # noqa: SLF001 (a test of the failure)
        def _full(conn: object) -> None:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()  # type: ignore[attr-defined]
            conn.exec_driver_sql(f"PRAGMA max_page_count = {pages}")  # type: ignore[attr-defined]

        outcome = DeskSync(second).sync_now()
        event.remove(second.store._engine, "begin", _full)  # noqa: SLF001
        assert not outcome.caught_up and "disk" in outcome.error.lower()
        second.close()
        from safespace_desk.services import auth

        second = auth.sign_in(tmp_path / "second", MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))
        assert DeskSync(second).state().cursor == before
        assert second.store.raw_connection_sql("SELECT count(*) FROM guest") == guests_before
        assert DeskSync(second).sync_now().caught_up  # room again: it carries on
    finally:
        second.close()
    _ = json


def test_a_full_disk_at_the_server_keeps_the_desks_outbox(enrolled: DeskContext, sqlite_server: LiveServer) -> None:
    from sqlalchemy import event

    for n in range(8):
        guests.add_guest(enrolled, GuestDetails(preferred_name=f"Full Server Person {n}", support_notes="x" * 3900))

    @event.listens_for(sqlite_server.engine, "begin")
    def _full(conn: object) -> None:  # the server's database may not grow
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()  # type: ignore[attr-defined]
        conn.exec_driver_sql(f"PRAGMA max_page_count = {pages}")  # type: ignore[attr-defined]

    outcome = DeskSync(enrolled).sync_now()
    assert not outcome.caught_up and "disk is full" in outcome.error
    # A 5xx the desk tries again (a 4xx would say its request is wrong), not before the server's Retry-After.
    assert outcome.retry_after_s == 60 and outcome.stopped == ""
    assert _waiting(enrolled) == 8
    event.remove(sqlite_server.engine, "begin", _full)
    with sqlite_server.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(LoggedOp)).scalar_one() == 0
