"""Layout items Qt deletes leave no PySide wrapper behind (see tests/ui/layout_items.py).

Such a wrapper stays registered at the freed address; the next object Qt puts there comes back to
Python as that stale item (``item.widget()`` returning a QWidgetItem) or gets no wrapper of its own,
and the desk crashes much later while restyling or deleting a window. The screen audit crashed
PySide so (in 9 of 10 runs of the casework audit followed by the matrix in one process)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from safespace_desk.ui.desk.inline_forms import DestinationPromptForm
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.widgets import clear_layout
from tests.ui.layout_items import held_item_wrappers, stale_item_wrappers


def _delete_now(widget: QWidget) -> None:
    """deleteLater, then the deletion at once (pytest-qt's event processing leaves it pending)."""
    widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _page(qtbot: QtBot) -> tuple[QWidget, QVBoxLayout]:
    page = QWidget()
    qtbot.addWidget(page)
    return page, QVBoxLayout(page)


def test_the_check_finds_what_pyside_leaves_behind(qtbot: QtBot) -> None:
    """The check can fail: a plain row filled before it joins the page, then a widget of it deleted,
    is the PySide fault itself (PySide wraps the row's items as it joins)."""
    before = {id(w) for w in held_item_wrappers()}
    page, layout = _page(qtbot)
    row = QHBoxLayout()
    doomed = QPushButton("Doomed", page)
    row.addWidget(doomed)
    row.addWidget(QLabel("Stays", page))
    layout.addLayout(row)
    _delete_now(doomed)
    stale = stale_item_wrappers(ignore=before)
    try:
        assert len(stale) == 1 and row.count() == 1
    finally:
        for wrapper in stale:
            shiboken6.invalidate(wrapper)  # out of PySide's registry: harmless for the tests after this


def test_a_flow_row_survives_widgets_deleted_taken_and_added_again(qtbot: QtBot) -> None:
    before = {id(w) for w in held_item_wrappers()}
    page, layout = _page(qtbot)
    flow = FlowLayout(spacing=6)
    buttons = [QPushButton(f"Choice {i}", page) for i in range(6)]
    for button in buttons:
        flow.addWidget(button)
    layout.addLayout(flow)  # as the pages do: the row filled first (PySide then holds its items)
    page.resize(300, 200)
    page.show()
    qtbot.waitExposed(page)
    for cycle in range(5):
        _delete_now(buttons.pop(0))  # Qt takes the item out (takeAt) and deletes it
        assert stale_item_wrappers(ignore=before) == [], f"cycle {cycle}"
        assert flow.count() == len(buttons)
        added = QPushButton(f"Added {cycle}", page)
        flow.insertWidget(0, added)
        buttons.insert(0, added)
    clear_layout(flow)  # taken out by Python, widgets deleted later (the pages' way)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert flow.count() == 0 and stale_item_wrappers(ignore=before) == []
    again = [QPushButton(f"Again {i}", page) for i in range(3)]
    for button in again:
        flow.addWidget(button)
    qtbot.waitUntil(lambda: all(button.isVisible() for button in again))  # Qt shows them on its next pass
    flow.activate()
    # The row still places what it holds: side by side, none on top of another.
    tops = {button.geometry().top() for button in again}
    assert len(tops) == 1 and again[0].geometry().right() < again[1].geometry().left()


def test_the_sign_out_form_leaves_no_stale_item(qtbot: QtBot) -> None:
    """Its editor moves into the places box after the row was built."""
    before = {id(w) for w in held_item_wrappers()}
    form = DestinationPromptForm(["Hostel", "Hospital"], label="Where to:", submit_text="Sign out")
    qtbot.addWidget(form)
    assert stale_item_wrappers(ignore=before) == []
    assert form.places.lineEdit() is form.editor
