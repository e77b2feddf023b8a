"""The change log under concurrent pushes: several desks pushing through several server processes
against one PostgreSQL, each push pausing at random inside its transaction, while a puller pages with
sizes 1 to 7. What the puller receives must be exactly the final log: no gap, no duplicate."""

from __future__ import annotations

import os
import random
import threading
from pathlib import Path

from sqlalchemy import select

from safespace_desk.sync.server.models import LoggedOp
from safespace_desk.sync.server.push import TEST_DELAY_ENV
from tests.support.sync_server import process_server
from tests.sync.helpers import ScriptedDesk

PUSHERS = 3
BATCHES = 6


def test_concurrent_pushes_on_postgres_give_a_gapless_log_in_commit_order(tmp_path: Path, pg_url: str,
                                                                          monkeypatch: object) -> None:
    os.environ[TEST_DELAY_ENV] = "0-30"
    try:
        with process_server(tmp_path / "server", pg_url, workers=2) as server:
            desks = [ScriptedDesk(server, site="Busy Hub") if i == 0 else None for i in range(PUSHERS)]
            first = desks[0]
            assert first is not None
            # The other desks join the same site (a join code made by the first desk).
            for i in range(1, PUSHERS):
                desks[i] = first.joined()
            rng = random.Random(15)
            pushed: list[int] = []
            errors: list[BaseException] = []

            def pusher(desk: ScriptedDesk, seed: int) -> None:
                local = random.Random(seed)
                seq = 1
                try:
                    for _ in range(BATCHES):
                        size = local.randint(1, 4)
                        answer = desk.push([desk.guest_op(seq + i) for i in range(size)])
                        assert all(r.status == "applied" for r in answer.results)
                        pushed.extend(r.position for r in answer.results if r.position)
                        seq += size
                except BaseException as error:  # noqa: BLE001 (reported below)
                    errors.append(error)

            received: list[int] = []
            done = threading.Event()
            reader = first.joined()  # a desk that only reads: every operation is another desk's

            def puller() -> None:
                cursor = 0
                try:
                    while True:
                        finished = done.is_set()
                        page = reader.pull(after=cursor, limit=rng.randint(1, 7))
                        received.extend(e.p for e in page.entries)
                        # Once the pushers are done, read on to the head: nothing may come late.
                        if finished and not page.entries and page.upto == cursor:
                            return
                        cursor = page.upto
                except BaseException as error:  # noqa: BLE001
                    errors.append(error)

            threads = [threading.Thread(target=pusher, args=(d, n)) for n, d in enumerate(desks) if d]
            reading = threading.Thread(target=puller)
            reading.start()
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            done.set()
            reading.join(timeout=120)
            assert not errors, errors
            with server.engine.connect() as conn:
                final = list(conn.execute(select(LoggedOp.position).where(LoggedOp.position.is_not(None))
                                          .order_by(LoggedOp.position)).scalars())
            assert final == list(range(1, len(final) + 1))  # gapless
            assert sorted(pushed) == final  # every acknowledged operation is in the log, once
            assert received == final  # the puller saw exactly the log, in order, no duplicates
            assert len(final) >= PUSHERS * BATCHES
    finally:
        os.environ.pop(TEST_DELAY_ENV, None)

