"""A layout that places its widgets in a row and wraps onto the next row when the width runs out,
so a row of buttons never forces a page wider than the screen (Large text at 1366 px wide)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget, QWidgetItem


class FlowLayout(QLayout):
    """Its items are made here, in Python (``QWidgetItem(widget)``), never by Qt's ``addWidget``.

    Why: when a widget of the row is deleted, Qt takes its item out (``takeAt``) and deletes it. An
    item Qt made has a PySide wrapper that is not told: if anything still holds that wrapper (PySide
    itself does, for every item of a layout passed to ``addLayout`` or walked with ``itemAt``), it
    stays registered at the freed address, and the next object Qt puts there is handed to Python as
    that stale item (``item.widget()`` returning a QWidgetItem), then a restyle or a deletion
    touching it crashes the desk. An item made in Python tells PySide when Qt deletes it.
    """

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addWidget(self, widget: QWidget) -> None:  # noqa: N802 (Qt's name)
        self.insertWidget(len(self._items), widget)

    def insertWidget(self, index: int, widget: QWidget) -> None:  # noqa: N802 (Qt's name)
        self.addChildWidget(widget)
        self._items.insert(max(0, min(index, len(self._items))), QWidgetItem(widget))
        self.invalidate()

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt's name)
        widget = item.widget()
        if widget is not None and not shiboken6.createdByPython(item):
            # Only Qt's own QLayout::addWidget gets here with an item Qt made (Python code reaches
            # addWidget above). The layout owns what it is given, so that item is deleted now and
            # the widget gets an item made here (see the class's docstring).
            shiboken6.delete(item)
            item = QWidgetItem(widget)
        self._items.append(item)
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt's name)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt's name)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt's name)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt's name)
        changed = rect.width() != self.geometry().width()
        super().setGeometry(rect)
        height = self._arrange(rect, move=True)
        if changed and height > rect.height():
            self.invalidate()  # the rows wrap differently now: let the parent give more height

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        shown = [i for i in self._items if not i.isEmpty()]
        width = sum(i.sizeHint().width() for i in shown) + self._gap * max(0, len(shown) - 1)
        height = max((i.sizeHint().height() for i in shown), default=0)
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt's name)
        """As narrow as the widest single widget (everything else wraps), and as tall as the rows
        need at the width last given: a parent layout then reserves room for the wrapped rows
        instead of laying the next widget over them."""
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize().expandedTo(item.sizeHint()))
        m = self.contentsMargins()
        size += QSize(m.left() + m.right(), m.top() + m.bottom())
        width = self.geometry().width()
        if width > 0:
            size.setHeight(max(size.height(), self.heightForWidth(width)))
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, line_height = area.x(), y + line_height + self._gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._gap
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + m.bottom()
