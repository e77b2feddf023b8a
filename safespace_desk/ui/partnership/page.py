"""The Partnership page (managers): the by-name list for the fortnightly meeting, and the impact
estimate for the partnership and its funders. Each tab reads when first looked at, not at sign-in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from safespace_desk.services.context import DeskContext
from safespace_desk.ui.kit.forms import PAGE_MARGINS
from safespace_desk.ui.kit.widgets import heading
from safespace_desk.ui.partnership.impact_tab import ImpactTab
from safespace_desk.ui.partnership.list_tab import ByNameListTab
from safespace_desk.ui.shell import MainShell


class PartnershipPage(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*PAGE_MARGINS)
        layout.setSpacing(10)
        layout.addWidget(heading("Partnership", "pageTitle"))
        self.list_tab = ByNameListTab(desk, shell)
        self.impact_tab = ImpactTab(desk, shell)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.list_tab, "By-&name list")
        # The estimate is a long page of lines, totals and the unit-cost form: it scrolls within its tab,
        # so the list's tab (and the page) still fit the screen with the list at full height.
        self.impact_scroll = QScrollArea()
        self.impact_scroll.setObjectName("impactScroll")
        self.impact_scroll.setWidget(self.impact_tab)
        self.impact_scroll.setWidgetResizable(True)
        self.impact_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.impact_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tabs.addTab(self.impact_scroll, "&Impact estimate")
        self.tabs.currentChanged.connect(lambda _index: self._start_shown())
        layout.addWidget(self.tabs, 1)
        self._started: set[QWidget] = set()

    def focus_first(self) -> None:
        self.tabs.setFocus()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self._start_shown()

    def _start_shown(self) -> None:
        # The list is read (and its view audited) only when a manager looks at it.
        current = self.tabs.currentWidget()
        if current is self.impact_scroll:
            current = self.impact_tab
        if self.isVisible() and current not in self._started:
            self._started.add(current)
            current.start()  # type: ignore[attr-defined]
