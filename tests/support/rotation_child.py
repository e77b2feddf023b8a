"""The rotation killed by tests/db/test_kill9_rotation.py. Not a test module.

    python rotation_child.py DATA_DIR MODE [LEAVER_ID] BLOCK_AT

Signs in as the test manager, then rotates the key (MODE ``rotate``) or deactivates LEAVER_ID (MODE
``deactivate``, which rotates). Prints ``STEP <name>`` at each step of the rotation; at the step
named BLOCK_AT it waits for a line on standard input (the harness kills it there). BLOCK_AT ``none``
never waits (the harness kills it at a moment of its choosing). The rekey's progress is printed as
``PAGES <done> <total>``. Prints ``DONE`` at the end.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from safespace_desk.clock import SystemClock  # noqa: E402
from safespace_desk.services import auth, keyrotation, staff  # noqa: E402
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD  # noqa: E402


def emit(line: str) -> None:
    os.write(1, (line + "\n").encode())


def main() -> None:
    data_dir, mode, *rest = sys.argv[1:]
    block_at = rest[-1]
    desk = auth.sign_in(Path(data_dir), MANAGER_NAME, MANAGER_PASSWORD, SystemClock())

    def hook(step: str) -> None:
        emit(f"STEP {step}")
        if step == block_at:
            sys.stdin.readline()

    keyrotation.STEP_HOOK = hook
    def progress(done: int, total: int) -> None:
        emit(f"PAGES {done} {total}")

    if mode == "deactivate":
        staff.deactivate_staff(desk, rest[0], progress)
    else:
        keyrotation.rotate_keys(desk, progress)
    emit("DONE")
    desk.close()


if __name__ == "__main__":
    main()
