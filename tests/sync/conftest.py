"""Sync fixtures: a real PostgreSQL (CI starts one and gives its URL; otherwise a throwaway cluster is
started here), and a real sync server over loopback HTTPS on SQLite or PostgreSQL.

Under CI=true a missing PostgreSQL FAILS the run; elsewhere the PostgreSQL tests are skipped with
the reason."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services.context import DeskContext
from safespace_desk.sync import enrol
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.support.postgres import (
    ENV_DATA,
    ENV_URL,
    PostgresUnavailable,
    create_database,
    start_cluster,
    stop_cluster,
    wait_ready,
)
from tests.support.sync_server import LiveServer, thread_server


@pytest.fixture(scope="session")
def _pg_cluster() -> Iterator[tuple[str, Path | None]]:
    """(admin URL, data directory if known). CI starts the cluster and passes both in the environment."""
    given = os.environ.get(ENV_URL)
    if given:
        wait_ready(given)
        data = os.environ.get(ENV_DATA)
        yield given, Path(data) if data else None
        return
    try:
        cluster = start_cluster()
    except PostgresUnavailable as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required in CI and could not start: {error}")
        pytest.skip(f"PostgreSQL is not available here: {error}")
    try:
        wait_ready(cluster.url())
        yield cluster.url(), cluster.data
    finally:
        stop_cluster(cluster)


@pytest.fixture
def pg_admin_url(_pg_cluster: tuple[str, Path | None]) -> str:
    return _pg_cluster[0]


@pytest.fixture
def pg_data_dir(_pg_cluster: tuple[str, Path | None]) -> Path | None:
    return _pg_cluster[1]


@pytest.fixture
def pg_url(pg_admin_url: str) -> str:
    """A fresh, empty database on the test cluster."""
    return create_database(pg_admin_url, "t_" + uuid.uuid4().hex[:16])


@pytest.fixture(params=["sqlite", "postgres"])
def server_database(request: pytest.FixtureRequest) -> str | None:
    """The server's database: None for the built-in SQLite file, else a PostgreSQL URL."""
    if request.param == "sqlite":
        return None
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def server(tmp_path: Path, server_database: str | None) -> Iterator[LiveServer]:
    with thread_server(tmp_path / "server", server_database) as live:
        yield live


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[LiveServer]:
    with thread_server(tmp_path / "server", None) as live:
        yield live


@pytest.fixture
def hub(desk: DeskContext, sqlite_server: LiveServer, tmp_path: Path) -> Iterator[tuple[DeskContext, DeskContext]]:
    """A hub of its own, for a test that breaks something on the server or changes its keys: the
    template desk enrolled as the hub's first desk, and a second desk joined empty."""
    enrol.enrol(desk, sqlite_server.first_code())
    second = enrol.join(tmp_path / "second", enrol.make_join_code(desk), MANAGER_NAME, MANAGER_PASSWORD,
                        FixedClock(START))
    try:
        yield desk, second
    finally:
        second.close()
