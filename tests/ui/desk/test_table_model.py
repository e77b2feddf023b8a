"""The desk's record tables: a refresh that brings the same rows keeps the selection and resets nothing
(a reset re-measures every cell of the columns sized to contents: most of a refresh after a sign-in)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from safespace_desk.ui.desk.table_model import Column, RecordTableModel
from safespace_desk.ui.desk.tables import desk_table, select_row, selected_row


@dataclass(frozen=True)
class Row:
    label: str
    who: str | None


def test_the_same_rows_again_keep_the_selection_and_reset_nothing(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    model: RecordTableModel[Row] = RecordTableModel([Column("Bed", lambda r: r.label),
                                                     Column("Guest", lambda r: r.who or "free")])
    view = desk_table(model, parent)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.set_records([Row("Bed 1", None), Row("Bed 2", "Kez")])
    select_row(view, 1)
    assert len(resets) == 1

    model.set_records([Row("Bed 1", None), Row("Bed 2", "Kez")])  # equal rows, new objects
    assert len(resets) == 1 and selected_row(view) == 1

    model.set_records([Row("Bed 1", "Sam"), Row("Bed 2", "Kez")])  # a row changed: shown anew
    assert len(resets) == 2
    assert model.data(model.index(0, 1)) == "Sam"
