"""Pages of a crisis service or haven: the diary, referrals and cases, sessions and closing, and the
service profile. The shell shows each only where the site's profile uses it (ui/pages.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from safespace_desk.services.context import DeskContext
from safespace_desk.ui.casework.diary_page import DiaryPage
from safespace_desk.ui.casework.follow_up_banner import FollowUpBanner
from safespace_desk.ui.casework.profile_page import ProfilePage
from safespace_desk.ui.casework.referrals_page import ReferralsPage
from safespace_desk.ui.casework.sessions_page import SessionsPage


def _wired(page: Any, shell: Any) -> Any:
    page.changes_made.connect(shell.apply_changes)
    shell.changes_applied.connect(page.apply_changes)
    return page


def open_in_diary(shell: Any, guest_id: str, completes: tuple[str, str] | None = None) -> None:
    """Show the diary with this person chosen (and a follow-up their next contact answers)."""
    if shell.show_page("diary"):
        diary: DiaryPage = shell.page("diary")
        diary.show_person(guest_id, completes)


def build_diary_page(desk: DeskContext, shell: Any) -> QWidget:
    return _wired(DiaryPage(desk), shell)


def build_referrals_page(desk: DeskContext, shell: Any) -> QWidget:
    page = _wired(ReferralsPage(desk), shell)
    page.open_in_diary.connect(lambda guest_id: open_in_diary(shell, guest_id))
    return page


def build_sessions_page(desk: DeskContext, shell: Any) -> QWidget:
    return _wired(SessionsPage(desk), shell)


def build_profile_page(desk: DeskContext, shell: Any) -> QWidget:
    return _wired(ProfilePage(desk), shell)


def follow_up_banner(desk: DeskContext, shell: Any) -> FollowUpBanner:
    banner = FollowUpBanner(desk)
    shell.changes_applied.connect(banner.apply_changes)
    banner.open_follow_up.connect(lambda fid, gid, text: open_in_diary(shell, gid, (fid, text)))
    return banner


__all__ = ["DiaryPage", "FollowUpBanner", "ProfilePage", "ReferralsPage", "SessionsPage", "build_diary_page",
           "build_profile_page", "build_referrals_page", "build_sessions_page", "follow_up_banner",
           "open_in_diary"]
