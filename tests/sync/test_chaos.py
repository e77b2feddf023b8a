"""The chaos test, short (tests/support/chaos.py says what it does and checks; bench/sync_chaos.py runs
it long with a seed): three real desks, a real server process on PostgreSQL killed mid-sync, a desk
killed mid-sync, answers dropped after commit, requests sent twice and replayed late, clocks days apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.support.chaos import Chaos


# 16 is the first seed run; 7 once left an erased guest's real name at one desk (the name scrub of
# data_rights renamed records by name, not by the erased guest's id); 7, 3 and 11 rotate the hub's key
# at a desk in the run (about 13 s each).
@pytest.mark.parametrize("seed", [16, 7, 3, 11, 23])
def test_chaos_ends_with_every_desk_equal_to_the_server(tmp_path: Path, pg_url: str, seed: int,
                                                        _template_store: tuple[Path, str]) -> None:
    chaos = Chaos(tmp_path, _template_store[0], pg_url, (MANAGER_NAME, MANAGER_PASSWORD), seed=seed, desks=3,
                  start=START.replace(hour=21))
    try:
        figures = chaos.run(rounds=8, server_kills=1, desk_kills=1)
    finally:
        for desk in chaos.desks:
            desk.context.close()
        chaos.server.stop()
    print("\n".join(figures.lines()))
    assert figures.divergences == []
    assert figures.server_kills == 1 and figures.desk_kills == 1 and sum(figures.faults.values()) > 0
    assert figures.acknowledged > 0
