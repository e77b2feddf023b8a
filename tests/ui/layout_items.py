"""Find wrappers PySide kept of layout items Qt has deleted (see safespace_desk/ui/kit/flow.py).

PySide (6.11) keeps the Python wrapper of a layout item Qt made whenever Python code is handed one:
``itemAt``, and ``addLayout`` of a layout that already holds widgets (PySide then wraps every item
of it, as children of the outer layout). It is not told when Qt deletes that item (a widget of the
row deleted or moved elsewhere): the wrapper stays registered at the freed address, and the next
object Qt puts there comes back to Python as that stale item, or is not given its own wrapper,
which ends in a segmentation fault much later (restyling, deleting a window)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QLayout, QLayoutItem, QWidget


def held_item_wrappers() -> list[QLayoutItem]:
    """The valid wrappers of layout items Qt made (not layouts or widgets, not made in Python)."""
    return [w for w in shiboken6.getAllValidWrappers()
            if isinstance(w, QLayoutItem) and not isinstance(w, QObject) and not shiboken6.createdByPython(w)]


def live_layouts(widgets: list[QWidget]) -> list[QLayout]:
    """Every layout of ``widgets`` (the caller keeps the list: a layout's wrapper is a child of its
    widget's wrapper, and goes invalid when a temporary widget wrapper goes)."""
    layouts: list[QLayout] = []
    for widget in widgets:
        top = widget.layout()
        if top is not None:
            layouts += [top, *top.findChildren(QLayout)]
    return layouts


def stale_item_wrappers(ignore: set[int] | None = None) -> list[QLayoutItem]:
    """Wrappers of Qt-made items that no live layout holds any more: Qt deleted the item and the
    wrapper points at freed memory. Only pointers are compared (QLayout.indexOf), nothing of the
    freed item is read. ``ignore``: ids of wrappers to leave out (those there before a test)."""
    suspects = [w for w in held_item_wrappers() if ignore is None or id(w) not in ignore]
    if not suspects:
        return []
    widgets = QApplication.allWidgets()
    layouts = live_layouts(widgets)
    return [w for w in suspects if not any(layout.indexOf(w) >= 0 for layout in layouts)]
