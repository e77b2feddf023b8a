"""Small building blocks shared by the desk panels: shortcut buttons, inline field errors, styling hooks."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLayout, QWidget

from safespace_desk.ui.widget_kit import FieldErrors, add_shortcut, set_state, shortcut_button

__all__ = ["FieldErrors", "add_shortcut", "clear_layout", "heading", "muted_label", "set_state",
           "shortcut_button"]


def muted_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("muted", True)
    label.setWordWrap(True)
    return label


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("heading", True)
    label.setWordWrap(True)
    return label


def clear_layout(layout: QLayout) -> None:
    """Remove and delete a layout's widgets. Hidden at once (so nothing stale is seen or found),
    deleted later (one of them may be the button whose click is being handled)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif item is not None and item.layout() is not None:
            clear_layout(item.layout())
