"""`safespace-desk server ...` and `safespace-desk sync ...` as a person or a script would run them."""

from __future__ import annotations

import io
from pathlib import Path

from safespace_desk.cli import CliIO, run
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import auth
from safespace_desk.sync import codes
from safespace_desk.sync.engine import DeskSync
from safespace_desk.sync.server.config import ServerConfig
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.support.sync_server import LiveServer


def _run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(argv, CliIO(io.StringIO(stdin), out, err, {"SAFESPACE_PASSWORD": MANAGER_PASSWORD},
                           FixedClock(START), False))
    return code, out.getvalue(), err.getvalue()


def test_server_commands_make_a_server_codes_and_manage_desks(tmp_path: Path) -> None:
    folder = tmp_path / "server"
    code, out, err = _run(["server", "init", "--data-dir", str(folder), "--address", "https://hub.example:8443"])
    assert code == 0, err
    assert "spare-key.pem" in out and (folder / "tls" / "spare-key.pem").exists()
    assert (folder / "tls" / "key.pem").stat().st_mode & 0o077 == 0
    again = _run(["server", "init", "--data-dir", str(folder)])
    assert again[0] == 1 and "will not overwrite" in again[2]
    code, out, err = _run(["server", "enrol-code", "--data-dir", str(folder), "--site", "Riverside Hub",
                           "--qr", str(tmp_path / "code.svg")])
    assert code == 0, err
    enrol_code = codes.parse(out.strip().splitlines()[-1], expect=codes.ENROL)
    assert enrol_code.address == "https://hub.example:8443"
    assert [p.hex() for p in enrol_code.pins] == ServerConfig.load(folder).pins
    assert (tmp_path / "code.svg").read_text().startswith("<svg")
    code, out, _ = _run(["server", "status", "--data-dir", str(folder)])
    assert code == 0 and "Riverside Hub: 0 desk(s)" in out
    code, out, _ = _run(["server", "devices", "list", "--data-dir", str(folder)])
    assert code == 0 and "No desks" in out
    code, _, err = _run(["server", "devices", "revoke", "no-such-desk", "--data-dir", str(folder)])
    assert code == 1 and "no such desk" in err
    missing = _run(["server", "status", "--data-dir", str(tmp_path / "nowhere")])
    assert missing[0] == 1 and "There is no sync server" in missing[2]


def test_the_spare_key_takes_over_and_desks_still_trust_the_server(tmp_path: Path) -> None:
    from safespace_desk.sync.client import ServerClient
    from tests.support.sync_server import thread_server

    folder = tmp_path / "server"
    with thread_server(folder, None) as server:
        old_pins = server.pins
    spare = tmp_path / "offline-spare.pem"
    (folder / "tls" / "spare-key.pem").rename(spare)  # it was moved offline, as the README says
    code, out, err = _run(["server", "use-spare-key", "--data-dir", str(folder), "--spare-key", str(spare)])
    assert code == 0, err
    config = ServerConfig.load(folder)
    assert config.pins[0] == old_pins[1] and config.pins[1] not in old_pins
    wrong = _run(["server", "use-spare-key", "--data-dir", str(folder), "--spare-key", str(folder / "tls" / "key.pem")])
    assert wrong[0] == 1 and "uses now, not its spare" in wrong[2]
    import threading
    import time

    import uvicorn

    from safespace_desk.sync.server.app import create_app
    from safespace_desk.sync.server.db import make_engine
    from tests.support.sync_server import free_port

    port = free_port()
    server_proc = uvicorn.Server(uvicorn.Config(create_app(make_engine(config.database_url)), host="127.0.0.1",
                                                port=port, log_level="warning", ssl_certfile=str(config.cert),
                                                ssl_keyfile=str(config.key), lifespan="off",
                                                timeout_graceful_shutdown=0.1))
    thread = threading.Thread(target=server_proc.run, daemon=True)
    thread.start()
    while not server_proc.started:
        time.sleep(0.02)
    try:
        # A desk enrolled before the switch pins the old key and the spare: it carries on.
        assert ServerClient(f"https://127.0.0.1:{port}", old_pins).call("GET", "/v1/health")["protocol"] == 1
    finally:
        server_proc.should_exit = True
        thread.join(timeout=10)


def test_sync_commands_enrol_make_a_code_join_and_sync(data_dir: Path, sqlite_server: LiveServer,
                                                       tmp_path: Path) -> None:
    code, out, err = _run(["--data-dir", str(data_dir), "sync", "enrol", "-", "--as", MANAGER_NAME],
                          stdin=sqlite_server.first_code("Command Line Hub") + "\n")
    assert code == 0, err
    assert "first desk of “Command Line Hub”" in out and "Up to date" in out
    code, out, err = _run(["--data-dir", str(data_dir), "sync", "join-code", "--as", MANAGER_NAME])
    assert code == 0, err
    join_code = out.strip().splitlines()[-1]
    assert join_code.startswith("SSD1-JOIN-")
    second = tmp_path / "second"
    code, out, err = _run(["--data-dir", str(second), "sync", "join", join_code, "--as", MANAGER_NAME])
    assert code == 0, err
    assert "has joined “Command Line Hub”" in out
    code, out, err = _run(["--data-dir", str(second), "sync", "now", "--as", MANAGER_NAME])
    assert code == 0 and out.startswith("Up to date"), err
    code, out, _ = _run(["--data-dir", str(second), "sync", "status", "--as", MANAGER_NAME])
    assert code == 0 and "Hub: Command Line Hub" in out and "Waiting to send: 0" in out
    # Without a sign-in (issue 15): what the desk recorded at its last sync, and whether the server answers.
    code, out, err = _run(["--data-dir", str(second), "sync", "status"])
    assert code == 0, err
    assert "Sync server: https://127.0.0.1" in out and "(reachable now)" in out
    assert "Waiting to send: 0" in out and "Last synced: 20" in out and "epoch 1" in out
    recorded = (second / "sync-status.json").read_text()
    desk = auth.sign_in(second, MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))
    try:
        state = DeskSync(desk).state()
    finally:
        desk.close()
    for secret_or_name in (state.token, state.sync_key, MANAGER_NAME, "Command Line Hub"):
        assert secret_or_name not in recorded
    assert (second / "sync-status.json").stat().st_mode & 0o077 == 0
    code, out, _ = _run(["--data-dir", str(second), "sync", "devices", "--as", MANAGER_NAME])
    assert code == 0 and out.count("active") == 2 and "(this desk)" in out
    used = _run(["--data-dir", str(tmp_path / "third"), "sync", "join", join_code, "--as", MANAGER_NAME])
    assert used[0] == 1 and "used already" in used[2]
    assert not (tmp_path / "third" / "store.db").exists()


def test_sync_now_exits_1_with_the_reason_when_the_server_is_gone(data_dir: Path, tmp_path: Path) -> None:
    from tests.support.sync_server import thread_server

    with thread_server(tmp_path / "server", None) as server:
        assert _run(["--data-dir", str(data_dir), "sync", "enrol", server.first_code(), "--as", MANAGER_NAME])[0] == 0
    code, _, err = _run(["--data-dir", str(data_dir), "sync", "now", "--as", MANAGER_NAME])
    assert code == 1 and "cannot be reached" in err
    code, out, _ = _run(["--data-dir", str(data_dir), "sync", "status"])
    assert code == 0 and "(not reachable now:" in out and "Failing since" in out and "cannot be reached" in out


def test_audit_verify_on_a_synced_desk_checks_the_chain_against_the_servers_anchor(
        data_dir: Path, sqlite_server: LiveServer, master_key: bytes) -> None:
    from safespace_desk.db.store import connect_raw
    from safespace_desk.domain.audit_chain import AuditFields, entry_hash

    assert _run(["--data-dir", str(data_dir), "sync", "enrol", sqlite_server.first_code(), "--as", MANAGER_NAME])[0] == 0
    code, out, err = _run(["--data-dir", str(data_dir), "audit", "verify", "--as", MANAGER_NAME])
    assert code == 0, err
    assert "the newest: the sync server (asked now)" in out
    # Someone with the key rewrites an old entry and rehashes the whole chain: intact by itself...
    conn = connect_raw(data_dir / "store.db", master_key)
    conn.execute("DROP TRIGGER audit_no_update")
    rows = conn.execute("SELECT seq, at, staff_id, device_id, action, entity_kind, entity_id, detail FROM audit_log "
                        "ORDER BY seq").fetchall()
    prev = "0" * 64
    for seq, at, staff_id, device_id, action, kind, entity, detail in rows:
        if seq == 2:
            detail = "rewritten"
        digest = entry_hash(prev, AuditFields(seq, at, staff_id, device_id, action, kind, entity, detail))
        conn.execute("UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?", (detail, prev, digest, seq))
        prev = digest
    conn.execute("COMMIT") if conn.in_transaction else None
    conn.close()
    code, out, _ = _run(["--data-dir", str(data_dir), "audit", "verify", "--as", MANAGER_NAME])
    assert code == 1, out  # ... but not where the server saw it end
    assert "REWRITTEN" in out and "the sync server (asked now) recorded its hash" in out
