"""A throwaway PostgreSQL cluster for tests, the bench and CI: initdb + pg_ctl into a temporary folder.

initdb refuses to run as root, so as root the cluster belongs to the ``postgres`` system account (made
by Debian's PostgreSQL packages) and every PostgreSQL program runs through ``runuser``; as any other
user it runs as that user. The cluster listens on 127.0.0.1 only, on a free port, with trust
authentication (nothing but this machine can reach it) and fsync ON, as a real server would.

Used three ways:
- ``throwaway_cluster()`` (a context manager) by the test fixture and bench/sync.py;
- ``python tests/support/postgres.py start DIR`` / ``stop DIR`` by .ci/run, which prints the URL;
- ``find_pg_bin()`` to tell whether PostgreSQL is installed at all.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PG_BIN_CANDIDATES = [Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin"),
                     Path("/usr/lib/postgresql/17/bin")]
ENV_URL = "SAFESPACE_TEST_PG_URL"
ENV_DATA = "SAFESPACE_TEST_PG_DATA"  # its data directory, for the planted-name scan


class PostgresUnavailable(RuntimeError):
    pass


def find_pg_bin() -> Path | None:
    for candidate in PG_BIN_CANDIDATES:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Cluster:
    folder: Path  # holds data/ (the cluster) and log
    port: int
    bin: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


def _as_owner(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            raise PostgresUnavailable("running as root needs `runuser` to start PostgreSQL as postgres")
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def _run(argv: list[str]) -> None:
    done = subprocess.run(_as_owner(argv), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise PostgresUnavailable(f"{Path(argv[0]).name} failed: {(done.stderr or done.stdout).strip()[-400:]}")


def start_cluster(folder: Path | None = None) -> Cluster:
    pg_bin = find_pg_bin()
    if pg_bin is None:
        raise PostgresUnavailable("PostgreSQL is not installed (no initdb/pg_ctl found)")
    folder = Path(folder or tempfile.mkdtemp(prefix="safespace-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        import pwd

        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable("running as root needs the `postgres` account (apt's postgresql "
                                      "package makes it)") from None
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    os.chmod(folder, 0o700)
    data = folder / "data"
    _run([str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
          "--locale=C.UTF-8", "--no-instructions"])
    port = _free_port()
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=on "
               "-c max_connections=60 -c shared_buffers=64MB")
    _run([str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-o", options, "-w",
          "-t", "60", "start"])
    return Cluster(folder, port, pg_bin)


def stop_cluster(cluster: Cluster, *, remove: bool = True) -> None:
    try:
        # Immediate: no shutdown checkpoint; the cluster is thrown away (or, in CI, the run is over).
        _run([str(cluster.bin / "pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "-w", "stop"])
    finally:
        if remove:
            shutil.rmtree(cluster.folder, ignore_errors=True)


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


def create_database(admin_url: str, name: str) -> str:
    """A new empty database on the cluster at ``admin_url``; returns its URL."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


def wait_ready(url: str, seconds: float = 30) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(url, connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def main(argv: list[str]) -> int:
    """CI: `start DIR` prints the cluster's URL (and leaves it running); `stop DIR` stops it."""
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: postgres.py start|stop DIR", file=sys.stderr)
        return 2
    folder = Path(argv[1])
    if argv[0] == "start":
        cluster = start_cluster(folder)
        (folder / "port").write_text(str(cluster.port))
        wait_ready(cluster.url())
        print(cluster.url())
        return 0
    pg_bin = find_pg_bin()
    if pg_bin is None or not (folder / "port").exists():
        return 0
    stop_cluster(Cluster(folder, int((folder / "port").read_text()), pg_bin))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
