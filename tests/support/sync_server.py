"""A real sync server for tests: its folder made by the same code as `server init`, served by uvicorn
on a free loopback port (HTTPS with its self-signed certificate), in a thread of the test process or
as a separate process (`safespace-desk server run`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import Engine

from safespace_desk.sync import codes
from safespace_desk.sync.server.app import create_app
from safespace_desk.sync.server.config import ServerConfig, init_folder
from safespace_desk.sync.server.db import make_engine, migrate
from safespace_desk.sync.server.enrolment import make_first_code


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    config: ServerConfig
    engine: Engine
    address: str

    @property
    def pins(self) -> list[str]:
        return self.config.pins

    def first_code(self, site: str = "Test Hub") -> str:
        secret = make_first_code(self.engine, site)
        return codes.Code(codes.ENROL, self.address, secret, tuple(bytes.fromhex(p) for p in self.pins)).text()


def make_server_folder(folder: Path, database: str | None) -> ServerConfig:
    return init_folder(folder, database=database, address=None, host_names=["127.0.0.1", "localhost"])


@contextmanager
def thread_server(folder: Path, database: str | None) -> Iterator[LiveServer]:
    """The server in a thread of this process (fast to start; still real HTTPS over loopback)."""
    config = make_server_folder(folder, database)
    engine = make_engine(config.database_url)
    migrate(engine)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning",
                                           ssl_certfile=str(config.cert), ssl_keyfile=str(config.key),
                                           lifespan="off", timeout_graceful_shutdown=0.1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test sync server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(config, engine, f"https://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        engine.dispose()


@contextmanager
def process_server(folder: Path, database: str | None, *, workers: int = 1) -> Iterator[LiveServer]:
    """`safespace-desk server run` as a separate process, as a hub would run it (its folder made by the
    code `server init` runs; the command itself is tested in tests/sync/test_cli_sync.py)."""
    make_server_folder(folder, database)
    with serve_folder(folder, workers=workers) as live:
        yield live


@contextmanager
def serve_folder(folder: Path, *, port: int | None = None, workers: int = 1) -> Iterator[LiveServer]:
    """`safespace-desk server run` on a server folder made before: started again on the same port, the
    desks enrolled with it find it where they left it."""
    config = ServerConfig.load(folder)
    port = port or free_port()
    log = open(folder / "run.stderr", "ab")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([sys.executable, "-m", "safespace_desk", "server", "run", "--data-dir", str(folder),
                             "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    address = f"https://127.0.0.1:{port}"
    engine = make_engine(config.database_url)
    try:
        _wait_for(address, proc)
        yield LiveServer(config, engine, address)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        engine.dispose()


def _wait_for(address: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the sync server exited with {proc.returncode}")
        try:
            httpx.get(address + "/v1/health", verify=False, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the sync server did not answer within 60 s")
