"""Issue 14, finding 3 (the purge): outbox rows were never purged, so a triage outlived its 96 months
there. Operations sync no longer needs are removed after a set time; those it still needs lose their
copy of whatever the retention purge removes or anonymises."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from safespace_desk.db.models import OutboxOp, Setting
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.retention import RetentionPolicy
from safespace_desk.services import clinical, data_rights, outbox_retention, triage
from safespace_desk.services.context import DeskContext
from tests.security.conftest import MEDIC, SignInAs
from tests.services.frontdesk_helpers import add


def _outbox(desk: DeskContext) -> list[tuple[int, str, str, str | None, str | None]]:
    return [tuple(r) for r in desk.store.raw_connection_sql(  # type: ignore[misc]
        "SELECT seq, op, args, rows, pushed_at FROM outbox ORDER BY seq")]


def _enrol(desk: DeskContext) -> None:
    """As sync/enrol.py leaves a desk enrolled (the part of its state the purge reads)."""
    with desk.store.write() as session:
        session.add(Setting(key="sync.enrolled", value="true"))


def test_operations_not_needed_go_after_the_keep_period(desk: DeskContext, clock: FixedClock) -> None:
    clock.set(datetime(2026, 9, 1, 12, tzinfo=UTC))
    add(desk, "Old Ops")
    clock.set(datetime(2026, 11, 20, 12, tzinfo=UTC))
    add(desk, "New Ops")
    seqs = [row[0] for row in _outbox(desk)]
    data_rights.purge_expired(desk)
    left = _outbox(desk)
    # Not enrolled in sync: nothing will ever send these one by one (enrolling sends the whole state),
    # so operations older than 30 days go; the recent ones and the purge's own stay.
    assert all(op != "guest.add" or "Old Ops" not in args for _, op, args, _, _ in left)
    assert any("New Ops" in args for _, _, args, _, _ in left)
    assert len(left) < len(seqs)
    add(desk, "Next One")
    assert _outbox(desk)[-1][0] > max(seqs)  # numbering goes on


def test_the_newest_operation_stays_to_number_the_next(desk: DeskContext, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 1, 12, tzinfo=UTC))
    add(desk, "Only Once")
    newest = _outbox(desk)[-1][0]
    clock.set(datetime(2027, 2, 1, 12, tzinfo=UTC))
    with desk.store.write() as session:
        assert outbox_retention.purge_outbox(session, clock.now()) == newest - 1
    left = _outbox(desk)
    assert [r[0] for r in left] == [newest] and left[0][2] == "{}" and left[0][3] is None
    add(desk, "Afterwards")
    assert _outbox(desk)[-1][0] == newest + 1


def test_on_an_enrolled_desk_only_pushed_operations_go(desk: DeskContext, clock: FixedClock) -> None:
    _enrol(desk)
    clock.set(datetime(2026, 1, 1, 12, tzinfo=UTC))
    add(desk, "Unsent Una")
    add(desk, "Sent Sam")
    sent = next(seq for seq, op, args, _, _ in _outbox(desk) if "Sent Sam" in args)
    with desk.store.write() as session:  # as sync/engine.py marks what the server acknowledged
        session.execute(update(OutboxOp).where(OutboxOp.seq == sent).values(pushed_at=clock.now()))
    clock.set(datetime(2026, 11, 24, 12, tzinfo=UTC))
    data_rights.purge_expired(desk)
    args = " ".join(a for _, _, a, _, _ in _outbox(desk))
    assert "Unsent Una" in args and "Sent Sam" not in args  # sync still needs Una's


def test_a_triage_does_not_outlive_its_96_months_in_an_unsent_operation(desk: DeskContext, clock: FixedClock,
                                                                        sign_in_as: SignInAs) -> None:
    _enrol(desk)  # sync cannot reach the server: the operation waits, needed, for years
    clock.set(datetime(2018, 3, 1, 12, tzinfo=UTC))
    guest = add(desk, "Triaged Tam")
    medic = sign_in_as(MEDIC)
    triage.record_triage(medic, guest, presenting_need="Plantedneed cough", outcome="treated",
                         notes="Plantednote asthma")
    medic.close()
    clock.set(datetime(2026, 11, 24, 12, tzinfo=UTC))
    data_rights.set_retention_policy(desk, RetentionPolicy({"guests": None, "triage": 96}))
    # The operation holds the note, sealed with the clinical key (finding 2): the manager's key opens it.
    [args] = [json.loads(r[2]) for r in _outbox(desk) if r[1] == "triage.record"]
    assert clinical.open_field(desk, args["triage_id"], "notes", args["notes"]) == "Plantednote asthma"
    data_rights.purge_expired(desk)
    assert desk.store.raw_connection_sql("SELECT count(*) FROM triage")[0][0] == 0
    kept = [r for r in _outbox(desk) if r[1] == "triage.record"]
    assert kept and kept[0][4] is None  # still waiting for the server, so kept...
    left = json.dumps(_outbox(desk))  # ...but without what the purge removed, sealed or not
    assert "Planted" not in left and args["notes"] not in left and args["presenting_need"] not in left


def test_the_keep_period_is_a_setting(desk: DeskContext) -> None:
    assert outbox_retention.keep_days(desk) == 30
    outbox_retention.set_keep_days(desk, 7)
    assert outbox_retention.keep_days(desk) == 7
    for wrong in (0, 366):
        with pytest.raises(ValidationError) as caught:
            outbox_retention.set_keep_days(desk, wrong)
        assert caught.value.field == "outbox_keep_days"
