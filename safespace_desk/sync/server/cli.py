"""``safespace-desk server ...``: make, run and look after a sync server.

    server init --data-dir DIR [--database postgresql://...] [--address https://host:port] [--name HOST ...]
    server run --data-dir DIR [--host H] [--port P] [--workers N] [--plain-http]
    server enrol-code --data-dir DIR --site NAME [--qr FILE.svg]
    server devices list|revoke ID --data-dir DIR
    server status --data-dir DIR
    server new-epoch --data-dir DIR [--site NAME]   (after restoring the database from a backup)
    server renew-cert --data-dir DIR        (same key: desks keep trusting it)
    server use-spare-key --data-dir DIR --spare-key FILE
"""

from __future__ import annotations

import argparse
import ipaddress
import os
from pathlib import Path
from typing import Any

from safespace_desk.domain.errors import DeskError

EXIT_OK = 0


def _config(args: argparse.Namespace) -> Any:
    from safespace_desk.sync.server.config import ServerConfig, ServerConfigError

    try:
        return ServerConfig.load(args.server_dir)
    except ServerConfigError as error:
        raise DeskError(str(error)) from None


def _engine(config: Any) -> Any:
    from safespace_desk.sync.server.db import make_engine, migrate

    engine = make_engine(config.database_url)
    try:
        migrate(engine)
    except Exception as error:
        raise DeskError(f"The server's database cannot be used: {_db_problem(error)}") from None
    return engine


def _db_problem(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    return text[0] if text else type(error).__name__


def cmd_init(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.sync.server.config import ServerConfigError, init_folder

    try:
        config = init_folder(args.server_dir, database=args.database, address=args.address,
                             host_names=args.name or [])
    except ServerConfigError as error:
        raise DeskError(str(error)) from None
    _engine(config).dispose()
    io.out(f"Made the sync server in {args.server_dir}.")
    io.out(f"Database: {'PostgreSQL' if config.database else 'SQLite file server.db'}. Desks reach it at "
           f"{config.address} (change with --address when making codes).")
    io.out(f"Move {config.spare_key} to offline storage (a USB stick in the safe): it is the spare key desks "
           "already trust, for the day this machine's key must be replaced.")
    return EXIT_OK


def cmd_run(args: argparse.Namespace, io: Any) -> int:
    import uvicorn

    from safespace_desk.sync.server.app import DATA_DIR_ENV

    config = _config(args)
    _engine(config).dispose()
    if args.plain_http and not _loopback(args.host):
        raise DeskError("Plain HTTP is only for tests on this machine (--host 127.0.0.1); desks always use HTTPS.")
    os.environ[DATA_DIR_ENV] = str(args.server_dir)
    tls = {} if args.plain_http else {"ssl_certfile": str(config.cert), "ssl_keyfile": str(config.key)}
    io.err(f"Sync server on {'http' if args.plain_http else 'https'}://{args.host}:{args.port} "
           f"({args.workers} process{'es' if args.workers > 1 else ''}); log in {config.log}.")
    uvicorn.run("safespace_desk.sync.server.app:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_config=_log_config(config.log), server_header=False,
                timeout_graceful_shutdown=10, **tls)  # type: ignore[arg-type]
    return EXIT_OK


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _log_config(path: Path) -> dict[str, Any]:
    """Requests are logged as method, path and status: never bodies, tokens or query secrets."""
    handler = {"class": "logging.handlers.RotatingFileHandler", "filename": str(path), "maxBytes": 10_000_000,
               "backupCount": 5, "formatter": "plain"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {"file": handler, "stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "loggers": {
            "uvicorn": {"handlers": ["file", "stderr"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": ["file"], "level": "INFO", "propagate": False},
            "safespace_desk": {"handlers": ["file"], "level": "INFO", "propagate": False},
        },
    }


def cmd_enrol_code(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.sync import codes
    from safespace_desk.sync.server.enrolment import make_first_code
    from safespace_desk.sync.server.errors import ApiError

    config = _config(args)
    engine = _engine(config)
    try:
        secret = make_first_code(engine, args.site)
    except ApiError as error:
        raise DeskError(error.message) from None
    finally:
        engine.dispose()
    code = codes.Code(codes.ENROL, args.address or config.address, secret,
                      tuple(bytes.fromhex(p) for p in config.pins)).text()
    if args.qr:
        Path(args.qr).write_text(codes.qr_svg(code))
        io.out(f"Wrote the code as a QR code to {args.qr}.")
    io.out(f"One-time code for the FIRST desk of “{' '.join(args.site.split())}” (works once, for 24 hours).")
    io.out("On that desk: Admin → Sync → Enrol, or `safespace-desk sync enrol CODE --as MANAGER`.")
    io.out(code)
    return EXIT_OK


def cmd_devices_list(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.sync.server.enrolment import all_devices

    engine = _engine(_config(args))
    try:
        rows = all_devices(engine)
    finally:
        engine.dispose()
    if not rows:
        io.out("No desks are enrolled yet.")
        return EXIT_OK
    io.out(f"{'Site':<24} {'Desk id':<36} {'Name':<20} {'Last seen':<20} Status")
    for site, d in rows:
        status = f"removed {d.revoked_at[:16]}" if d.revoked_at else "active"
        io.out(f"{site[:24]:<24} {d.id:<36} {d.name[:20]:<20} {(d.last_seen_at or '-')[:16]:<20} {status}")
    return EXIT_OK


def cmd_devices_revoke(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.sync.server.enrolment import revoke_device
    from safespace_desk.sync.server.errors import ApiError

    engine = _engine(_config(args))
    try:
        revoke_device(engine, args.device_id)
    except ApiError as error:
        raise DeskError(error.message) from None
    finally:
        engine.dispose()
    io.out(f"Removed desk {args.device_id}: its next request is refused. Its outbox stays on the desk.")
    return EXIT_OK


def cmd_status(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.sync.server.enrolment import site_summary

    config = _config(args)
    engine = _engine(config)
    try:
        sites = site_summary(engine)
    finally:
        engine.dispose()
    io.out(f"Sync server in {args.server_dir}; desks reach it at {config.address}.")
    io.out("Key pins (SHA-256 of the TLS public keys, current then spare): " + ", ".join(p[:16] + "…"
                                                                                          for p in config.pins))
    for name, state, desks, ops in sites:
        io.out(f"  {name}: {desks} desk(s), {ops} operation(s), {'ready' if state == 'complete' else state}")
    return EXIT_OK


def cmd_new_epoch(args: argparse.Namespace, io: Any) -> int:
    """After the server's database was restored from a backup (or on a replacement server): end each
    site's log where the backup left it and start a new epoch (sync/server/epochs.py)."""
    from safespace_desk.sync.server.epochs import new_epoch
    from safespace_desk.sync.server.errors import ApiError

    engine = _engine(_config(args))
    try:
        started = new_epoch(engine, args.site)
    except ApiError as error:
        raise DeskError(error.message) from None
    finally:
        engine.dispose()
    if not started:
        io.out("This server holds no sites yet: nothing to do.")
        return EXIT_OK
    for s in started:
        io.out(f"  {s.site_name}: epoch {s.ended_epoch} ends at change {s.ended_head:,}; epoch {s.epoch} starts.")
    io.out("Each desk, when it next syncs, reads the old epoch to its end, sends again what it kept that this "
           "server lacks, then carries on in the new epoch; its staff see a note under Needs attention. Join "
           "and enrol codes made before now no longer work: make new ones. Desks removed after the backup was "
           "taken are back in its list: remove them again (`server devices list`).")
    return EXIT_OK


def cmd_renew_cert(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.sync.server.config import renew_certificate

    config = _config(args)
    renew_certificate(config, args.name or [])
    io.out(f"Made a new certificate for the same key in {config.cert}; restart the server to use it. Desks keep "
           "trusting it (they pin the key).")
    return EXIT_OK


def cmd_use_spare_key(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.sync.server.config import ServerConfigError, use_spare_key

    config = _config(args)
    try:
        new_spare = use_spare_key(config, Path(args.spare_key), args.name or [])
    except (ServerConfigError, ValueError, OSError) as error:
        raise DeskError(f"The spare key cannot be used: {error}") from None
    io.out("The spare key is now the server's key; every enrolled desk already trusts it. Restart the server. "
           f"A new spare was made in {new_spare}: move it offline. New codes carry its hash; desks enrolled "
           "before today trust only the key now in use.")
    return EXIT_OK


def register(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    folder = parser_class(add_help=False)
    folder.add_argument("--data-dir", dest="server_dir", type=Path, required=True, metavar="DIR",
                        help="the server's folder (config, TLS keys, SQLite file, log)")
    server = commands.add_parser("server", help="run a sync server for one or more hubs").add_subparsers(
        dest="server_command", metavar="ACTION", required=True, parser_class=parser_class)

    init = server.add_parser("init", parents=[folder], help="make the server's folder, TLS key and database")
    init.add_argument("--database", metavar="URL", help="postgresql://user@host/db (default: an SQLite file)")
    init.add_argument("--address", metavar="URL", help="how desks reach it, e.g. https://hub-server:8443")
    init.add_argument("--name", action="append", metavar="HOST",
                      help="a host name or IP address for the certificate (repeatable)")
    init.set_defaults(handler=cmd_init)

    run = server.add_parser("run", parents=[folder], help="serve desks (HTTPS)")
    run.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all)")
    run.add_argument("--port", type=int, default=8443)
    run.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL: several are fine)")
    run.add_argument("--plain-http", action="store_true", help="no TLS: tests on 127.0.0.1 only")
    run.set_defaults(handler=cmd_run)

    code = server.add_parser("enrol-code", parents=[folder], help="a one-time code for a site's first desk")
    code.add_argument("--site", required=True, help="the hub's name (made if new)")
    code.add_argument("--address", metavar="URL", help="the address to put in the code (default: from init)")
    code.add_argument("--qr", metavar="FILE.svg", help="also write the code as a QR code")
    code.set_defaults(handler=cmd_enrol_code)

    devices = server.add_parser("devices", help="enrolled desks").add_subparsers(
        dest="devices_command", metavar="ACTION", required=True, parser_class=parser_class)
    devices.add_parser("list", parents=[folder], help="every desk of every site").set_defaults(
        handler=cmd_devices_list)
    revoke = devices.add_parser("revoke", parents=[folder], help="remove a desk (its token stops working)")
    revoke.add_argument("device_id", metavar="ID")
    revoke.set_defaults(handler=cmd_devices_revoke)

    server.add_parser("status", parents=[folder], help="sites, desks and the key pins").set_defaults(
        handler=cmd_status)
    epoch = server.add_parser("new-epoch", parents=[folder],
                              help="after restoring the database from a backup: desks send again what it lacks")
    epoch.add_argument("--site", help="only this hub (default: every hub on this server)")
    epoch.set_defaults(handler=cmd_new_epoch)
    renew = server.add_parser("renew-cert", parents=[folder], help="a new certificate for the same key")
    renew.add_argument("--name", action="append", metavar="HOST", help="a host name or IP address (repeatable)")
    renew.set_defaults(handler=cmd_renew_cert)
    spare = server.add_parser("use-spare-key", parents=[folder],
                              help="the key was lost or stolen: the offline spare takes over")
    spare.add_argument("--spare-key", required=True, metavar="FILE", help="the spare key kept offline")
    spare.add_argument("--name", action="append", metavar="HOST", help="a host name or IP address (repeatable)")
    spare.set_defaults(handler=cmd_use_spare_key)
