"""The writer killed by the kill -9 harness (tests/db/test_kill9.py). Not a test module.

    python writer_child.py DATA_DIR KEY_FD STAFF_ID ROUNDS

The master key arrives as hex on the inherited pipe KEY_FD, so it is never written to a file
or put in the environment (where /proc/PID/environ would show it).

Each writer opens the store, then records guests in a loop, one unit of work (guest row, audit
entry, outbox operation) per transaction, and prints ``ID <guest id>`` only after the commit has
returned. Every printed id is therefore a promise that the record is durable.

ROUNDS = 0: this process is the writer (the harness kills this very process).
ROUNDS > 0: this process is a launcher. It pays Python's import cost (about half a second) once,
then forks ROUNDS writers one after another; each is a separate process with its own SQLCipher
connections, opened after the fork, and the harness kills each one with SIGKILL. The launcher
never opens the store itself, so no connection ever crosses a fork.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from safespace_desk.clock import SystemClock  # noqa: E402
from safespace_desk.db import migrate  # noqa: E402
from safespace_desk.db.keyslots import KeySlots  # noqa: E402
from safespace_desk.db.store import Store, StorePaths  # noqa: E402
from safespace_desk.services.context import DeskContext, ensure_device_id  # noqa: E402
from tests.support.stores import add_guest_unit, as_manager  # noqa: E402

# A writer left running by a harness that died must not write for ever.
MAX_SECONDS = 30.0


def emit(line: str) -> None:
    # One write(2) per line: a line in a pipe is then all there or not there at all.
    os.write(1, (line + "\n").encode())


def write_forever(data_dir: Path, master: bytes, staff_id: str) -> None:
    emit(f"START {os.getpid()}")
    slots = KeySlots.load(StorePaths(data_dir).keyslots)
    store = Store.open(data_dir, master, bytes.fromhex(slots.store_salt))
    with store.write() as session:
        device_id = ensure_device_id(session)
    desk = as_manager(DeskContext(store=store, keyslots=slots, master_key=master, clock=SystemClock(),
                                  device_id=device_id), staff_id)
    give_up = time.monotonic() + MAX_SECONDS
    n = 0
    while time.monotonic() < give_up:
        with desk.unit_of_work() as uow:
            guest_id = add_guest_unit(uow, f"Synthetic Writer {os.getpid()}-{n}")
        emit(f"ID {guest_id}")
        n += 1
    emit("TIMEOUT")


def main() -> None:
    data_dir, key_fd, staff_id, rounds = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    with os.fdopen(key_fd, "rb") as pipe:
        master = bytes.fromhex(pipe.read().decode())
    if rounds == 0:
        write_forever(data_dir, master, staff_id)
        return
    migrate.head_revision()  # read the migration scripts once, before forking
    for _ in range(rounds):
        pid = os.fork()
        if pid == 0:
            try:
                write_forever(data_dir, master, staff_id)
            except BaseException:
                traceback.print_exc()  # the launcher reports FAIL; the harness shows stderr
            finally:
                os._exit(3)  # never return into the launcher's loop
        _, status = os.waitpid(pid, 0)
        if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
            # The writer died of something other than the harness's kill: a failure to report.
            emit(f"FAIL {pid} status={status}")
    emit("DONE")


if __name__ == "__main__":
    main()
