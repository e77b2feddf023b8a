"""How the guest arrived: a row of toggle buttons, Alt+1 to Alt+0 (ten), Self by default."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QButtonGroup, QLabel, QPushButton, QVBoxLayout, QWidget

from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.ui.kit.flow import FlowLayout


def arrival_for_key(key: int, modifiers: Qt.KeyboardModifier) -> ArrivedVia | None:
    """Alt+1 .. Alt+9, then Alt+0 for the tenth (Alt alone: keypad digits and Shift-less layouts only)."""
    if modifiers & ~Qt.KeyboardModifier.KeypadModifier != Qt.KeyboardModifier.AltModifier:
        return None
    choices = list(ArrivedVia)
    number = 10 if key == Qt.Key.Key_0 else key - Qt.Key.Key_1 + 1
    if Qt.Key.Key_0 <= key <= Qt.Key.Key_9 and 1 <= number <= len(choices):
        return choices[number - 1]
    return None


def key_digit(number: int) -> str:
    """The digit on the keyboard for the n-th choice: 1..9, then 0."""
    return str(number % 10)


class ArrivalSelector(QWidget):
    """The keys are handled by the page (see FrontDeskPage.event): they must win over the shell's
    own Alt+number page shortcuts while the desk has focus, which a QShortcut cannot do."""

    changed = Signal(object)  # ArrivedVia

    def __init__(self, parent: QWidget | None = None, offered: tuple[ArrivedVia, ...] = tuple(ArrivedVia)) -> None:
        super().__init__(parent)
        self.setObjectName("arrivalSelector")
        # A crisis service's or haven's desk is not offered a hub's arrivals (domain/guests.py).
        self.offered = offered
        # The buttons wrap onto as many rows as the column's width needs (two in normal text).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        last = key_digit(len(offered))
        self.caption = caption = QLabel(f"Arrived via · Alt+1 to Alt+{last}", self)
        caption.setProperty("muted", True)
        caption.setToolTip(f"Alt+1 to Alt+{last} choose; it goes back to Self after each sign-in")
        layout.addWidget(caption)
        flow = FlowLayout(spacing=4)  # two rows of five in normal text beside six tabs
        layout.addLayout(flow)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._buttons: dict[ArrivedVia, QPushButton] = {}
        for number, via in enumerate(ArrivedVia, start=1):
            button = QPushButton(f"{key_digit(number)} {via.label}", self)
            button.setObjectName(f"arrivedVia_{via.value}")
            button.setProperty("toggle", True)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from search to results, not here
            button.setToolTip(f"Arrived via {via.label} (Alt+{key_digit(number)})")
            self._group.addButton(button, number)
            self._buttons[via] = button
            if via in offered:
                flow.addWidget(button)
            else:
                button.hide()
        self._group.idClicked.connect(lambda _id: self.changed.emit(self.value()))
        self.reset()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        return self.layout().heightForWidth(width)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        # The page's layouts size this row by its minimum, not by its height for the width it gets,
        # so a third row of buttons (ten ways of arriving in a narrow column) was cut off. Asking
        # for the wrapped height as the minimum makes the page below give way (it scrolls).
        super().resizeEvent(event)
        needed = self.layout().heightForWidth(event.size().width())
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)

    def value(self) -> ArrivedVia:
        for via, button in self._buttons.items():
            if button.isChecked():
                return via
        return ArrivedVia.SELF

    def set_value(self, via: ArrivedVia) -> None:
        if via not in self.offered:
            return
        self._buttons[via].setChecked(True)
        self.changed.emit(via)

    def reset(self) -> None:
        self.set_value(ArrivedVia.SELF)

    def button(self, via: ArrivedVia) -> QPushButton:
        return self._buttons[via]
