"""How someone is with a crisis service or haven today: walk-in, online or phone (F3 moves along).
Only walk-ins take a place in the building. A 24/7 hub never shows it: everyone there walks in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QLabel, QPushButton, QVBoxLayout, QWidget

from safespace_desk.domain.casework import VisitMode
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.shortcuts import add_shortcut, native_keys

CYCLE_KEYS = "F3"


class ModeSelector(QWidget):
    def __init__(self, page: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modeSelector")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        caption = QLabel(f"Here · {native_keys(CYCLE_KEYS)} changes", self)
        caption.setProperty("muted", True)
        layout.addWidget(caption)
        flow = FlowLayout(spacing=6)
        layout.addLayout(flow)
        self._group = QButtonGroup(self)
        self._buttons: dict[VisitMode, QPushButton] = {}
        for mode in VisitMode:
            button = QPushButton(mode.label, self)
            button.setProperty("toggle", True)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(f"{mode.label} ({native_keys(CYCLE_KEYS)} moves along)")
            self._group.addButton(button)
            self._buttons[mode] = button
            flow.addWidget(button)
        add_shortcut(page, CYCLE_KEYS, self.cycle)
        self.reset()

    def value(self) -> VisitMode:
        return next((m for m, b in self._buttons.items() if b.isChecked()), VisitMode.IN_PERSON)

    def set_value(self, mode: VisitMode) -> None:
        self._buttons[mode].setChecked(True)

    def cycle(self) -> None:
        if self.isVisible():
            modes = list(VisitMode)
            self.set_value(modes[(modes.index(self.value()) + 1) % len(modes)])

    def reset(self) -> None:
        self.set_value(VisitMode.IN_PERSON)
