"""The ``safespace-desk`` command: the desk window by default, and a few admin subcommands.

Secrets are never taken as command-line arguments (they would show in ``ps`` and shell history):

- the acting staff member's password (``init``, ``staff ...``, ``audit verify``): the first line of
  standard input with ``--password-stdin``, else the ``SAFESPACE_PASSWORD`` environment variable;
- a new account's password (``staff add``): ``SAFESPACE_NEW_PASSWORD``, else the next line of
  standard input (after the acting password, if that came from standard input too);
- the recovery key (``key raw``): the first line of standard input with ``--recovery-key-stdin``.

Only when standard input is a terminal does the command ask with a hidden prompt instead; otherwise
a missing secret is a one-line error, so scripts and CI never hang waiting for input.

Every known failure prints one plain-English line to stderr and exits 1 (2 for a mistyped
command); nothing personal is printed, and no traceback unless SAFESPACE_DEBUG is set.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from safespace_desk.domain.clock import Clock
from safespace_desk.domain.errors import DeskError, NotFound, ValidationError
from safespace_desk.domain.roles import Permission, Role

if TYPE_CHECKING:
    from safespace_desk.services.context import DeskContext

APP_NAME = "SafeSpace Desk"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 70


def default_data_dir() -> Path:
    """The platform's per-user data folder, e.g. ~/.local/share/SafeSpace Desk on Linux."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


@dataclass
class CliIO:
    """Where the command reads and writes, and its clock: swapped for fakes in tests."""

    stdin: TextIO
    stdout: TextIO
    stderr: TextIO
    env: Mapping[str, str]
    clock: Clock
    interactive: bool  # standard input is a terminal: hidden prompts are allowed
    prompt: Callable[[str], str] = field(default=getpass.getpass)

    @classmethod
    def from_sys(cls) -> CliIO:
        from safespace_desk.clock import SystemClock

        interactive = sys.stdin is not None and sys.stdin.isatty()
        return cls(sys.stdin, sys.stdout, sys.stderr, os.environ, SystemClock(), interactive)

    def out(self, text: str = "") -> None:
        print(text, file=self.stdout)

    def err(self, text: str) -> None:
        print(text, file=self.stderr)


# --- secrets -------------------------------------------------------------------------------------


def _stdin_line(io: CliIO, what: str, field_name: str) -> str:
    line = io.stdin.readline()
    if not line:
        raise ValidationError(f"Standard input ended before the {what} was given.", field=field_name)
    return line.rstrip("\r\n")


def _ask(io: CliIO, label: str, *, confirm: bool) -> str:
    first = io.prompt(f"{label}: ")
    if confirm and io.prompt(f"{label} again: ") != first:
        raise ValidationError("The two passwords typed do not match.", field="password")
    return first


def acting_password(args: argparse.Namespace, io: CliIO, *, confirm: bool = False) -> str:
    if args.password_stdin:
        return _stdin_line(io, "password", "password")
    if io.env.get("SAFESPACE_PASSWORD"):
        return io.env["SAFESPACE_PASSWORD"]
    if io.interactive:
        return _ask(io, "Password", confirm=confirm)
    raise ValidationError("No password given: pipe it on standard input with --password-stdin, or set "
                          "SAFESPACE_PASSWORD.", field="password")


def new_account_password(io: CliIO) -> str:
    if io.env.get("SAFESPACE_NEW_PASSWORD"):
        return io.env["SAFESPACE_NEW_PASSWORD"]
    if io.interactive:
        return _ask(io, "Password for the new account", confirm=True)
    line = io.stdin.readline()
    if not line:
        raise ValidationError("No password for the new account: set SAFESPACE_NEW_PASSWORD or give it "
                              "as the next line of standard input.", field="new_password")
    return line.rstrip("\r\n")


def recovery_key(args: argparse.Namespace, io: CliIO) -> str:
    if args.recovery_key_stdin:
        return _stdin_line(io, "recovery key", "recovery_key")
    if io.interactive:
        return io.prompt("Recovery key: ")
    raise ValidationError("No recovery key given: pipe it on standard input with --recovery-key-stdin.",
                          field="recovery_key")


# --- commands ------------------------------------------------------------------------------------


def cmd_gui(args: argparse.Namespace, io: CliIO) -> int:
    from safespace_desk.desktop_check import check_desktop

    # Before Qt is loaded and before the lock is taken: Qt aborts the process when its platform
    # cannot start, and a lock taken first would be left behind.
    problem = check_desktop(io.env)
    if problem is not None:
        raise DeskError(problem)
    try:
        # Imported here so the admin subcommands never load Qt.
        from safespace_desk.ui.app import run_gui
    except ImportError as error:
        raise DeskError(f"The desk window cannot start: part of it is missing ({error.name or 'Qt'}). "
                        "Reinstall SafeSpace Desk.") from None
    from safespace_desk.db.desk_lock import desk_lock

    args.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # A restore waits for the window to close; a closed desk leaves no lock file behind.
    with desk_lock(args.data_dir, exclusive=False, remove_when_last=True) as stale:
        return int(run_gui(args.data_dir, last_exit=stale.describe() if stale else None))


def cmd_init(args: argparse.Namespace, io: CliIO) -> int:
    from safespace_desk.domain.site import starting_settings
    from safespace_desk.services import auth, setup

    if setup.is_set_up(args.data_dir):
        raise DeskError(f"There is already a store in {args.data_dir}; set-up will not overwrite it.")
    password = acting_password(args, io, confirm=True)
    result = setup.initialise_store(args.data_dir, site_name=args.site, timezone=args.timezone,
                                    settings=starting_settings(args.profile),
                                    manager_name=args.manager, manager_password=password, clock=io.clock)
    auth.sign_out(result.desk)
    io.out(f"Created the store for {args.site.strip()} in {args.data_dir}.")
    io.out(f"{args.manager.strip()} can sign in as the first manager.")
    show_recovery_key(io, result.recovery_key)
    return EXIT_OK


def show_recovery_key(io: CliIO, key: str) -> None:
    io.out(f"\nRECOVERY KEY (shown this once; it is not stored anywhere):\n\n    {key}\n\n"
           "Write it on paper now and keep it locked away, apart from this computer. It is the only\n"
           "way back in if every manager forgets their password, and it opens all the data, so\n"
           "treat it like the key to the building.")


def require_store(data_dir: Path) -> None:
    from safespace_desk.db.store import StorePaths

    if not StorePaths(data_dir).exists():
        raise DeskError(f"There is no store in {data_dir}. Set one up with the desk window or "
                        "`safespace-desk init`, or give the right folder with --data-dir.")


@contextmanager
def signed_in(args: argparse.Namespace, io: CliIO, permission: Permission, action: str, *,
              allow_damaged: bool = False) -> Iterator[DeskContext]:
    """Sign in as ``--as`` (audited), check the role, and always sign out again.

    Every page's checksum is checked before anything is written: a damaged store is named (exit 1)
    and left exactly as it was. Only the commands that report on damage (``allow_damaged``) go on,
    reading only."""
    from safespace_desk.services import auth

    require_store(args.data_dir)
    password = acting_password(args, io)
    desk = auth.sign_in(args.data_dir, args.acting, password, io.clock, check_first=True)
    try:
        if desk.store.read_only and not allow_damaged:
            raise desk.store.damaged_error()
        desk.require(permission, action)
        yield desk
    finally:
        try:
            auth.sign_out(desk)
        finally:
            desk.close()


def cmd_staff_add(args: argparse.Namespace, io: CliIO) -> int:
    from safespace_desk.services import staff

    with signed_in(args, io, Permission.MANAGE_STAFF, "add staff accounts") as desk:
        password = new_account_password(io)
        member, _ = staff.add_staff(desk, name=args.name, role=args.role, password=password)
    io.out(f"Added {member.name} ({member.role.label}). They sign in with the password given.")
    return EXIT_OK


def cmd_staff_list(args: argparse.Namespace, io: CliIO) -> int:
    from safespace_desk.services import staff

    with signed_in(args, io, Permission.MANAGE_STAFF, "list staff accounts") as desk:
        members = staff.list_staff(desk)
    width = max([len(m.name) for m in members] + [4])
    io.out(f"{'Name':<{width}}  {'Role':<11}  {'Status':<11}  PIN")
    for m in members:
        io.out(f"{m.name:<{width}}  {m.role.label:<11}  {'active' if m.active else 'deactivated':<11}  "
               f"{'yes' if m.has_pin else 'no'}")
    return EXIT_OK


def cmd_staff_deactivate(args: argparse.Namespace, io: CliIO) -> int:
    from safespace_desk.domain.staff import login_key
    from safespace_desk.services import staff

    with signed_in(args, io, Permission.MANAGE_STAFF, "deactivate staff accounts") as desk:
        wanted = login_key(args.name)
        match = next((m for m in staff.list_staff(desk) if login_key(m.name) == wanted), None)
        if match is None:
            raise NotFound(f"There is no staff account called “{args.name.strip()}”.", field="name")
        result = staff.deactivate_staff(desk, match.id)
    io.out(f"Deactivated {match.name}'s account and removed its key slot; their history stays.")
    if result.rotation is not None:
        io.out(f"The store's key was changed (key version {result.rotation.version}): an older copy of "
               "keyslots.json no longer opens it.")
        if result.rotation.recovery_key:
            io.out("The recovery key from before this version could not be kept. The NEW recovery key, "
                   f"shown once (write it down): {result.rotation.recovery_key}")
    elif result.rotation_waits:
        io.out(f"The store's key could not be changed now ({result.rotation_waits}); it will be changed "
               "the next time the store is opened.")
    return EXIT_OK


def _anchors(args: argparse.Namespace) -> list[Any]:
    from safespace_desk.domain.audit_chain import parse_anchor

    anchors = []
    for text in args.anchor:
        try:
            anchors.append(parse_anchor(text, f"the anchor typed ({text.strip()})"))
        except ValueError as error:
            raise ValidationError(f"--anchor {text!r}: {error}.", field="anchor") from None
    return anchors


def cmd_audit_verify(args: argparse.Namespace, io: CliIO) -> int:
    """The hash chain and every page: a rewrite with the key and a failing disk are both found."""
    from safespace_desk.services import audit, integrity

    with signed_in(args, io, Permission.VERIFY_AUDIT, "verify the audit log", allow_damaged=True) as desk:
        pages = integrity.check_store(desk)
        damage = integrity.store_status(desk).damage_message
        report = audit.verify_chain(desk, _anchors(args))
    io.out(report.describe())
    io.out(_pages_line(pages))
    if damage:
        io.err(f"safespace-desk: {damage}")
    return EXIT_OK if report.ok and pages.ok and not damage else EXIT_FAILED


def cmd_check(args: argparse.Namespace, io: CliIO) -> int:
    """Check every page of the store; with --accept-lost-log, first keep what a broken log still holds."""
    from safespace_desk.db.desk_lock import desk_lock
    from safespace_desk.db.log_files import accept_lost_log
    from safespace_desk.services import integrity

    require_store(args.data_dir)
    if args.accept_lost_log:
        with desk_lock(args.data_dir, exclusive=True):  # never under an open desk window
            aside = accept_lost_log(args.data_dir / "store.db", io.clock.now())
        io.out(f"The log's saved work up to the damaged or missing part is kept; the log files as they were "
               f"are in {aside}.")
    with signed_in(args, io, Permission.VERIFY_AUDIT, "check the store", allow_damaged=True) as desk:
        if args.accept_lost_log:
            desk.record("lost_log_accepted", "site", detail=aside.name)
        pages = integrity.check_store(desk)
        damage = integrity.store_status(desk).damage_message
    io.out(_pages_line(pages))
    if damage:
        io.err(f"safespace-desk: {damage}")
        return EXIT_FAILED
    return EXIT_OK


def _pages_line(result: object) -> str:
    from safespace_desk.db.health import CheckResult

    assert isinstance(result, CheckResult)
    if result.ok:
        return f"Pages: all {result.pages:,} pages checked and sound ({result.seconds:.1f} s)."
    return f"Pages: DAMAGED: {result.detail}."


def cmd_key_raw(args: argparse.Namespace, io: CliIO) -> int:
    from safespace_desk.services import auth

    require_store(args.data_dir)
    key = recovery_key(args, io)
    raw, damage = auth.raw_key_for_recovery(args.data_dir, key, io.clock)
    io.err("This is the store's raw encryption key: anyone who has it and a copy of store.db can read "
           "everything. Use it only for disaster recovery and do not save it in a file. "
           + ("(The store is damaged, so its export could not be recorded in the audit log.)" if damage
              else "(Its export was recorded in the audit log.)"))
    io.out(raw)
    if damage:
        io.err(f"safespace-desk: {damage}")
        return EXIT_FAILED
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, io: CliIO) -> int:
    from safespace_desk.demo import DemoOptions, generate_demo

    like = {"hub": "Derby's Safe Space", "crisis": "PFG Doncaster's crisis service",
            "haven": "a Safe Haven"}.get(args.profile, args.profile)
    io.err(f"Writing a demo store with {args.years:g} years of synthetic data at {args.scale}x the volumes of "
           f"{like} into {args.data_dir} ...")
    result = generate_demo(args.data_dir, DemoOptions(years=args.years, scale=args.scale, seed=args.seed,
                                                      profile=args.profile),
                           io.clock, progress=lambda text: io.err(f"  {text}"))
    counts = ", ".join(f"{n:,} {kind}" for kind, n in result.counts.items())
    io.out(f"Demo store ready in {result.seconds:.1f} s: {counts}.")
    io.out("All names and records are synthetic (generated); none is a real person.\n\n"
           "Demo sign-ins (name / password):")
    for s in result.sign_ins:
        io.out(f"  {s.role.label:<11} {s.name} / {s.password}")
    show_recovery_key(io, result.recovery_key)
    return EXIT_OK


# --- parsing -------------------------------------------------------------------------------------


class _UsageError(Exception):
    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.message = message


class _HelpShown(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class _Parser(argparse.ArgumentParser):
    """argparse, but reporting back to ``run`` instead of writing to sys.* and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(self.prog, message)

    def print_help(self, file: Any = None) -> None:
        raise _HelpShown(self.format_help())


def _positive_years(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a number of years, e.g. 1 or 0.5") from None


def build_parser() -> argparse.ArgumentParser:
    data_dir = _Parser(add_help=False)
    data_dir.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS,
                          help="folder of the store (default: the platform's user data folder)")
    manager = _Parser(add_help=False)
    manager.add_argument("--as", dest="acting", required=True, metavar="NAME",
                         help="the manager doing this (their password: --password-stdin or SAFESPACE_PASSWORD)")
    manager.add_argument("--password-stdin", action="store_true",
                         help="read the password from the first line of standard input")

    parser = _Parser(prog="safespace-desk", parents=[data_dir],
                     description="SafeSpace Desk: with no command, opens the desk window.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    init = commands.add_parser("init", parents=[data_dir], help="set up a new store without the window")
    init.add_argument("--site", required=True, help="the site's name")
    init.add_argument("--timezone", default="Europe/London", help="e.g. Europe/London (the default)")
    init.add_argument("--manager", required=True, metavar="NAME", help="the first manager's name")
    init.add_argument("--password-stdin", action="store_true",
                      help="read the manager's password from standard input (else SAFESPACE_PASSWORD)")
    init.add_argument("--profile", choices=("hub", "crisis", "haven"), default="hub",
                      help="the starting point: a 24/7 hub (default), a crisis service by referral, a walk-in haven")
    init.set_defaults(handler=cmd_init)

    staff = commands.add_parser("staff", help="staff accounts (managers)").add_subparsers(
        dest="staff_command", metavar="ACTION", required=True, parser_class=_Parser)
    add = staff.add_parser("add", parents=[data_dir, manager],
                           help="add an account (its password: SAFESPACE_NEW_PASSWORD or the next stdin line)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.set_defaults(handler=cmd_staff_add)
    staff.add_parser("list", parents=[data_dir, manager], help="list accounts").set_defaults(
        handler=cmd_staff_list)
    deactivate = staff.add_parser("deactivate", parents=[data_dir, manager],
                                  help="deactivate an account and remove its key slot")
    deactivate.add_argument("name")
    deactivate.set_defaults(handler=cmd_staff_deactivate)

    audit = commands.add_parser("audit", help="the audit log").add_subparsers(
        dest="audit_command", metavar="ACTION", required=True, parser_class=_Parser)
    verify = audit.add_parser("verify", parents=[data_dir, manager],
                              help="check the hash chain and every page (exit 1 if either is broken)")
    verify.add_argument("--anchor", action="append", default=[], metavar="SEQ:HASH",
                        help="the audit line of a printed handover; the chain must still match it "
                             "(the backups' anchors are checked as well); may be given more than once")
    verify.set_defaults(handler=cmd_audit_verify)

    check = commands.add_parser("check", parents=[data_dir, manager],
                                help="check every page of the store (exit 1 if it is damaged)")
    check.add_argument("--accept-lost-log", action="store_true",
                       help="when the write-ahead log is damaged or missing: keep what store.db and the log "
                            "still hold (the log files are copied aside first); the desk must be closed")
    check.set_defaults(handler=cmd_check)

    key = commands.add_parser("key", help="disaster recovery").add_subparsers(
        dest="key_command", metavar="ACTION", required=True, parser_class=_Parser)
    raw = key.add_parser("raw", parents=[data_dir],
                         help="print the raw SQLCipher key in hex (needs the recovery key; audited)")
    raw.add_argument("--recovery-key-stdin", action="store_true",
                     help="read the recovery key from the first line of standard input")
    raw.set_defaults(handler=cmd_key_raw)

    demo = commands.add_parser("demo", parents=[data_dir], help="make a store full of synthetic data")
    demo.add_argument("--years", type=_positive_years, default=1.0, help="years of history (default 1)")
    demo.add_argument("--scale", type=int, default=1, help="times Derby's volumes (default 1)")
    demo.add_argument("--seed", type=int, default=1, help="the same seed gives the same data (default 1)")
    demo.add_argument("--profile", choices=("hub", "crisis", "haven"), default="hub",
                      help="a 24/7 hub (Derby, the default), a crisis service (PFG Doncaster) or a haven")
    demo.set_defaults(handler=cmd_demo)

    from safespace_desk import cli_data

    cli_data.register(commands, data_dir, manager, _Parser)
    from safespace_desk.sync import cli as sync_cli
    from safespace_desk.sync.server import cli as server_cli

    server_cli.register(commands, _Parser)
    sync_cli.register(commands, data_dir, manager, _Parser)
    return parser


def run(argv: list[str], io: CliIO) -> int:
    """Parse ``argv`` and run the command; returns the exit code and never raises for known errors."""
    try:
        args = build_parser().parse_args(argv)
    except _HelpShown as shown:
        io.out(shown.text.rstrip())
        return EXIT_OK
    except _UsageError as error:
        io.err(f"safespace-desk: {error.message} (see `{error.prog} --help`)")
        return EXIT_USAGE
    args.data_dir = getattr(args, "data_dir", None) or default_data_dir()
    handler = getattr(args, "handler", cmd_gui)
    try:
        return handler(args, io)
    except DeskError as error:
        io.err(f"safespace-desk: {error.message}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        io.err("safespace-desk: stopped.")
        return 130
    except Exception as error:
        from safespace_desk.db.store import StorePaths, translate

        typed = translate(error, StorePaths(args.data_dir))
        if typed is not None:
            io.err(f"safespace-desk: {typed.message}")
            return EXIT_FAILED
        if isinstance(error, OSError):
            io.err(f"safespace-desk: cannot use the data folder: {error.strerror or 'input/output error'}.")
            return EXIT_FAILED
        if io.env.get("SAFESPACE_DEBUG"):
            raise
        # A bug: the exception's text may hold data (e.g. SQL parameters), so only its type is shown.
        io.err(f"safespace-desk: unexpected error ({type(error).__name__}); this is a bug. Nothing was "
               "printed about it here; run again with SAFESPACE_DEBUG=1 to see the details.")
        return EXIT_BUG


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``safespace-desk`` and ``python -m safespace_desk``."""
    try:
        return run(sys.argv[1:] if argv is None else list(argv), CliIO.from_sys())
    except BrokenPipeError:  # e.g. `safespace-desk --help | head`: not worth a traceback
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK

