"""Helpers shared by the bench scripts (this file is not a benchmark; `make bench` skips it).

- ``bench_store()``: the bench-scale demo store of DESIGN.md section 7 (`demo --years 10 --scale 20`),
  built once into bench/.data/ (git-ignored) and reused by every later run.
- ``report()``: prints one figure as ``bench: NAME VALUE UNIT budget BUDGET ok|over``.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # scripts run as `python bench/x.py` from the repository
    sys.path.insert(0, str(ROOT))

from safespace_desk.db.store import StorePaths  # noqa: E402
from safespace_desk.demo import DEMO_MANAGER  # noqa: E402

DATA = ROOT / "bench" / ".data"
BENCH_YEARS, BENCH_SCALE, BENCH_SEED = 10, 20, 1
MANAGER_NAME, MANAGER_PASSWORD = DEMO_MANAGER


def note(text: str) -> None:
    """Progress and detail go to stderr, so stdout holds only the bench: lines."""
    print(text, file=sys.stderr, flush=True)


@contextmanager
def _build_lock() -> Iterator[None]:
    """One builder at a time: two bench scripts started together (or two people) wait for each
    other instead of writing into the same folder."""
    DATA.mkdir(parents=True, exist_ok=True)
    with open(DATA / ".build.lock", "w") as lock:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks here; builds are rare enough
            yield
            return
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def bench_store(years: int = BENCH_YEARS) -> Path:
    """The bench-scale store, built on first use (a few minutes) and reused afterwards (``years``:
    a shorter history of the same hub, for a quicker run while working on something).

    It is built in a temporary folder and renamed into place when complete, so a store that is
    there is always whole, even after an interrupted build.
    """
    folder = DATA / f"demo-y{years}-s{BENCH_SCALE}-seed{BENCH_SEED}"
    marker = folder.with_name(folder.name + ".complete")
    with _build_lock():
        if marker.exists() and StorePaths(folder).exists():
            return folder
        building = folder.with_name(folder.name + ".building")
        for leftover in (folder, building):
            if leftover.exists():
                shutil.rmtree(leftover)  # left half-built by an interrupted run
        note(f"Building the bench-scale demo store in {folder} (once; this takes a few minutes) ...")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "safespace_desk", "--data-dir", str(building), "demo",
                        "--years", str(years), "--scale", str(BENCH_SCALE), "--seed", str(BENCH_SEED)],
                       check=True, cwd=ROOT, stdout=sys.stderr)
        building.rename(folder)
        marker.write_text(f"built in {time.perf_counter() - started:.0f} s\n")
    return folder


def format_value(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def report(name: str, value: float, unit: str, budget: float, *, higher_is_better: bool = False) -> bool:
    """Print one figure in DESIGN.md section 7's format; True if within budget (lower is better,
    unless ``higher_is_better``: a rate such as lines a second, whose budget is the least allowed)."""
    ok = value >= budget if higher_is_better else value <= budget
    print(f"bench: {name} {format_value(value)} {unit} budget {budget:g} {'ok' if ok else 'over'}", flush=True)
    return ok


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
