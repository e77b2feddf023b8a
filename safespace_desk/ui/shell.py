"""The main shell: navigation on the left, the pages, and a status bar along the bottom.

Pages are added with ``add_page``; each is shown only to the roles that may use it, so a member
of staff never sees a page that would only tell them "not allowed".
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QButtonGroup,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.clock import Clock
from safespace_desk.domain.roles import Role
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import SiteInfo
from safespace_desk.ui.data_rights.daily import DailyWork, DailyWorkBanner
from safespace_desk.ui.kit.theme import LARGE_TEXT, Theme, ThemeController
from safespace_desk.ui.store_health import StoreDamageBanner
from safespace_desk.ui.sync.controller import SyncController
from safespace_desk.ui.sync.rekey_progress import SyncRekeyProgress
from safespace_desk.ui.tasks import TaskRunner
from safespace_desk.ui.time_display import MinuteTicker, site_time_text

LOCK_SHORTCUT = "Ctrl+L"
FIND_GUEST_SHORTCUT = "F2"


@dataclass
class _Page:
    key: str
    title: str
    widget: QWidget
    holder: QWidget  # what the stack shows: the page in its scroll area
    roles: frozenset[Role] | None
    button: QPushButton
    shortcut: QShortcut | None

    def allowed(self, role: Role) -> bool:
        return self.roles is None or role in self.roles


class NavButton(QPushButton):
    """A navigation entry: the page title, with its keyboard shortcut shown on the right."""

    def __init__(self, title: str, shortcut: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navButton")
        self.setCheckable(True)
        # Pages have keys; focus that falls here after an action left the page's own keys dead.
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setAccessibleName(f"{title} ({shortcut})" if shortcut else title)
        self._row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._row.setContentsMargins(14, 6, 12, 6)
        self._row.setSpacing(2)
        for text, name in ((title, "navTitle"), (_native(shortcut), "navShortcut")):
            label = QLabel(text)
            label.setObjectName(name)
            # Clicks go to the button underneath, not the label.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            self._row.addWidget(label, 1 if name == "navTitle" else 0)
        self._follow_text_size()

    def _follow_text_size(self) -> None:
        """In Large text the key goes under the title: side by side, "Service profile  Shift+F10"
        made the navigation so wide that the pages beside it no longer fitted 1366 px."""
        stacked = self.font().pointSizeF() >= LARGE_TEXT.base
        direction = QBoxLayout.Direction.TopToBottom if stacked else QBoxLayout.Direction.LeftToRight
        if self._row.direction() != direction:
            self._row.setDirection(direction)
            self._row.setContentsMargins(14, 5 if stacked else 6, 12, 5 if stacked else 6)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.Polish,
                            QEvent.Type.LayoutRequest):
            self._follow_text_size()
            # The stylesheet's button min-height is set on every restyle and would win over the
            # entry's own height (Qt's layouts take a set minimum over the hint): hold it to the content.
            height = self._row.sizeHint().height()
            if self.minimumHeight() != height:
                self.setMinimumHeight(height)
        return handled

    # QPushButton sizes itself by its own (empty) text: count the labels, so the navigation is as wide
    # as its longest title with its key, in Large text too.
    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return super().sizeHint().expandedTo(self._row.sizeHint())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return super().minimumSizeHint().expandedTo(self._row.sizeHint())


class NavScroll(QScrollArea):
    """The navigation column: as wide as its entries plus room for a scroll bar, so a scroll bar
    never covers a title."""

    def _width(self) -> int:
        inner = self.widget()
        return (inner.sizeHint().width() if inner is not None else 0) + self.verticalScrollBar().sizeHint().width()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(self._width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(self._width(), 0)


class PageScroll(QScrollArea):
    """A page in a scroll area that scrolls up and down only, and only when the page cannot be made
    to fit: it gets the whole height of the screen, or its minimum if that is taller (Large text at
    768 px high), so widgets are never squashed on top of each other. Never wider than the screen.

    (QScrollArea's own "resizable" mode sizes a page by its preferred height for the width, which
    for a page with wrapping rows is taller than the screen even when it would fit.)"""

    def __init__(self, page: QWidget) -> None:
        super().__init__()
        self.setObjectName("pageScroll")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(page)
        self.setWidgetResizable(False)
        page.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            # Through a weak reference, not a bound method: the application outlives every page, and
            # the signal reached scroll areas Qt had deleted ("Internal C++ object already deleted").
            me = weakref.ref(self)

            def follow(old: QWidget | None, new: QWidget | None) -> None:
                scroll = me()
                if scroll is not None and shiboken6.isValid(scroll):
                    scroll._follow_focus(old, new)

            app.focusChanged.connect(follow)

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A page taller than the screen (Large text, a form opened in a banner) scrolls to the field
        that takes the focus, however it got there: a form focuses its first box from code, where
        QScrollArea follows only Tab. After the page's layout has placed a form just opened."""
        page = self.widget()
        if new is not None and page is not None and self.isVisible() and page.isAncestorOf(new):
            QTimer.singleShot(0, self, self._show_focus)  # with self: dropped if the page goes first

    def _show_focus(self) -> None:
        if not shiboken6.isValid(self):
            return  # the timer outlived a scroll area Qt deleted (a shell dropped at sign-out)
        page = self.widget()
        focused = QApplication.focusWidget()
        if page is not None and focused is not None and page.isAncestorOf(focused) and focused.isVisible():
            self.ensureWidgetVisible(focused, 0, 24)

    def _fit(self) -> None:
        page = self.widget()
        if page is None:
            return
        width = self.viewport().width()
        needed = page.minimumSizeHint().height()
        # Wrapped text and rows of buttons: what they need at this width (Qt's estimate runs tall, so a
        # page built to fit the screen, the front desk, says so and is held to its minimum).
        if page.hasHeightForWidth() and not getattr(page, "fits_screen", False):
            needed = max(needed, page.heightForWidth(width))
        height = max(self.viewport().height(), needed)
        if height > self.viewport().height():  # a scroll bar will show: leave it its room
            width = self.width() - self.verticalScrollBar().sizeHint().width()
        page.resize(width, height)
        if height > self.viewport().height():
            self._show_focus()  # the page grew (a form opened): keep the field being typed in in view

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self._fit()
        return super().eventFilter(watched, event)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        page = self.widget()
        width = page.minimumSizeHint().width() if page is not None else 0
        return QSize(width, 0)


def page_scroll(page: QWidget) -> QScrollArea:
    return PageScroll(page)


class MainShell(QWidget):
    changes_applied = Signal(object)  # Changes: pages refresh what they show when it touches them
    lock_requested = Signal()
    sign_out_requested = Signal()

    def __init__(self, desk: DeskContext, site: SiteInfo, clock: Clock, runner: TaskRunner,
                 theme: ThemeController | None = None, *, check_store_soon: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.site = site
        self.runner = runner
        self._clock = clock
        self._theme = theme
        self._pages: dict[str, _Page] = {}
        self._nav_group = QButtonGroup(self)
        self._nav_group.setExclusive(True)

        self.nav = QFrame()
        self.nav.setObjectName("nav")
        # As wide as its longest entry: a wide page must not squeeze it until titles are cut.
        self.nav.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self._nav_layout = QVBoxLayout(self.nav)
        self._nav_layout.setContentsMargins(10, 16, 10, 12)
        self._nav_layout.setSpacing(2)  # a manager at a crisis service has 17 pages: all in 768 px
        brand = QLabel("SafeSpace Desk")
        brand.setObjectName("brand")
        self._nav_layout.addWidget(brand)
        self._nav_layout.addSpacing(8)
        self._nav_end = self._nav_layout.count()  # page buttons are inserted here
        self._nav_layout.addStretch(1)
        self._add_display_options()

        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        # A manager has a dozen pages: in Large text at 768 px high they scroll rather than overlap.
        nav_scroll = NavScroll()
        nav_scroll.setObjectName("navScroll")
        nav_scroll.setWidget(self.nav)
        nav_scroll.setWidgetResizable(True)
        nav_scroll.setFrameShape(QFrame.Shape.NoFrame)
        nav_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        nav_scroll.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self._nav_scroll = nav_scroll
        body.addWidget(nav_scroll)

        # Banners that belong above every page (e.g. an unacknowledged handover).
        self.banners = QVBoxLayout()
        self.banners.setContentsMargins(0, 0, 0, 0)
        self.banners.setSpacing(0)
        content = QVBoxLayout()
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(0)
        content.addLayout(self.banners)
        content.addWidget(self.pages, 1)
        # A damaged store's banner comes first and stays: the desk is read-only from then on.
        self.damage_banner = StoreDamageBanner(desk)
        # The banners are listed here, not read back with self.banners.itemAt(): PySide keeps the
        # wrapper of every item itemAt returns and is not told when Qt deletes the item, which
        # leaves a stale wrapper at a freed address (see ui/kit/flow.py).
        self._banner_widgets: list[QWidget] = []
        self.add_banner(self.damage_banner)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        body.addLayout(content, 1)
        layout.addLayout(body, 1)
        # The daily backup and purge run while any desk is unlocked; their problems show here.
        self.daily_work = DailyWork(desk, runner, parent=self, check_store_first=check_store_soon)
        self.problem_banner = DailyWorkBanner(self.daily_work)
        layout.addWidget(self.problem_banner)
        # Sync with the hub's server, in the background, when this desk is enrolled.
        self.sync = SyncController(desk, self._apply_remote_changes, parent=self)
        self.sync_rekey = SyncRekeyProgress(self.sync, self)  # a key changed at another desk: its rekey
        layout.addWidget(self._build_status_bar())
        self.sync.status_changed.connect(self._show_sync_status)

        lock = QShortcut(QKeySequence(LOCK_SHORTCUT), self)
        lock.activated.connect(self.lock_requested)
        # Every page is reachable from the keyboard, including those past the last function key.
        QShortcut(QKeySequence(FIND_GUEST_SHORTCUT), self, activated=self.find_guest)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, activated=lambda: self.step_page(1))
        QShortcut(QKeySequence("Ctrl+PgUp"), self, activated=lambda: self.step_page(-1))
        self._ticker = MinuteTicker(clock, self)
        self._ticker.tick.connect(self._show_time)
        self._ticker.start()
        self.daily_work.start()
        self.sync.start()
        self.refresh_status()

    # -- pages -------------------------------------------------------------------------------
    def add_page(self, key: str, title: str, widget: QWidget, shortcut: str | None = None,
                 roles: set[Role] | frozenset[Role] | None = None) -> None:
        """Add a page; it is shown only if the signed-in role is in ``roles`` (None: everyone)."""
        if key in self._pages:
            raise ValueError(f"a page called {key!r} is already in the shell")
        button = NavButton(title, shortcut)
        self._nav_group.addButton(button)
        self._nav_layout.insertWidget(self._nav_end + len(self._pages), button)
        holder = page_scroll(widget)
        self.pages.addWidget(holder)
        page_shortcut = None
        if shortcut:
            page_shortcut = QShortcut(QKeySequence(shortcut), self)
            page_shortcut.activated.connect(lambda: self.show_page(key))
        button.clicked.connect(lambda: self.show_page(key))
        self._pages[key] = _Page(key, title, widget, holder, frozenset(roles) if roles is not None else None,
                                 button, page_shortcut)
        self._apply_roles()

    def add_banner(self, widget: QWidget) -> None:
        """A banner above every page; it shows and hides itself."""
        self.banners.addWidget(widget)
        self._banner_widgets.append(widget)

    def show_page(self, key: str) -> bool:
        """Switch to a page if this role may see it. Focus moves into the page."""
        page = self._pages.get(key)
        if page is None or not page.allowed(self._role()):
            return False
        self.pages.setCurrentWidget(page.holder)
        page.button.setChecked(True)
        self._nav_scroll.ensureWidgetVisible(page.button, 0, 4)  # a long navigation scrolls to it
        page.widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
        focus_first = getattr(page.widget, "focus_first", None)
        if callable(focus_first):
            focus_first()
        return True

    def focus_current_page(self) -> None:
        """Focus back into the page shown, on the field its next action needs (the desk's search)."""
        current = self.current_page_key
        if current is not None:
            self.show_page(current)

    def find_guest(self) -> None:
        """F2 from anywhere: the front desk's search box (for roles that have the desk)."""
        if "desk" in self.visible_page_keys():
            self.show_page("desk")

    def step_page(self, step: int) -> None:
        """Show the next (or previous) page this person may use, wrapping round."""
        keys = self.visible_page_keys()
        if not keys:
            return
        current = self.current_page_key
        index = keys.index(current) if current in keys else -step
        self.show_page(keys[(index + step) % len(keys)])

    def page(self, key: str) -> QWidget:
        return self._pages[key].widget

    def visible_page_keys(self) -> list[str]:
        return [key for key, page in self._pages.items() if page.allowed(self._role())]

    @property
    def current_page_key(self) -> str | None:
        current = self.pages.currentWidget()
        return next((k for k, p in self._pages.items() if p.holder is current), None)

    def apply_changes(self, changes: Changes) -> None:
        """Pages call this with what a service changed; every page may then refresh, and sync sends
        it to the hub's other desks a few seconds later."""
        self._apply_remote_changes(changes)
        self.sync.local_change(changes)

    def _apply_remote_changes(self, changes: Changes) -> None:
        """What arrived from other desks (or was changed here): pages refresh what they show."""
        if changes.touches("staff", "site"):
            self.refresh_status()
        self.changes_applied.emit(changes)

    def _role(self) -> Role:
        return self.desk.require_actor().role

    def _apply_roles(self) -> None:
        role = self._role()
        for page in self._pages.values():
            allowed = page.allowed(role)
            page.button.setVisible(allowed)
            if page.shortcut is not None:
                page.shortcut.setEnabled(allowed)
        current = self.current_page_key
        if current is None or not self._pages[current].allowed(role):
            first = next(iter(self.visible_page_keys()), None)
            if first is not None:
                self.show_page(first)

    # -- status bar and display options -------------------------------------------------------
    def _build_status_bar(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("statusBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(16, 6, 10, 6)
        row.setSpacing(20)
        self.who_label = QLabel()
        self.who_label.setObjectName("statusWho")
        self.site_label = QLabel()
        self.time_label = QLabel()
        self.time_label.setObjectName("statusTime")
        self.sync_label = QLabel()
        self.sync_label.setObjectName("statusSync")
        self.sync_label.hide()
        self.lock_button = QPushButton(f"Lock   {_native(LOCK_SHORTCUT)}")
        self.lock_button.setObjectName("lockButton")
        self.lock_button.setAccessibleName("Lock the desk")
        self.lock_button.clicked.connect(self.lock_requested)
        for widget in (self.who_label, self.site_label, self.time_label, self.sync_label):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.lock_button)
        return bar

    def _add_display_options(self) -> None:
        self.night_toggle = QCheckBox("Night colours")
        self.large_text_toggle = QCheckBox("Large text")
        for box in (self.night_toggle, self.large_text_toggle):
            box.setObjectName("navOption")
            box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # see NavButton
            self._nav_layout.addWidget(box)
        if self._theme is None:
            self.night_toggle.hide()
            self.large_text_toggle.hide()
            return
        self._show_theme_choice()
        self.night_toggle.toggled.connect(self._theme.set_night)
        self.large_text_toggle.toggled.connect(self._theme.set_large_text)
        self._theme.changed.connect(self._show_theme_choice)  # changed elsewhere, e.g. at start

    def _show_theme_choice(self) -> None:
        assert self._theme is not None
        for box, checked in ((self.night_toggle, self._theme.theme == Theme.NIGHT),
                             (self.large_text_toggle, self._theme.large_text)):
            box.blockSignals(True)
            box.setChecked(checked)
            box.blockSignals(False)

    def refresh_status(self) -> None:
        actor = self.desk.require_actor()
        self.who_label.setText(f"{actor.name} · {actor.role.label}")
        self.site_label.setText(self.site.name)
        self._show_time()
        self._apply_roles()

    def _show_sync_status(self, text: str) -> None:
        """"synced at 12:04 · 0 waiting", "server unreachable since 11:50 · 14 waiting", ..."""
        self.sync_label.setText(text)
        self.sync_label.setAccessibleName(f"Sync: {text}" if text else "")
        self.sync_label.setVisible(bool(text))

    def _show_time(self) -> None:
        self.time_label.setText(site_time_text(self._clock.now(), self.site.zone))

    def show_problem(self, text: str) -> None:
        """A problem no page showed itself, in the strip above the status bar (it can be dismissed)."""
        self.problem_banner.show_problem(text)

    def stop(self) -> None:
        """The session is ending: stop every timer that would call the services for this desk."""
        self._ticker.stop()
        self.daily_work.stop()
        self.sync.stop()
        for widget in [page.widget for page in self._pages.values()] + self._banner_widgets:
            stop = getattr(widget, "stop", None)
            if callable(stop):
                stop()


def _native(shortcut: str | None) -> str:
    return QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText) if shortcut else ""
