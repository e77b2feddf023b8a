"""Guests' anonymous feedback syncs like the hub's other records (issue 13, item 6): given at one desk,
read at the other, its words sealed from the server; a manager's deletion travels too."""

from __future__ import annotations

from pathlib import Path

from safespace_desk.domain.feedback import Welcome
from safespace_desk.reports.period import month_range
from safespace_desk.services import feedback
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import LONDON
from tests.sync.helpers import sync_caught_up


def test_feedback_and_its_deletion_travel_to_the_other_desk_sealed(hub: tuple[DeskContext, DeskContext],
                                                                   tmp_path: Path) -> None:
    first, second = hub
    feedback.give_feedback(first, "Zephyrine was here, sorry", "okay")
    sync_caught_up(first, second)
    november = month_range(2026, 11, LONDON)
    [entry] = feedback.feedback_in(second, november)
    assert entry.words == "Zephyrine was here, sorry" and entry.rating == Welcome.OKAY
    server_text = b"".join(p.read_bytes() for p in (tmp_path / "server").rglob("*") if p.is_file())
    assert len(server_text) > 10_000 and b"Zephyrine" not in server_text
    feedback.delete_feedback(second, entry.id)
    sync_caught_up(second, first)
    assert feedback.feedback_in(first, november) == []
