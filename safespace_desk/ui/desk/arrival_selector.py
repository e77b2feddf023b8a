"""How the guest arrived: a row of toggle buttons, Alt+1 to Alt+8, Self by default."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QWidget

from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.ui.desk.widgets import add_shortcut


class ArrivalSelector(QWidget):
    changed = Signal(object)  # ArrivedVia

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("arrivalSelector")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        caption = QLabel("Arrived via", self)
        caption.setProperty("muted", True)
        caption.setToolTip("Alt+1 to Alt+8 choose; it goes back to Self after each sign-in")
        layout.addWidget(caption)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._buttons: dict[ArrivedVia, QPushButton] = {}
        for number, via in enumerate(ArrivedVia, start=1):
            button = QPushButton(f"{number} {via.label}", self)
            button.setObjectName(f"arrivedVia_{via.value}")
            button.setProperty("toggle", True)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from search to results, not here
            button.setToolTip(f"Arrived via {via.label} (Alt+{number})")
            self._group.addButton(button, number)
            self._buttons[via] = button
            layout.addWidget(button)
            add_shortcut(button, f"Alt+{number}", button.click, context=Qt.ShortcutContext.WindowShortcut)
        layout.addStretch(1)
        self._group.idClicked.connect(lambda _id: self.changed.emit(self.value()))
        self.reset()

    def value(self) -> ArrivedVia:
        for via, button in self._buttons.items():
            if button.isChecked():
                return via
        return ArrivedVia.SELF

    def set_value(self, via: ArrivedVia) -> None:
        self._buttons[via].setChecked(True)
        self.changed.emit(via)

    def reset(self) -> None:
        self.set_value(ArrivedVia.SELF)

    def button(self, via: ArrivedVia) -> QPushButton:
        return self._buttons[via]
