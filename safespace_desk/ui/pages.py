"""The pages the shell offers, in navigation order. Later features add their page here.

Each page is built with the signed-in desk and the shell (for the task runner and for
``changes_applied``). Pages a role may not use are never built for that role, so their data is
not even read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QVBoxLayout, QWidget

from safespace_desk.domain.profile import Part
from safespace_desk.domain.roles import Permission, Role, can
from safespace_desk.services.context import DeskContext
from safespace_desk.services.failures import plain_error
from safespace_desk.services.site import get_site
from safespace_desk.ui import casework as casework_ui
from safespace_desk.ui import messages as messages_ui
from safespace_desk.ui.account_page import AccountPage
from safespace_desk.ui.admin.page import AdminPage
from safespace_desk.ui.data_rights.backups_page import BackupsPage
from safespace_desk.ui.data_rights.import_page import ImportPage
from safespace_desk.ui.desk.page import build_front_desk_page
from safespace_desk.ui.enquiries_page import build_enquiries_page
from safespace_desk.ui.kit.forms import PAGE_MARGINS
from safespace_desk.ui.kit.widgets import explanation, page_title
from safespace_desk.ui.messages.handover_banner import HandoverBanner
from safespace_desk.ui.partnership.page import PartnershipPage
from safespace_desk.ui.reports.page import ReportsPage
from safespace_desk.ui.rooms_page import build_rooms_page
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.site_settings_page import SiteSettingsPage
from safespace_desk.ui.sync.attention_page import AttentionPage
from safespace_desk.ui.sync.page import SyncPage

PageFactory = Callable[[DeskContext, MainShell], QWidget]


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    factory: PageFactory
    roles: frozenset[Role] | None = None  # None: every role
    part: Part | None = None  # shown only at a site whose profile uses this part
    # The page's own key, the same for every role and site (a page someone cannot use leaves a
    # gap), so what staff learn on one account holds on every other. A new page brings its own key.
    shortcut: str | None = None

    def allowed(self, role: Role) -> bool:
        return self.roles is None or role in self.roles


FRONT_DESK_ROLES = frozenset({Role.DESK, Role.LEAD, Role.MANAGER, Role.VOLUNTEER})
CASEWORK_ROLES = FRONT_DESK_ROLES
MANAGERS = frozenset({Role.MANAGER})
# Keys: F5..F9 the shift's pages, F10/F11/F4 casework (F3 is the desk's walk-in/online/phone),
# Shift+F5.. the managers' pages and sync, F12 your own account. Alt+digits belong to the desk's "arrived via" choice, Ctrl+digits to tabs
# inside pages, F2 (find a guest) to the shell, F1 is left for help.


def _message_page(spec: tuple[str, str, str, frozenset[Role]], factory: PageFactory,
                  part: Part | None = None) -> PageSpec:
    key, title, keys, roles = spec
    return PageSpec(key, title, factory, roles, part, keys)


def standard_pages() -> list[PageSpec]:
    """Every page, in navigation order. A 24/7 hub's pages keep their order and keys (its profile uses
    messages and triage, and none of the casework parts)."""
    return [
        PageSpec("desk", "Front desk", build_front_desk_page, FRONT_DESK_ROLES, shortcut="F5"),
        PageSpec("diary", "Diary", casework_ui.build_diary_page, CASEWORK_ROLES, Part.DIARY, "F10"),
        PageSpec("referrals", "Referrals", casework_ui.build_referrals_page, CASEWORK_ROLES, Part.REFERRALS,
                 "F11"),
        PageSpec("sessions", "Sessions", casework_ui.build_sessions_page, CASEWORK_ROLES, Part.SESSIONS,
                 "F4"),
        _message_page(messages_ui.MESSAGES_PAGE, messages_ui.build_messages_page, Part.MESSAGES),
        _message_page(messages_ui.SHIFT_LOG_PAGE, messages_ui.build_shift_log_page),
        # Issue 13: enquiries about a person (police, probation, victim services), by every front-desk role.
        PageSpec("enquiries", "Enquiries", build_enquiries_page, FRONT_DESK_ROLES, shortcut="Shift+F3"),
        # Issue 13: the rooms' calendar (appointments and agencies' sessions), at a hub.
        PageSpec("rooms", "Rooms", build_rooms_page, FRONT_DESK_ROLES, Part.MESSAGES, "Shift+F2"),
        _message_page(messages_ui.HANDOVER_PAGE, messages_ui.build_handover_page),
        _message_page(messages_ui.PARAMEDIC_PAGE, messages_ui.build_paramedic_page, Part.TRIAGE),
        PageSpec("admin", "Admin", AdminPage, MANAGERS, shortcut="Shift+F5"),
        PageSpec("site", "Site settings", SiteSettingsPage, MANAGERS, shortcut="Shift+F6"),
        PageSpec("profile", "Service profile", casework_ui.build_profile_page, MANAGERS, shortcut="Shift+F10"),
        PageSpec("reports", "Reports", ReportsPage, MANAGERS, shortcut="Shift+F7"),
        PageSpec("partnership", "Partnership", PartnershipPage, MANAGERS, shortcut="Shift+F12"),
        PageSpec("import", "Import", ImportPage, MANAGERS, shortcut="Shift+F8"),
        PageSpec("backups", "Backups", BackupsPage, MANAGERS, shortcut="Shift+F9"),
        PageSpec("sync", "Sync", SyncPage, frozenset({Role.MANAGER, Role.LEAD}), shortcut="Shift+F11"),
        PageSpec("attention", "Needs attention", AttentionPage, frozenset({Role.MANAGER, Role.LEAD}),
                 shortcut="Shift+F4"),
        PageSpec("account", "My account", AccountPage, shortcut="F12"),
    ]


def install_pages(shell: MainShell, desk: DeskContext, specs: list[PageSpec]) -> None:
    """Build the pages this person may use, each with its own key (the same for every role)."""
    keys = [spec.shortcut for spec in specs if spec.shortcut]
    if len(keys) != len(set(keys)):
        raise ValueError(f"two pages share a key: {sorted(k for k in keys if keys.count(k) > 1)}")
    role = desk.require_actor().role
    profile = get_site(desk).settings.profile
    for spec in specs:
        if spec.allowed(role) and (spec.part is None or profile.uses(spec.part)):
            shell.add_page(spec.key, spec.title, _build(spec, desk, shell), spec.shortcut,
                           set(spec.roles) if spec.roles is not None else None)
    try:
        install_banners(shell, desk)
    except Exception as error:  # e.g. a damaged page under the handovers: the pages still work
        plain_error(error, desk)


def _build(spec: PageSpec, desk: DeskContext, shell: MainShell) -> QWidget:
    """A page that cannot be built (its first read meets a damaged page, say) is replaced by one
    that says why, so the rest of the desk still opens."""
    try:
        return spec.factory(desk, shell)
    except Exception as error:
        return unavailable_page(spec.title, plain_error(error, desk).message)


def unavailable_page(title: str, message: str) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(*PAGE_MARGINS)
    layout.addWidget(page_title(title))
    layout.addWidget(explanation(f"This page cannot be shown. {message}"))
    layout.addStretch(1)
    return page


def install_banners(shell: MainShell, desk: DeskContext) -> None:
    """Banners shown above every page: an unacknowledged handover stays on screen until taken."""
    if can(desk.require_actor().role, Permission.SHIFT_LOG):
        banner = HandoverBanner(desk)
        banner.changes_made.connect(shell.apply_changes)
        # After acknowledging (or closing the reader) the next thing is the page's own first field.
        banner.acknowledged.connect(lambda _id: shell.focus_current_page())
        banner.closed.connect(shell.focus_current_page)
        shell.changes_applied.connect(banner.apply_changes)
        shell.add_banner(banner)
        banner.refresh()
    if get_site(desk).settings.profile.uses(Part.DIARY) and can(desk.require_actor().role, Permission.CASEWORK):
        follow_ups = casework_ui.follow_up_banner(desk, shell)
        shell.add_banner(follow_ups)
        follow_ups.refresh()
