"""`make screenshots`: copy the screen audit's pictures into docs/screenshots/.

The audit saves every screen it checks (all roles, both colour schemes, both text sizes). The docs
keep a readable selection: every page and form as the manager sees them, and the desk and the
paramedic's page as their own roles see them, in day and night colours and in large text.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def kept(name: str) -> bool:
    """Every screen as the manager sees it (day, night, large text); the other roles' own screens
    in night colours, the colours of the shift that has the fewest people to ask."""
    scheme, _, rest = name.partition("-")
    large = rest.startswith("large-")
    role = rest.removeprefix("large-").split("-")[0]
    return role == "manager" or (scheme == "night" and not large)


def publish(source: Path, target: Path) -> int:
    pictures = sorted(source.glob("*.png"))
    if not pictures:
        raise SystemExit(f"No pictures in {source}: run the screen audit first (make screenshots does).")
    target.mkdir(parents=True, exist_ok=True)
    chosen = [p for p in pictures if kept(p.stem)]
    for picture in chosen:
        shutil.copy2(picture, target / picture.name)
    print(f"{len(chosen)} of {len(pictures)} screenshots copied from {source} to {target}")
    return len(chosen)


if __name__ == "__main__":
    publish(Path(sys.argv[1]), Path(sys.argv[2]))
