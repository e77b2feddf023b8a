"""Inline banners: the desk's answer to modal dialogs. A banner says what happened in plain words,
offers the next actions as buttons with their shortcuts, and can hold a small inline form."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.forms import set_state
from safespace_desk.ui.kit.shortcuts import shortcut_button


class Banner(QFrame):
    """A calm strip with a message, optional actions and an optional body (e.g. an override form).

    ``tone`` is a property for the theme: "success", "info", "warning" or "danger".
    """

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None, *, name: str = "banner") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("banner", True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(6)
        # Text first, then the actions on their own row: beside the text they squeeze it into a
        # narrow column at 1366 wide.
        self.message = QLabel(self)
        self.message.setObjectName("bannerMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.detail = QLabel(self)
        self.detail.setObjectName("bannerDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        outer.addWidget(self.message)
        outer.addWidget(self.detail)
        self._action_row = FlowLayout()
        outer.addLayout(self._action_row)
        self._body = QVBoxLayout()
        outer.addLayout(self._body)
        self._buttons: list[QPushButton] = []
        self.hide()

    def show_message(self, tone: str, message: str, detail: str = "") -> None:
        self.clear_actions()
        set_state(self, "tone", tone)
        self.message.setText(message)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.show()

    def add_action(self, text: str, keys: str | None, slot: Callable[[], object], *,
                   kind: str | None = None) -> QPushButton:
        """Add a button; its shortcut works anywhere in the window while the banner is shown."""
        button = shortcut_button(text, keys, slot, parent=self, kind=kind)
        self._action_row.addWidget(button)
        button.show()  # at once, not on the next event-loop pass: its shortcut must work now
        self._buttons.append(button)
        return button

    def set_body(self, widget: QWidget | None) -> None:
        while self._body.count():
            item = self._body.takeAt(0)
            old = item.widget() if item else None
            if old is not None:
                # deleteLater, never setParent(None): the old body may hold the button whose click
                # is still being handled, and an orphaned widget is deleted by Python at once.
                old.hide()
                old.deleteLater()
        if widget is not None:
            self._body.addWidget(widget)
            widget.show()

    def clear_actions(self) -> None:
        for button in self._buttons:
            button.hide()
            button.deleteLater()
        self._buttons.clear()
        self.set_body(None)

    def buttons(self) -> list[QPushButton]:
        return list(self._buttons)

    def dismiss(self) -> None:
        if self.isVisible():
            self.clear_actions()
            self.hide()
            self.dismissed.emit()
