"""``safespace-desk report``, ``import visits``, ``backup`` and ``restore``: a manager's data tools.

Kept apart from cli.py (which owns parsing, secrets and errors) so each file stays small.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from safespace_desk.domain.errors import DeskError, ValidationError
from safespace_desk.domain.roles import Permission

EXIT_OK, EXIT_FAILED = 0, 1
FORMATS = ("csv", "json", "pdf")


def cmd_report(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.cli import signed_in
    from safespace_desk.reports.export import figures_to_csv, figures_to_json_text
    from safespace_desk.reports.figures import compute_figures
    from safespace_desk.reports.period import make_range, parse_day
    from safespace_desk.services.site import get_site

    if args.format == "pdf" and not args.out and not args.cohort:
        raise ValidationError("A PDF needs a file: add --out report.pdf.", field="out")
    with signed_in(args, io, Permission.REPORTS, "see reports") as desk:
        zone = get_site(desk).zone
        if args.date_from or args.date_to:
            if not (args.date_from and args.date_to):
                raise ValidationError("Give both --from and --to (or neither, for last month).", field="to")
            first, last = parse_day(args.date_from, "from"), parse_day(args.date_to, "to")
        else:
            first, last = _last_month(io.clock.now().astimezone(zone).date())
        if args.impact and args.cohort:
            raise ValidationError("Choose --impact or --cohort, not both.", field="cohort")
        if args.impact:
            return _write_impact(args, io, desk, make_range(first, last, zone))
        if args.cohort:
            return _write_cohort(args, io, desk, make_range(first, last, zone))
        figures = compute_figures(desk, make_range(first, last, zone))
    if args.format == "pdf":
        from safespace_desk.ui.reports.pdf import write_report_pdf  # Qt, only for a PDF

        out = Path(args.out)
        write_report_pdf(figures, out)
        io.out(f"Wrote the {figures.range_label} report to {out}.")
        return EXIT_OK
    text = figures_to_csv(figures) if args.format == "csv" else figures_to_json_text(figures)
    if args.out:
        _write_text(Path(args.out), text)
        io.out(f"Wrote the {figures.range_label} report to {args.out}.")
    else:
        io.stdout.write(text)
    return EXIT_OK


def _write_impact(args: argparse.Namespace, io: Any, desk: Any, rng: Any) -> int:
    """``report --impact``: the impact estimate (docs/figures.md) as CSV, JSON or PDF."""
    from safespace_desk.reports.partnership_export import estimate_to_csv, estimate_to_json_text
    from safespace_desk.services import impact
    from safespace_desk.services.site import get_site

    estimate = impact.estimate(desk, rng)
    if args.format == "pdf":
        from safespace_desk.ui.partnership.documents import write_estimate_pdf  # Qt, only for a PDF

        write_estimate_pdf(estimate, Path(args.out), get_site(desk).zone)
    else:
        text = estimate_to_csv(estimate) if args.format == "csv" else estimate_to_json_text(estimate)
        if not args.out:
            io.stdout.write(text)
            return EXIT_OK
        _write_text(Path(args.out), text)
    io.out(f"Wrote the impact estimate for {estimate.range_label} to {args.out}.")
    return EXIT_OK


def _write_cohort(args: argparse.Namespace, io: Any, desk: Any, rng: Any) -> int:
    """``report --cohort``: of the people first seen in the dates, where they are now (docs/figures.md)."""
    from safespace_desk.reports.cohort import cohort_report, cohort_to_csv, cohort_to_json_text

    if args.format == "pdf":
        raise ValidationError("The cohort report is CSV or JSON: use --format csv or --format json.", field="format")
    cohort = cohort_report(desk, rng)
    text = cohort_to_csv(cohort) if args.format == "csv" else cohort_to_json_text(cohort)
    if not args.out:
        io.stdout.write(text)
        return EXIT_OK
    _write_text(Path(args.out), text)
    io.out(f"Wrote where the people first seen {cohort.first_day:%-d %b %Y} to {cohort.last_day:%-d %b %Y} are "
           f"now to {args.out}.")
    return EXIT_OK


def cmd_import_visits(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.domain.sign_in_sheet import COLUMNS
    from safespace_desk.services import importer

    return _run_import(args, io, importer.import_visits, COLUMNS, "import sign-in sheets")


def cmd_import_referrals(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.domain.casework_sheets import REFERRAL_COLUMNS
    from safespace_desk.services import casework_import

    return _run_import(args, io, casework_import.import_referrals, REFERRAL_COLUMNS, "import referrals")


def cmd_import_contacts(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.domain.casework_sheets import CONTACT_COLUMNS
    from safespace_desk.services import casework_import

    return _run_import(args, io, casework_import.import_contacts, CONTACT_COLUMNS, "import contacts")


def _run_import(args: argparse.Namespace, io: Any, run: Any, columns: tuple[str, ...], action: str) -> int:
    """Every sheet import alike: read the file, sign in, dry run or import, list problems by line."""
    from safespace_desk.cli import signed_in

    path = Path(args.file)
    try:
        with path.open("rb"):
            pass  # read a block at a time by the importer (a sheet can be a million lines)
    except FileNotFoundError:
        raise DeskError(f"There is no file {path}.") from None
    except OSError as error:
        raise DeskError(f"{path} cannot be read ({error.strerror}).") from None
    mapping = _mapping(args.map or [], columns)
    with signed_in(args, io, Permission.DATA_RIGHTS, action) as desk:
        report = run(desk, path, mapping=mapping, dry_run=args.dry_run, progress=_progress_lines(io))
    for error in report.errors:
        io.out(f"line {error.line}: {error.message}")
    for uncertain in report.uncertain:
        io.out(f"review: “{uncertain.name}” may be {', '.join(uncertain.candidates)} "
               "(added as a new guest; see the duplicates list)")
    io.out(report.summary())
    return EXIT_FAILED if report.errors else EXIT_OK


def _progress_lines(io: Any) -> Any:
    """Progress on standard error, at most every 5% (an import reports every thousand lines)."""
    shown = [-1]

    def show(done: int, total: int) -> None:
        step = 100 * done // max(total, 1) // 5
        if step != shown[0]:
            shown[0] = step
            io.err(f"  {min(done, total):,} of {total:,} lines")
    return show


def cmd_backup(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.cli import signed_in
    from safespace_desk.services import backups

    with signed_in(args, io, Permission.DATA_RIGHTS, "make backups") as desk:
        info = backups.run_backup(desk, Path(args.to) if args.to else None)
    io.out(f"Backed up, and every page of the copy checked ({info.pages_checked:,} pages): {info.path} "
           f"({info.size_bytes / 1_048_576:.1f} MB).")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, io: Any) -> int:
    from safespace_desk.cli import acting_password, recovery_key, require_store
    from safespace_desk.db.desk_lock import desk_lock
    from safespace_desk.services import backups

    backup = Path(args.backup)
    if not backup.is_dir():
        raise DeskError(f"There is no backup folder {backup}.")
    require_store(args.data_dir)
    if args.recovery_key_stdin:
        credentials: dict[str, str] = {"recovery_key": recovery_key(args, io)}
    elif args.acting:
        credentials = {"manager_name": args.acting, "password": acting_password(args, io)}
    else:
        raise ValidationError("Say who restores: --as MANAGER (with their password), or "
                              "--recovery-key-stdin.", field="as")
    with desk_lock(args.data_dir, exclusive=True):
        result = backups.restore_backup(args.data_dir, backup, io.clock, **credentials)
    io.out(f"Restored {backup.name}. The store it replaced is kept in {result.aside}.")
    for line in result.warnings():
        io.out(f"Note: {line}")
    return EXIT_OK


def register(commands: Any, data_dir: argparse.ArgumentParser, manager: argparse.ArgumentParser,
             parser_class: type[argparse.ArgumentParser]) -> None:
    report = commands.add_parser("report", parents=[data_dir, manager],
                                 help="monthly figures, or the impact estimate, as CSV, JSON or PDF "
                                      "(managers; see docs/figures.md)")
    report.add_argument("--from", dest="date_from", metavar="DATE", help="first day, YYYY-MM-DD or DD/MM/YYYY")
    report.add_argument("--to", dest="date_to", metavar="DATE", help="last day (default: last month)")
    report.add_argument("--format", choices=FORMATS, default="csv")
    report.add_argument("--out", metavar="FILE", help="write to a file (needed for pdf; else standard output)")
    report.add_argument("--impact", action="store_true",
                        help="the impact estimate (counts x unit costs, with sources) instead of the figures")
    report.add_argument("--cohort", action="store_true",
                        help="the cohort report: of the people first seen in these dates, where they are now "
                             "(CSV or JSON)")
    report.set_defaults(handler=cmd_report)

    imports = commands.add_parser("import", help="import history").add_subparsers(
        dest="import_command", metavar="WHAT", required=True, parser_class=parser_class)
    visits = imports.add_parser("visits", parents=[data_dir, manager],
                                help="visits from a sign-in sheet CSV (name,date,time_in,time_out,arrived_via)")
    visits.add_argument("file", metavar="FILE.csv")
    visits.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
    visits.add_argument("--map", action="append", metavar="OURS=THEIRS",
                        help="use another header for a column, e.g. --map name=Guest (repeatable)")
    visits.set_defaults(handler=cmd_import_visits)
    for what, columns, handler in (
            ("referrals", "name,date,time,source,reason; optional decision,decline_reason,closed,closure_reason,"
                          "factors", cmd_import_referrals),
            ("contacts", "name,date,time,kind,minutes,outcome; optional notes", cmd_import_contacts)):
        sheet = imports.add_parser(what, parents=[data_dir, manager],
                                   help=f"a crisis service's {what} from a CSV ({columns})")
        sheet.add_argument("file", metavar="FILE.csv")
        sheet.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
        sheet.add_argument("--map", action="append", metavar="OURS=THEIRS",
                           help="use another header for a column, e.g. --map name=Person (repeatable)")
        sheet.set_defaults(handler=handler)

    backup = commands.add_parser("backup", parents=[data_dir, manager],
                                 help="write and check an encrypted backup (to --to or the chosen folder)")
    backup.add_argument("--to", metavar="FOLDER", help="where to write it (default: the folder set in the app)")
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser("restore", parents=[data_dir],
                                  help="replace the store with a backup (the app must be closed; "
                                       "the replaced store is kept)")
    restore.add_argument("backup", metavar="BACKUP_FOLDER")
    restore.add_argument("--as", dest="acting", metavar="NAME", help="a manager of the store in the data folder now")
    restore.add_argument("--password-stdin", action="store_true",
                         help="read that manager's password from standard input (else SAFESPACE_PASSWORD)")
    restore.add_argument("--recovery-key-stdin", action="store_true",
                         help="use this store's recovery key, from standard input, instead")
    restore.set_defaults(handler=cmd_restore)


def _last_month(today: date) -> tuple[date, date]:
    first_this = today.replace(day=1)
    last = first_this - timedelta(days=1)
    return last.replace(day=1), last


def _mapping(pairs: list[str], columns: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        if not sep or ours.strip() not in columns or not theirs.strip():
            raise ValidationError(f"--map takes OURS=THEIRS with OURS one of {', '.join(columns)} "
                                  f"(got “{pair[:40]}”).", field="map")
        mapping[ours.strip()] = theirs.strip()
    return mapping


def _write_text(path: Path, text: str) -> None:
    from safespace_desk.db.fileio import atomic_write_bytes

    atomic_write_bytes(path, text.encode("utf-8"))
