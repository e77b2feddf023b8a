"""Guests' anonymous feedback syncs like the hub's other records (issue 13, item 6): given at one desk,
read at the other, its words sealed from the server; a manager's deletion travels too."""

from __future__ import annotations

from pathlib import Path

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.feedback import Welcome
from safespace_desk.reports.period import month_range
from safespace_desk.services import feedback
from safespace_desk.services.context import DeskContext
from safespace_desk.sync import enrol
from safespace_desk.sync.engine import DeskSync
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.services.frontdesk_helpers import LONDON
from tests.support.sync_server import LiveServer


def test_feedback_and_its_deletion_travel_to_the_other_desk_sealed(desk: DeskContext, sqlite_server: LiveServer,
                                                                   tmp_path: Path) -> None:
    enrol.enrol(desk, sqlite_server.first_code())
    second = enrol.join(tmp_path / "second", enrol.make_join_code(desk), MANAGER_NAME, MANAGER_PASSWORD,
                        FixedClock(START))
    try:
        feedback.give_feedback(desk, "Zephyrine was here, sorry", "okay")
        for d in (desk, second):
            assert DeskSync(d).sync_now().caught_up
        november = month_range(2026, 11, LONDON)
        [entry] = feedback.feedback_in(second, november)
        assert entry.words == "Zephyrine was here, sorry" and entry.rating == Welcome.OKAY
        server_text = b"".join(p.read_bytes() for p in (tmp_path / "server").rglob("*") if p.is_file())
        assert len(server_text) > 10_000 and b"Zephyrine" not in server_text
        feedback.delete_feedback(second, entry.id)
        for d in (second, desk):
            assert DeskSync(d).sync_now().caught_up
        assert feedback.feedback_in(desk, november) == []
    finally:
        second.close()
