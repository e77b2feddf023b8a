"""The main window: set-up, sign-in, lock screen and the shell, one at a time.

This is where a desk session lives: signing in builds a shell for that person; locking hides
it (and any open dialog) behind the lock screen; switching user or signing out throws the shell
away, so nothing one person had open is ever shown to the next.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.clock import Clock
from safespace_desk.domain.pin_lock import PinAttempts
from safespace_desk.services import auth, setup, site, staff
from safespace_desk.services.context import Actor, Changes, DeskContext
from safespace_desk.services.failures import plain_error
from safespace_desk.ui.idle import IdleWatcher
from safespace_desk.ui.kit.theme import ThemeController
from safespace_desk.ui.lock_screen import LockScreen
from safespace_desk.ui.pages import PageSpec, install_pages, standard_pages
from safespace_desk.ui.setup_wizard import SetupWizard
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.sign_in import SignInScreen
from safespace_desk.ui.tasks import TaskRunner

DEFAULT_IDLE_MS = 5 * 60_000


class MainWindow(QMainWindow):
    def __init__(self, data_dir: Path, *, clock: Clock, runner: TaskRunner,
                 theme: ThemeController | None = None, idle_timeout_ms: int | None = None,
                 pages: list[PageSpec] | None = None, last_exit: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("SafeSpace Desk")  # never anything personal: it shows in the taskbar
        self.setMinimumSize(1024, 640)
        self.data_dir = data_dir
        self.clock = clock
        self.runner = runner
        self.theme = theme
        self.desk: DeskContext | None = None
        self.shell: MainShell | None = None
        self._idle_override_ms = idle_timeout_ms
        self._page_specs = pages if pages is not None else standard_pages()
        self._pin_attempts = PinAttempts()
        self._hidden_dialogs: list[QDialog] = []

        self.stack = QStackedWidget()
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busyBar")
        self.busy_bar.setRange(0, 0)  # "working", with no promise of how long
        self.busy_bar.setTextVisible(False)
        policy = self.busy_bar.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # no jump of the layout when it appears
        self.busy_bar.setSizePolicy(policy)
        self.busy_bar.hide()
        runner.busy_changed.connect(self._show_busy)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.sign_in = SignInScreen(data_dir, clock, runner)
        self.sign_in.signed_in.connect(self._start_session)
        self.lock_screen = LockScreen(clock, runner)
        self.lock_screen.unlocked.connect(self._unlocked)
        self.lock_screen.switched_user.connect(self._switched_user)
        self.lock_screen.sign_out_requested.connect(self.sign_out)
        self.stack.addWidget(self.sign_in)
        self.stack.addWidget(self.lock_screen)
        self.wizard: SetupWizard | None = None
        if not setup.is_set_up(data_dir):
            self.wizard = SetupWizard(data_dir, clock, runner)
            self.wizard.completed.connect(self._set_up_done)
            self.stack.addWidget(self.wizard)
            self.stack.setCurrentWidget(self.wizard)
        else:
            self.stack.setCurrentWidget(self.sign_in)
        # The last desk ended without closing (a crash, a forced stop, a power cut): say so, and
        # check every page of the store as soon as someone signs in rather than within the day.
        self.check_store_soon = last_exit is not None
        if last_exit:
            self.sign_in.show_message(last_exit, "info")

        app = cast(QApplication, QApplication.instance())
        self.idle = IdleWatcher(app, idle_timeout_ms or DEFAULT_IDLE_MS, self)
        self.idle.idle.connect(lambda: self.lock("idle"))

    # -- state -------------------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return self.desk is not None and self.stack.currentWidget() is self.lock_screen

    @property
    def current_screen(self) -> QWidget:
        return self.stack.currentWidget()

    def _show_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        if busy:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        else:
            QGuiApplication.restoreOverrideCursor()

    # -- starting and ending a session --------------------------------------------------------
    def _set_up_done(self, desk: DeskContext) -> None:
        if self.wizard is not None:
            self.stack.removeWidget(self.wizard)
            self.wizard.deleteLater()
            self.wizard = None
        self._start_session(desk)

    def _start_session(self, desk: DeskContext) -> None:
        self.desk = desk
        self._pin_attempts = PinAttempts()
        try:
            self._show_new_shell()
        except Exception as error:  # e.g. the site's own page is damaged: nothing can be shown
            message = plain_error(error, desk).message
            self.sign_out()
            self.sign_in.show_message(message, "error")

    def _show_new_shell(self) -> None:
        desk = self.desk
        assert desk is not None
        self._drop_shell()
        info = site.get_site(desk)
        shell = MainShell(desk, info, self.clock, self.runner, self.theme, check_store_soon=self.check_store_soon)
        self.check_store_soon = False
        install_pages(shell, desk, self._page_specs)
        shell.lock_requested.connect(lambda: self.lock("manual"))
        shell.sign_out_requested.connect(self.sign_out)
        shell.changes_applied.connect(self._on_changes)
        self.shell = shell
        self.stack.addWidget(shell)
        self.stack.setCurrentWidget(shell)
        self._set_idle_timeout(info.settings.idle_lock_minutes)
        self.idle.start()
        current = shell.current_page_key
        if current:
            shell.show_page(current)  # puts focus into the page

    def _set_idle_timeout(self, minutes: int) -> None:
        self.idle.set_timeout_ms(self._idle_override_ms or minutes * 60_000)

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(site.SITE) and self.desk is not None:
            try:
                self._set_idle_timeout(site.get_site(self.desk).settings.idle_lock_minutes)
            except Exception as error:  # the old timeout stays; the page that saved it said what failed
                plain_error(error, self.desk)

    def _drop_shell(self) -> None:
        if self.shell is not None:
            self.shell.stop()
            self.stack.removeWidget(self.shell)
            self.shell.deleteLater()
            self.shell = None

    def sign_out(self) -> None:
        self.idle.stop()
        self._close_dialogs()
        self._drop_shell()
        desk, self.desk = self.desk, None
        self.lock_screen.release()
        if desk is not None:
            try:
                auth.sign_out(desk)
            except Exception as error:  # the store is closed either way; the session must end
                plain_error(error)  # logged (type and stack, nothing personal)
        self.sign_in.reset()
        self.sign_in.show_message("Signed out. The next person can sign in.")
        self.stack.setCurrentWidget(self.sign_in)

    def show_problem(self, text: str) -> None:
        """Show a problem no page showed itself (an error that escaped into Qt's event loop) where
        the person at the desk is looking."""
        current = self.stack.currentWidget()
        if self.shell is not None and current is self.shell:
            self.shell.show_problem(text)
        elif current is self.lock_screen:
            self.lock_screen.banner.show_message(text)
        else:
            self.sign_in.show_message(text, "error")

    # -- locking -----------------------------------------------------------------------------
    def lock(self, reason: str = "manual") -> None:
        """Hide everything personal behind the lock screen (idle timeout, button or Ctrl+L)."""
        if self.desk is None or self.is_locked:
            return
        self.idle.stop()
        self._hide_dialogs()
        # The lock screen goes up first: recording the lock must never delay hiding the data.
        self.lock_screen.prepare(self.desk, self._pin_attempts, has_pin=self._has_pin(),
                                 zone=self.shell.site.zone if self.shell else site.get_site(self.desk).zone)
        self.stack.setCurrentWidget(self.lock_screen)
        try:
            auth.record_lock(self.desk, reason)
        except Exception as error:  # never stands between staff and a locked screen
            plain_error(error, self.desk)

    def _has_pin(self) -> bool:
        assert self.desk is not None
        try:
            return staff.my_account(self.desk).has_pin
        except Exception as error:  # offer the password instead
            plain_error(error, self.desk)
            return False

    def _unlocked(self) -> None:
        if self.shell is None:
            return
        self.stack.setCurrentWidget(self.shell)
        for dialog in self._hidden_dialogs:
            dialog.show()  # same person: give back what they were typing
        self._hidden_dialogs.clear()
        self.idle.start()

    def _switched_user(self, actor: Actor) -> None:
        # A different person: what the last one had open is closed, never shown to them.
        self._close_dialogs()
        self._pin_attempts = PinAttempts()
        self._show_new_shell()

    def _hide_dialogs(self) -> None:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.hide()
                self._hidden_dialogs.append(widget)

    def _close_dialogs(self) -> None:
        self._hide_dialogs()
        for dialog in self._hidden_dialogs:
            dialog.reject()
        self._hidden_dialogs.clear()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.idle.stop()
        if self.desk is not None:
            self.sign_out()
        super().closeEvent(event)
