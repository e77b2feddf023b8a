"""The sync chaos run, long (issue 16): `python bench/sync_chaos.py --seed 7 --rounds 60 --desks 4`.

Real desks doing random staff work offline, a real server process on a throwaway PostgreSQL killed
mid-sync, desks killed mid-sync, answers dropped after commit, requests sent twice and replayed late,
clocks days apart; then the invariants (tests/support/chaos.py). Prints the figures; exits 1 when a
divergence was found (and lists them). The short run is tests/sync/test_chaos.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("SAFESPACE_TEST_ARGON2", "8192,1,1")  # synthetic staff: key derivation is not measured

from safespace_desk.domain.clock import FixedClock  # noqa: E402
from safespace_desk.services import setup  # noqa: E402
from tests.support.chaos import Chaos  # noqa: E402
from tests.support.postgres import create_database, throwaway_cluster, wait_ready  # noqa: E402

MANAGER = ("Chaos Manager", "chaos synthetic manager passphrase")
START = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--desks", type=int, default=3)
    parser.add_argument("--fault-rate", type=float, default=0.15)
    parser.add_argument("--server-kills", type=int, default=3)
    parser.add_argument("--desk-kills", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sync-chaos-") as tmp, throwaway_cluster() as cluster:
        wait_ready(cluster.url())
        folder = Path(tmp)
        result = setup.initialise_store(folder / "template", site_name="Chaos Hub", timezone="Europe/London",
                                        manager_name=MANAGER[0], manager_password=MANAGER[1], clock=FixedClock(START))
        result.desk.close()
        chaos = Chaos(folder, folder / "template", create_database(cluster.url(), "chaos"), MANAGER, seed=args.seed,
                      desks=args.desks, fault_rate=args.fault_rate, start=START)
        try:
            figures = chaos.run(args.rounds, server_kills=args.server_kills, desk_kills=args.desk_kills)
        finally:
            for desk in chaos.desks:
                desk.context.close()
            chaos.server.stop()
    print("\n".join(figures.lines()))
    for line in figures.divergences[:50]:
        print("  divergence:", line)
    return 1 if figures.divergences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
