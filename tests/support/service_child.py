"""A second desk in its own process, for the two-writers tests (tests/services/test_two_writers.py).

    python service_child.py DATA_DIR KEY_FD STAFF_ID ACTION ARG

The master key arrives as hex on the inherited pipe KEY_FD (never in a file or the environment).
The child opens the store, prints ``READY``, waits for a line on standard input, then does ACTION
once and prints one line: ``OK``, ``REFUSED <message>`` (a rule said no) or ``ERROR <type> <message>``.

ACTION ``sign_in`` signs the guest ARG in (arrived by themself), as a manager with no override.
ACTION ``hold`` holds the write lock (a unit of work with a guest added) for ARG seconds first.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from safespace_desk.clock import SystemClock  # noqa: E402
from safespace_desk.db.keyslots import KeySlots  # noqa: E402
from safespace_desk.db.store import Store, StorePaths  # noqa: E402
from safespace_desk.domain.clock import FixedClock  # noqa: E402
from safespace_desk.domain.errors import DeskError  # noqa: E402
from safespace_desk.services import visits  # noqa: E402
from safespace_desk.services.context import DeskContext  # noqa: E402
from tests.conftest import START  # noqa: E402
from tests.support.stores import add_guest_unit, as_manager  # noqa: E402


def main() -> None:
    data_dir, key_fd, staff_id, action, arg = Path(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:6]
    with os.fdopen(int(key_fd), "rb") as pipe:
        master = bytes.fromhex(pipe.read().decode())
    slots = KeySlots.load(StorePaths(data_dir).keyslots)
    store = Store.open(data_dir, master, bytes.fromhex(slots.store_salt))
    clock = FixedClock(START) if action == "sign_in" else SystemClock()  # the tests' midday, by day
    desk = as_manager(DeskContext(store=store, keyslots=slots, master_key=master, clock=clock,
                                  device_id=f"child-{os.getpid()}"), staff_id)
    print("READY", flush=True)
    sys.stdin.readline()
    try:
        if action == "sign_in":
            visits.sign_in(desk, arg, "self")
        elif action == "hold":
            with desk.unit_of_work() as uow:
                add_guest_unit(uow, "Synthetic Holder")
                uow.session.flush()  # the write lock is taken at BEGIN IMMEDIATE; hold it a while
                print("HOLDING", flush=True)
                time.sleep(float(arg))
        print("OK", flush=True)
    except DeskError as error:
        print(f"REFUSED {error.message}", flush=True)
    except Exception as error:  # reported to the test, which fails on it
        print(f"ERROR {type(error).__name__} {error}", flush=True)
    finally:
        store.close()


if __name__ == "__main__":
    main()
