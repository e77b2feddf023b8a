"""A peer writes a crisis plan with someone who asks that it be kept private (issue 11, item 4): the plan
dialog offers a clear choice of who reads it, says what sealing means for the writer, gives the copy to
print from what was just written, and afterwards shows that a sealed plan exists but not its words."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied
from safespace_desk.domain.plans import PlanKind
from safespace_desk.services import auth, plans, staff
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.casework.plan_dialog import PlanDialog
from safespace_desk.ui.service_actions import ServiceActions
from tests.services.casework_helpers import make_service
from tests.services.frontdesk_helpers import add
from tests.support import pdf as pdf_reader

PEER, PEER_PASSWORD = "Pia Peer", "Pia Peer lantern quartz meadow 7"


def test_a_peer_seals_a_plan_prints_their_copy_and_then_cannot_open_it(
        desk: DeskContext, data_dir: Path, clock: FixedClock, qtbot: QtBot, tmp_path: Path) -> None:
    make_service(desk, "haven")
    robin = add(desk, "Robin Quiet")
    staff.add_staff(desk, name=PEER, role="desk", password=PEER_PASSWORD)
    peer = auth.sign_in(data_dir, PEER, PEER_PASSWORD, clock)
    try:
        dialog = PlanDialog(ServiceActions(peer), robin, None)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.height() <= dialog.screen().availableGeometry().height() - 40  # its buttons on the screen
        dialog.show_kind(PlanKind.CRISIS)
        # Open to casework staff unless chosen otherwise, and the choice says what each means.
        assert dialog.open_choice.isChecked() and "Colleagues" in dialog.readers_note.text()
        dialog.sealed.click()
        assert "cannot open it again" in dialog.readers_note.text()
        dialog.editors["safe_places"].setPlainText("The library on Hill Street")
        assert dialog.save() == 1
        assert "Print or save their copy now" in dialog.banner.text
        copy = dialog.save_pdf(tmp_path / "their-copy.pdf")
        assert copy is not None and "Hill Street" in pdf_reader.text(copy)

        again = PlanDialog(ServiceActions(peer), robin, None)
        qtbot.addWidget(again)
        again.show_kind(again.kind)
        assert again.kind.value == "crisis" and "sealed at their request" in again.state.text()
        assert all(e.toPlainText() == "" and e.isReadOnly() for e in again.editors.values())
        assert not again.save_button.isEnabled() and not again.pdf_button.isEnabled()
        assert again.sealed.isChecked() and not again.sealed.isEnabled() and not again.open_choice.isEnabled()
        [summary] = plans.plans_of(peer, robin)
        with pytest.raises(PermissionDenied, match="sealed"):
            plans.read_plan(peer, summary.plan_id)
    finally:
        peer.close()
    # The manager, who holds the clinical key, opens it.
    manager_view = PlanDialog(ServiceActions(desk), robin, None)
    qtbot.addWidget(manager_view)
    assert manager_view.editors["safe_places"].toPlainText() == "The library on Hill Street"
    assert manager_view.sealed.isChecked() and "only they can write the next version" in manager_view.readers_note.text()
