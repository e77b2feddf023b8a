"""``safespace-desk sync ...``: enrol, join, add a desk, sync now, and where this desk stands.

A code given as ``-`` is read from the first line of standard input (then the password, with
--password-stdin, from the next), so it need not appear in the process list or shell history.
"""

from __future__ import annotations

import argparse
from typing import Any

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.roles import Permission

EXIT_OK, EXIT_FAILED = 0, 1


def _code(args: argparse.Namespace, io: Any) -> str:
    if args.code != "-":
        return str(args.code)
    line = io.stdin.readline()
    if not line.strip():
        raise ValidationError("Standard input ended before the code was given.", field="code")
    return str(line.strip())


def _progress(io: Any) -> Any:
    last = {"step": "", "shown": -1}

    def show(step: str, done: int, total: int) -> None:
        percent = 100 if not total else min(100, done * 100 // total)
        if step != last["step"] or percent >= last["shown"] + 10:
            words = {"upload": "Sending this desk's records", "snapshot": "Loading the hub's records",
                     "pull": "Catching up"}.get(step, step)
            io.err(f"  {words}: {percent}% ({done:,} of {total:,})")
            last["step"], last["shown"] = step, percent

    return show


def cmd_enrol(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.cli import signed_in
    from safespace_desk.sync.engine import DeskSync
    from safespace_desk.sync.enrol import enrol

    code = _code(args, io)
    with signed_in(args, io, Permission.MANAGE_SITE, "enrol this desk with a sync server") as desk:
        state = enrol(desk, code, name=args.name, progress=_progress(io))
        outcome = DeskSync(desk).sync_now()
    io.out(f"This desk is now the first desk of “{state.site_name}” on {state.address}.")
    io.out(outcome.describe())
    return EXIT_OK if outcome.caught_up else EXIT_FAILED


def cmd_join(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.cli import acting_password
    from safespace_desk.services import auth
    from safespace_desk.sync.engine import DeskSync
    from safespace_desk.sync.enrol import join

    code = _code(args, io)
    password = acting_password(args, io)
    io.err(f"Joining the hub into {args.data_dir} ...")
    desk = join(args.data_dir, code, args.acting, password, io.clock, name=args.name, progress=_progress(io))
    try:
        outcome = DeskSync(desk, progress=_progress(io)).sync_now()
        site = DeskSync(desk).state().site_name
    finally:
        auth.sign_out(desk)
        desk.close()
    io.out(f"This desk has joined “{site}”. Staff sign in with the same names and passwords as on the "
           "hub's other desks.")
    io.out(outcome.describe())
    return EXIT_OK if outcome.caught_up else EXIT_FAILED


def cmd_join_code(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.cli import signed_in
    from safespace_desk.sync import codes
    from safespace_desk.sync.enrol import make_join_code

    with signed_in(args, io, Permission.MANAGE_SITE, "add a desk to the hub") as desk:
        code = make_join_code(desk)
    if args.qr:
        with open(args.qr, "w", encoding="utf-8") as out:
            out.write(codes.qr_svg(code))
        io.out(f"Wrote the code as a QR code to {args.qr}.")
    io.out("One-time code for a NEW desk to join this hub (works once, for 24 hours). It carries the hub's "
           "sync key: pass it on directly, do not email it.")
    io.out("On the new desk: “Join an existing hub” when it first starts, or "
           "`safespace-desk sync join CODE --as MANAGER`.")
    io.out(code)
    return EXIT_OK


def cmd_now(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.cli import signed_in
    from safespace_desk.sync.engine import DeskSync

    with signed_in(args, io, Permission.MESSAGES, "sync") as desk:
        outcome = DeskSync(desk, progress=_progress(io)).sync_now()
    if outcome.caught_up:
        io.out(outcome.describe())
        return EXIT_OK
    io.err(f"safespace-desk: {outcome.describe()}")
    return EXIT_FAILED


def cmd_status(args: argparse.Namespace, io: Any) -> int:
    """Without --as: what the desk recorded at its last sync attempt (nothing personal; see
    sync/public_status.py) and whether the server answers now. With --as: read from the store itself."""
    from safespace_desk.cli import require_store
    from safespace_desk.sync import public_status

    if args.acting:
        from safespace_desk.cli import signed_in
        from safespace_desk.sync.status import sync_status

        with signed_in(args, io, Permission.MESSAGES, "see the sync status") as desk:
            status = sync_status(desk)
        for line in status.lines():
            io.out(line)
        return EXIT_OK
    data_dir = args.data_dir
    require_store(data_dir)
    record = public_status.read(data_dir)
    if record is None:
        io.out("This desk has recorded no sync status: it is not enrolled with a sync server, or has not tried "
               "to sync since it was updated. `sync status --as NAME` reads the store itself.")
        return EXIT_OK
    reach = public_status.reachability(record["address"], list(record.get("pins") or [])) \
        if record.get("enrolled") and record.get("address") else None
    for line in public_status.lines(record, reach):
        io.out(line)
    return EXIT_OK


def cmd_devices(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.cli import signed_in
    from safespace_desk.sync.enrol import list_devices

    with signed_in(args, io, Permission.MANAGE_SITE, "list the hub's desks") as desk:
        devices = list_devices(desk)
    for d in devices:
        status = "removed" if d.revoked_at else "active"
        io.out(f"{d.id}  {d.name[:24]:<24}  last seen {(d.last_seen_at or '-')[:16]:<16}  {status}"
               + ("  (this desk)" if d.this_device else ""))
    return EXIT_OK


def cmd_remove_desk(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.cli import signed_in
    from safespace_desk.sync.enrol import revoke

    with signed_in(args, io, Permission.MANAGE_SITE, "remove a desk from the hub") as desk:
        rotation = revoke(desk, args.device_id)
    io.out(f"Removed desk {args.device_id} from the hub: its next request is refused. The hub's key was rotated "
           f"without it (version {rotation.version}); the other desks take the new key when they next sync.")
    return EXIT_OK


def register(commands: Any, data_dir: argparse.ArgumentParser, manager: argparse.ArgumentParser,
             parser_class: type[argparse.ArgumentParser]) -> None:
    sync = commands.add_parser("sync", help="sync with the hub's server").add_subparsers(
        dest="sync_command", metavar="ACTION", required=True, parser_class=parser_class)
    enrol = sync.add_parser("enrol", parents=[data_dir, manager],
                            help="make this desk the first desk of a hub (a code from `server enrol-code`)")
    enrol.add_argument("code", metavar="CODE", help="the code (or - to read it from standard input)")
    enrol.add_argument("--name", help="what to call this desk (default: the computer's name)")
    enrol.set_defaults(handler=cmd_enrol)

    join = sync.add_parser("join", parents=[data_dir, manager],
                           help="join a hub from an empty folder (a code from `sync join-code`)")
    join.add_argument("code", metavar="CODE", help="the code (or - to read it from standard input)")
    join.add_argument("--name", help="what to call this desk (default: the computer's name)")
    join.set_defaults(handler=cmd_join)

    code = sync.add_parser("join-code", parents=[data_dir, manager], help="a one-time code for a new desk")
    code.add_argument("--qr", metavar="FILE.svg", help="also write the code as a QR code")
    code.set_defaults(handler=cmd_join_code)

    sync.add_parser("now", parents=[data_dir, manager],
                    help="push and pull until caught up (exit 1 with the reason if not)").set_defaults(handler=cmd_now)
    status = sync.add_parser("status", parents=[data_dir], help="where this desk stands (no sign-in needed)")
    status.add_argument("--as", dest="acting", metavar="NAME",
                        help="sign in to read the full status from the store (sync problems, clock)")
    status.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input")
    status.set_defaults(handler=cmd_status)
    sync.add_parser("devices", parents=[data_dir, manager], help="the hub's desks").set_defaults(
        handler=cmd_devices)
    remove = sync.add_parser("remove-desk", parents=[data_dir, manager],
                             help="mark a desk lost: its token stops working at once")
    remove.add_argument("device_id", metavar="ID")
    remove.set_defaults(handler=cmd_remove_desk)
