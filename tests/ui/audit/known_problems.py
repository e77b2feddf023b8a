"""Problems the audit finds that are not fixed yet (issue 8's remainder), each named so it can be
worked off; anything not listed here fails the audit. Patterns are matched against the audit's
line: "[role scheme] screen: problem". Remove a pattern when its problem is fixed."""

from __future__ import annotations

import re

KNOWN: list[str] = []
_KNOWN = [re.compile(p) for p in KNOWN]


def unknown(problems: list[str]) -> list[str]:
    return [p for p in problems if not any(k.search(p) for k in _KNOWN)]
