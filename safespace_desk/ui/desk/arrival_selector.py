"""How the guest arrived: a row of toggle buttons, Alt+1 to Alt+8, Self by default."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QLabel, QPushButton, QWidget

from safespace_desk.domain.guests import ArrivedVia


def arrival_for_key(key: int, modifiers: Qt.KeyboardModifier) -> ArrivedVia | None:
    """Alt+1 .. Alt+8 (Alt alone: keypad digits and Shift-less layouts only)."""
    if modifiers & ~Qt.KeyboardModifier.KeypadModifier != Qt.KeyboardModifier.AltModifier:
        return None
    if Qt.Key.Key_1 <= key <= Qt.Key.Key_8:
        return list(ArrivedVia)[key - Qt.Key.Key_1]
    return None


class ArrivalSelector(QWidget):
    """The keys are handled by the page (see FrontDeskPage.event): they must win over the shell's
    own Alt+number page shortcuts while the desk has focus, which a QShortcut cannot do."""

    changed = Signal(object)  # ArrivedVia

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("arrivalSelector")
        # Two rows of four: one row of eight does not fit beside the side panel at 1366 wide.
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(6)
        layout.setVerticalSpacing(6)
        caption = QLabel("Arrived via · Alt+1 to Alt+8", self)
        caption.setProperty("muted", True)
        caption.setToolTip("Alt+1 to Alt+8 choose; it goes back to Self after each sign-in")
        layout.addWidget(caption, 0, 0, 1, 4)
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
            layout.addWidget(button, 1 + (number - 1) // 4, (number - 1) % 4)
        layout.setColumnStretch(4, 1)
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
