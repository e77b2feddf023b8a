"""Looking after staff after hard moments (issue 13, item 7).

After an incident, or when the police or an ambulance came in, the next shift should know whether
the staff involved were offered a debrief: yes or no, never what was said. And one member of staff
alone on duty is lone working, which the desk says out loud whatever the site's minimum.
"""

from __future__ import annotations

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.messages import LogKind

# Shift-log kinds after which the desk asks "was a debrief offered?".
HARD_MOMENTS = frozenset({LogKind.INCIDENT, LogKind.POLICE_CALLED, LogKind.AMBULANCE_CALLED})


def is_hard_moment(kind: LogKind) -> bool:
    return kind in HARD_MOMENTS


def check_debrief_answer(kind: LogKind, offered: bool | None) -> bool | None:
    """The answer kept with the entry: only hard moments carry one (None there means not yet asked)."""
    if offered is not None and not is_hard_moment(kind):
        raise ValidationError("A debrief is asked about only after an incident, or a police or ambulance call.",
                              field="debrief_offered")
    return offered


def debrief_text(offered: bool | None) -> str:
    """How the handover says it."""
    if offered is None:
        return "Debrief: not yet asked"
    return "Debrief offered" if offered else "Debrief not offered"


def lone_working_warning(names_on_duty: list[str]) -> str | None:
    """Exactly one person on duty: lone working, said plainly (nobody on duty is the staffing warning's)."""
    if len(names_on_duty) != 1:
        return None
    return (f"Lone working: {names_on_duty[0]} is the only one on duty. Keep the door controlled and "
            "let the on-call manager know.")
