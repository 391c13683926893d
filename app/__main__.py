"""Command line of the till: ``python -m app [--data-dir DIR] COMMAND``.

This module is the composition root: it alone knows the store, the services and the program files.
Every command opens the database through ``open_store`` (which refuses files that are not ours, backs up
and migrates), prints what happened in words a shop manager understands, and exits non-zero on errors.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

import app.startup  # first of the till's modules: the collector stays off while the rest load (see there)
from app import desk_cli, staff_cli, sync_cli
from app.cliargs import (
    CliParser,
    UsageError,
    check_amount_text,
    check_text,
    count_arg,
    is_member_number,
)
from app.demo import seed_demo
from app.logs import log_dir, setup_logging
from app.paths import backup_dir, database_path, default_data_dir
from app.receipts.setup import ReceiptSetup, receipt_setup
from app.services import SYSTEM, Actor, TillServices, bootstrap_till
from app.services.views import EntryView, MemberView
from app.store import deferred_indexes, name_index
from app.store.audit import verify_audit_chain
from app.store.backups import (
    DEFAULT_KEEP,
    MAX_KEEP,
    BackupResult,
    backup_due,
    list_backups,
    restore_backup,
    take_backup,
)
from app.store.db import Store, inspect_file, open_store
from app.store.operational import retry_when_busy, store_error_for
from loyalty.errors import InvalidInput, LoyaltyError, MemberInactive, NotFound
from loyalty.ids import new_id
from loyalty.money import Money, parse_count
from loyalty.program import load_program
from loyalty.quote import Basket
from loyalty.text import clean_receipt

EXIT_ERROR = 2
"""Exit status of every failure: refused input, a refused file, a busy or read-only database, an unexpected
error. (``audit`` and ``check`` exit 1 when they ran and found problems.)"""

log = logging.getLogger("app")


class AmbiguousMember(LoyaltyError):
    code = "ambiguous_member"
    template = "{count} or more members match {ref}: use the member number."


def _open(args: argparse.Namespace) -> Store:
    data_dir: Path = args.data_dir
    return open_store(database_path(data_dir), backup_dir=backup_dir(data_dir))


def _ensure_till(store: Store, args: argparse.Namespace) -> None:
    key = None
    if getattr(args, "card_key", None):
        try:
            key = bytes.fromhex(args.card_key)
        except ValueError:
            raise UsageError("--card-key must be 64 hexadecimal digits") from None
    bootstrap_till(
        store,
        store_id=args.store_id,
        till_id=args.till_id,
        store_number=args.store_number,
        till_number=args.till_number,
        uid_key=key,
        phone_region=getattr(args, "phone_region", None),
    )


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " ₫"


def _print_member(view: MemberView) -> None:
    tier = view.tier
    print(f"{view.full_name}  #{view.member_number}  ({view.status})")
    print(f"  points: {view.balance:,}".replace(",", "."))
    if view.expiring_points:
        print(f"  expiring within 30 days: {view.expiring_points} (first on {view.next_expiry:%Y-%m-%d})")
    if view.lapsed_points:
        print(f"  expired, awaiting the central: {view.lapsed_points} (not spendable)")
    if tier is not None:
        line = f"  tier: {tier.name}, qualifying spend {_vnd(tier.qualifying_spend)}"
        if tier.next_name:
            line += f"; {_vnd(tier.spend_to_next)} more to {tier.next_name}"
        print(line)
    if view.phone or view.email:
        print(f"  contact: {view.phone or ''} {view.email or ''}".rstrip())
    print(f"  referral code: {view.referral_code}")


def _print_entry(e: EntryView) -> None:
    amount = "" if e.amount is None else _vnd(e.amount.amount)
    print(
        f"{e.created_at:%Y-%m-%d %H:%M}  {e.kind:<8} {e.points:>+7}  {amount:>14}  "
        f"{e.receipt_ref or '':<10} {e.reason or e.action_code or ''}"
    )


def _staff_code(args: argparse.Namespace) -> str:
    """The staff code of a command that changes something: checked before anything is opened."""
    code = (args.staff or os.environ.get("LOYALTY_STAFF") or "").strip()
    if not code:
        raise UsageError("give --staff CODE (or set LOYALTY_STAFF) for this command")
    return check_text(code, "Staff code", limit=16)


def _pin(code: str) -> str:
    """The PIN from ``LOYALTY_PIN`` or the prompt. No PIN (an empty variable, an empty answer, end of input or
    Ctrl-C at the prompt) ends the command before anything is written: not even a failed sign-in."""
    if "LOYALTY_PIN" in os.environ:
        pin = os.environ["LOYALTY_PIN"]
        if not pin.strip():
            raise UsageError("LOYALTY_PIN is set but empty: set it to the PIN or unset it; nothing was done")
        return pin
    try:
        with warnings.catch_warnings():
            # Without a terminal (a script, a pipe) the PIN cannot be hidden; getpass says so in one line.
            warnings.simplefilter("ignore", getpass.GetPassWarning)
            pin = getpass.getpass(f"PIN for staff {code}: ")
    except (KeyboardInterrupt, EOFError):
        print(file=sys.stderr)  # end the prompt's line
        raise UsageError("no PIN was given: nothing was done") from None
    if not pin.strip():
        raise UsageError("no PIN was given: nothing was done")
    return pin


def _actor(svc: TillServices, args: argparse.Namespace) -> Actor:
    code = _staff_code(args)
    pin = _pin(code)
    return retry_when_busy(svc.staff.sign_in, code, pin)


def _member_ref(svc: TillServices, ref: object) -> MemberView:
    """A member from a member number (12+ ASCII digits), or the single search hit (phone, e-mail, name)."""
    text = check_text(ref, "Member").strip()
    if not text:
        raise InvalidInput(what="Member", why="it is empty")
    if is_member_number(text):
        return svc.members.by_number(text)
    hits = svc.members.search(text, limit=2)
    if not hits:
        raise NotFound(what="member", ref=repr(text))
    if len(hits) > 1:
        raise AmbiguousMember(count=len(hits), ref=repr(text))
    return svc.members.get(hits[0].member_id)


# -- commands ------------------------------------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> int:
    store = _open(args)
    _ensure_till(store, args)
    svc = TillServices.open(store)
    if args.program:
        svc.programs.install_file(SYSTEM, args.program)
    print(f"Till ready: {database_path(args.data_dir)}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    try:  # a mistyped printer is said before anything is opened
        receipts = receipt_setup(args.printer, args.printer_profile, mode=args.printer_mode)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if receipts.printer is not None:
        from app.receipts.escpos import describe

        print(f"Receipt printer: {describe(receipts.printer)}")
    store = _open(args)
    check = None
    problems: list[str] = []
    if store.needs_check:
        # The last session did not close cleanly and the file is large: serve at once, check alongside.
        print("The till was not closed cleanly last time: checking the database in the background…")
        check = store.check_later(problems.extend)
    if not args.exit_when_ready:  # a start that serves nobody neither enrolls nor loads the HTTP client
        from app.sync_local import sync_for_run

        sync_for_run(store, args)  # a local central (or --central URL), the till enrolled on its first start
    _ensure_till(store, args)
    svc = TillServices.open(store)
    first = not svc.staff.list()
    if first and not args.no_demo:
        app.startup.collector_back()  # a year of history makes garbage to collect
        print("First start: seeding the demo store (about 200 members, a year of history)…", flush=True)

        def show(done: int, total: int) -> None:
            print(f"\r  {done}/{total} events", end="", flush=True)

        counts = seed_demo(store, members=args.demo_members, progress=show)
        print("\n  " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    svc = TillServices.open(store)
    # The day's maintenance before the first customer: points past their date, tier reviews that are due.
    retry_when_busy(svc.points.expire_due)
    retry_when_busy(svc.points.review_tiers)
    retry_when_busy(name_index.catch_up, store)  # a pull cut short left names to index
    program = svc.programs.active()
    with store.read() as session:
        from sqlalchemy import func, select

        from app.store import models as m

        n_members = session.scalar(select(func.count()).select_from(m.Member)) or 0
        n_entries = session.scalar(select(func.count()).select_from(m.LedgerEntry)) or 0
        pending = session.scalar(
            select(func.count()).select_from(m.OutboxItem).where(m.OutboxItem.acked_at.is_(None))
        )
    print(f"Loyalty Till — store {svc.core.till.store_id}, till {svc.core.till.till_id}")
    print(f"  database: {database_path(args.data_dir)}")
    print(f"  program: {program.name} (version {program.version})")
    print(f"  members: {n_members}, ledger entries: {n_entries}, waiting to sync: {pending}")
    print("  staff: " + ", ".join(f"{s.code} {s.name} ({s.role})" for s in svc.staff.list()))
    print("Try: python -m app members search 'nguyen an'   ·   python -m app --help")
    status = _open_window(store, svc, args, receipts)
    if check is not None:
        check.join()
        if problems:
            print("The database check found problems: " + "; ".join(problems[:5]), file=sys.stderr)
            print(
                "Stop using this till and restore the latest backup (see docs/architecture.md).",
                file=sys.stderr,
            )
            return EXIT_ERROR
        print("Database check: no problems.")
    store.close()
    if args.exit_when_ready:
        return status
    # A clean shutdown leaves a verified copy behind: the till holds the only copy of unsynced entries.
    result = take_backup(
        database_path(args.data_dir), backup_dir(args.data_dir), kind="shutdown", keep=args.keep_backups
    )
    _print_backup(result)
    return status


def _open_window(store: Store, svc: TillServices, args: argparse.Namespace, receipts: ReceiptSetup) -> int:
    """The till window, when it can open here (else the state printed above is all ``run`` does)."""
    from app.ui.display import why_no_window

    reason = "--no-window was given" if args.no_window else why_no_window()
    if reason is not None:
        print(f"Not opening the till window: {reason}.")
        return 0
    from app.ui.launch import run_window

    return run_window(
        store, svc, reader_uris=args.reader, exit_when_ready=args.exit_when_ready, receipts=receipts
    )


def cmd_migrate(args: argparse.Namespace) -> int:
    _open(args)
    print("Database is at the current schema.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    store = _open(args)
    _ensure_till(store, args)
    counts = seed_demo(store, members=args.members)
    print(json.dumps(counts))
    return 0


def cmd_program(args: argparse.Namespace) -> int:
    if args.action == "check":
        program = load_program(args.file)
        print(f"{args.file}: program {program.version} ({program.name}) is valid")
        return 0
    code = _staff_code(args) if args.action == "install" else ""
    if args.action == "install":
        load_program(args.file)  # a file that does not load is refused before anyone signs in
    store = _open(args)
    svc = TillServices.open(store)
    if args.action == "install":
        actor = retry_when_busy(svc.staff.sign_in, code, _pin(code))
        program = retry_when_busy(svc.programs.install_file, actor, args.file)
        print(f"Installed and activated program {program.version}")
    else:
        print(svc.programs.active().model_dump_json(indent=2))
    return 0


def cmd_members(args: argparse.Namespace) -> int:
    query = check_text(args.query, "Search")
    if args.action == "duplicates":
        return _list_duplicates(args)
    if not query.strip():
        raise UsageError(f"members {args.action}: give a name, phone, e-mail or member number")
    store = _open(args)
    svc = TillServices.open(store)
    if args.action == "search":
        hits = svc.members.search(query)
        for hit in hits:
            print(f"{hit.member_number}  {hit.full_name:<28} {hit.phone or '':<14} (by {hit.matched_on})")
        if not hits:
            # Found nothing is an answer, not a failure (status 0), but silence would look like one.
            print(f"No member matches {query!r}.", file=sys.stderr)
    elif args.action == "show":
        _print_member(_member_ref(svc, args.query))
    elif args.action == "history":
        view = _member_ref(svc, args.query)
        _print_member(view)
        for e in svc.members.history(view.id, limit=args.limit):
            _print_entry(e)
    return 0


def _list_duplicates(args: argparse.Namespace) -> int:
    """Members who are probably someone already enrolled, for a manager to merge (manager only)."""
    code = _staff_code(args)
    store = _open(args)
    svc = TillServices.open(store)
    actor = retry_when_busy(svc.staff.sign_in, code, _pin(code))
    found = svc.members.duplicates(actor)
    why = {"phone": "same phone as", "invalid_phone": "phone number not valid:"}
    for d in found:
        other = f"{d.duplicate_of_number} {d.duplicate_of_name}" if d.duplicate_of_number else d.old_value
        print(f"{d.member_number}  {d.full_name:<28} {why.get(d.reason, d.reason)} {other}")
    print(f"{len(found)} to review; merge them with a manager's PIN (nothing is merged by itself).")
    return 0


def cmd_sale(args: argparse.Namespace) -> int:
    # Everything about the arguments is checked before sign-in, so a refused command writes nothing (a wrong
    # PIN is still recorded: sign-in audits its failures).
    code = _staff_code(args)
    amount_text = check_amount_text(args.amount)
    receipt = clean_receipt(check_text(args.receipt, "Receipt number"))
    points = parse_count(check_text(args.points, "Points")) if args.action == "redeem" else 0
    if args.action == "redeem" and points <= 0:
        raise InvalidInput(what="Points", why="redeem a whole number of points, more than zero")
    store = _open(args)
    svc = TillServices.open(store)
    program = svc.programs.active()
    amount = Money.parse(amount_text, program.currency)
    if amount.amount <= 0:
        raise InvalidInput(what="Amount", why="it must be more than zero")
    member = _member_ref(svc, args.member)
    if member.status != "active":
        raise MemberInactive(member=member.member_number, status=member.status)
    actor = retry_when_busy(svc.staff.sign_in, code, _pin(code))
    # One entry id for every attempt: a retried write that did reach the disk is replayed, not repeated.
    entry_id = new_id()
    if args.action == "award":
        change = retry_when_busy(
            svc.points.award, actor, member.id, Basket.of_total(amount), receipt, entry_id=entry_id
        )
    else:
        change = retry_when_busy(
            svc.points.redeem, actor, member.id, points, bill=amount, receipt_ref=receipt, entry_id=entry_id
        )
    for e in change.entries:
        _print_entry(e)
    if change.replayed:
        print("(already recorded: nothing new was written)")
    _print_member(change.member)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    store = _open(args)
    with store.read() as session:
        problems = verify_audit_chain(session)
    if problems:
        lines = [f"audit row {p.seq}: {p.kind}: {p.message}" for p in problems]
        for line in lines:
            print(line)
        _log_problems("audit", lines)
        return 1
    print("Audit log intact.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Full check of the till's file (app.store.integrity): SQLite's own checks, the append-only triggers,
    the audit and ledger hash chains, balances, lots and overdrafts, staff rows, program versions."""
    from app.store.integrity import check_database

    data_dir: Path = args.data_dir
    store = open_store(database_path(data_dir), backup_dir=backup_dir(data_dir), quick_check=True)
    with store.read() as session:
        problems = check_database(session)
    for line in problems:
        print(line)
    if problems:
        _log_problems("check", problems)
        return 1
    print("Database, audit log, ledger chains, points, staff and programs are consistent.")
    return 0


LOGGED_PROBLEMS = 100


def _log_problems(command: str, lines: Sequence[str]) -> None:
    """What a check found goes to the log too: the evidence of tampering outlives the terminal it was printed
    on. Bounded, since a rewritten file can give a line per entry."""
    for line in lines[:LOGGED_PROBLEMS]:
        log.warning("%s: %s", command, line)
    if len(lines) > LOGGED_PROBLEMS:
        log.warning("%s: and %d more problems (printed, not logged)", command, len(lines) - LOGGED_PROBLEMS)


def cmd_card_key(args: argparse.Namespace) -> int:
    """Show the till's card key, to set up the store's other tills with the same one (keep it secret)."""
    store = _open(args)
    print(TillServices.open(store).core.uid_key.hex())
    return 0


def cmd_expire(args: argparse.Namespace) -> int:
    store = _open(args)
    removed = retry_when_busy(TillServices.open(store).points.expire_due)
    print(f"Expired {removed} points.")
    return 0


def _print_backup(result: BackupResult) -> None:
    b = result.backup
    line = f"Backup written and verified: {b.path} ({b.size:,} bytes); {result.kept} kept"
    if result.removed:
        line += f", {len(result.removed)} older removed"
    print(line + ".")


def _existing_database(args: argparse.Namespace) -> Path:
    """The till's database for commands that only read the file (backup): never created by them."""
    db = database_path(args.data_dir)
    state = inspect_file(db, quick_check=False, backup_dir=backup_dir(args.data_dir)) if db.exists() else None
    if state is None or state.fresh:
        raise NotFound("There is no till database with data at {ref}: nothing to back up.", ref=str(db))
    return db


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up now (verified, rotated); the till and other commands may go on writing meanwhile."""
    db = _existing_database(args)
    _print_backup(take_backup(db, backup_dir(args.data_dir), kind="manual", keep=args.keep_backups))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a backup in place of the till's database; the current file is kept aside."""
    source: Path = args.file
    result = restore_backup(source, database_path(args.data_dir), backup_dir(args.data_dir))
    print(f"Restored {result.source} as {result.restored} (schema {result.revision}).")
    if result.set_aside:
        print("The database it replaced was kept as: " + ", ".join(str(p) for p in result.set_aside))
    print(
        "Sales recorded after that backup was taken are not in it unless they had synced. "
        "Run 'python -m app check' to check it."
    )
    return 0


def _backup_if_due(svc: TillServices, args: argparse.Namespace) -> str:
    db, folder = database_path(args.data_dir), backup_dir(args.data_dir)
    if not backup_due(db, folder, timedelta(hours=args.backup_every)):
        return f"not due (newest: {list_backups(db, folder)[0].path.name})"
    result = take_backup(db, folder, kind="daily", keep=args.keep_backups)
    return f"{result.backup.path} written and verified, {result.kept} kept"


def _index_names(svc: TillServices, _args: argparse.Namespace) -> str:
    store = svc.core.store
    with store.read() as session:
        behind = name_index.behind(session)
        deferred = len(deferred_indexes.pending(session))
    retry_when_busy(name_index.catch_up, store)
    done = [f"{behind} names added"] if behind else []
    done += [f"{deferred} members' indexes a first pull left built"] if deferred else []
    return ", ".join(done) or "up to date"


MaintenanceStep = Callable[[TillServices, argparse.Namespace], str]

MAINTENANCE: tuple[tuple[str, MaintenanceStep], ...] = (
    # Each step: (name, what it did as words). Writes first, so the day's backup has them.
    ("expiry", lambda svc, _: f"{retry_when_busy(svc.points.expire_due)} points expired"),
    ("tier reviews", lambda svc, _: f"{retry_when_busy(svc.points.review_tiers)} members changed tier"),
    ("name index", _index_names),
    ("backup", _backup_if_due),
)
"""The daily jobs of ``python -m app maintenance``, in order."""


def cmd_maintenance(args: argparse.Namespace) -> int:
    """The till's daily jobs (run it from the system's scheduler): each step runs even if one before failed."""
    store = _open(args)
    svc = TillServices.open(store)
    failed = 0
    for name, step in MAINTENANCE:
        try:
            outcome = step(svc, args)
        except Exception as exc:
            known = exc if isinstance(exc, LoyaltyError) else store_error_for(exc, store.path)
            if known is None:
                raise
            failed += 1
            log.warning("maintenance %s failed: %s", name, known)
            print(f"{name}: failed: {known}", file=sys.stderr)
            continue
        log.info("maintenance %s: %s", name, outcome)
        print(f"{name}: {outcome}")
    return EXIT_ERROR if failed else 0


def cmd_insights(args: argparse.Namespace) -> int:
    """The store's metrics and the lifetime-value models fitted to its history (``--json``: every figure)."""
    from app.services.insight_figures import metrics_as_dict
    from app.services.insights import InsightsService

    store = _open(args)
    svc = TillServices.open(store)
    figures = InsightsService(svc.core).store_metrics()
    if args.json:
        print(json.dumps(metrics_as_dict(figures), ensure_ascii=False, indent=2))
        return 0
    print(f"Insights for store {svc.core.till.store_id} as of {figures.as_of:%Y-%m-%d}")
    print(
        f"  members: {figures.members}, buyers: {figures.buyers}, active in the last 90 days: {figures.active}"
    )
    print(f"  North Star, repeat customers in the last 90 days: {figures.north_star}")

    def dots(n: int) -> str:
        return f"{n:,}".replace(",", ".")

    liability = figures.liability
    print(f"  points liability: {dots(liability.points)} points = {_vnd(liability.value)}")
    for bucket in liability.schedule[:6]:
        when = "never expire" if bucket.month is None else f"expire in {bucket.month:%Y-%m}"
        print(f"    {dots(bucket.points):>9} {when}")
    issued = sum(f.issued for f in figures.flow)
    redeemed = sum(f.redeemed for f in figures.flow)
    rate = "-" if figures.redemption_rate is None else f"{figures.redemption_rate:.0%}"
    print(f"  points issued {dots(issued)}, redeemed {dots(redeemed)} (redemption rate {rate})")
    print(f"  enrolments in the last {len(figures.enrolments)} days: {sum(n for _, n in figures.enrolments)}")
    print("  segments: " + ", ".join(f"{seg.value} {n}" for seg, n in figures.segments.items() if n))
    fit = figures.fit
    if fit.bgnbd is not None:
        b = fit.bgnbd
        print(
            f"  BG/NBD (weeks): r={b.r:.4g} alpha={b.alpha:.4g} a={b.a:.4g} b={b.b:.4g} ({b.customers} buyers)"
        )
    if fit.gamma_gamma is not None:
        g = fit.gamma_gamma
        print(f"  Gamma-Gamma spend: p={g.p:.4g} q={g.q:.4g} v={g.v:.4g} (mean {_vnd(round(g.mean_spend))})")
    for problem in fit.problems:
        print(f"  {problem}")
    return 0


def _default_keep() -> int:
    raw = os.environ.get("LOYALTY_KEEP_BACKUPS", "").strip()
    return parse_count(raw, "LOYALTY_KEEP_BACKUPS") if raw else DEFAULT_KEEP


def build_parser() -> argparse.ArgumentParser:
    parser = CliParser(prog="python -m app", description="Loyalty Till")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help=f"the till's data folder (default {default_data_dir()})"
    )
    parser.add_argument("--store-id", default="demo-store", help="on first start: this store's id")
    parser.add_argument("--till-id", default="till-1", help="on first start: this till's id")
    parser.add_argument(
        "--store-number", type=count_arg(0, 999), default=1, help="on first start: store number (0-999)"
    )
    parser.add_argument(
        "--till-number", type=count_arg(0, 99), default=1, help="on first start: till number (0-99)"
    )
    parser.add_argument("--staff", help="staff code for commands that change points")
    parser.add_argument(
        "--reader",
        action="append",
        metavar="URI",
        help="a card reader for the window (repeatable): pcsc, pcsc:NAME, nfc:usb, sim, sim:demo, wedge; "
        "default: every reader found plus the simulated one",
    )
    parser.add_argument(
        "--printer",
        metavar="URI",
        help="the receipt printer (ESC/POS): usb:VID:PID, network:HOST[:PORT] or file:PATH "
        "(default: $LOYALTY_PRINTER; none: receipts are shown and saved as PDF)",
    )
    parser.add_argument(
        "--printer-profile",
        metavar="NAME",
        help="the printer's python-escpos profile, e.g. TM-T88V (default: $LOYALTY_PRINTER_PROFILE, else "
        "'default')",
    )
    parser.add_argument(
        "--printer-mode",
        choices=("auto", "codepage", "raster", "folded"),
        default=None,
        help="how Vietnamese reaches the paper: codepage (Windows-1258), raster (the slip as an image), "
        "folded (without diacritics); auto takes the first the profile can do "
        "(default: $LOYALTY_PRINTER_MODE, else auto)",
    )
    parser.add_argument(
        "--keep-backups",
        type=count_arg(1, MAX_KEEP),
        default=None,
        metavar="N",
        help=f"regular backups to keep (default: $LOYALTY_KEEP_BACKUPS, else {DEFAULT_KEEP})",
    )
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="start the till (seeds the demo store on first start)")
    run.add_argument("--no-demo", action="store_true", help="do not seed the demo store")
    run.add_argument("--no-window", action="store_true", help="print the till's state without the window")
    run.add_argument("--demo-members", type=count_arg(1, 1_000_000), default=200)
    run.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="open the window, print 'window ready' once it can take a sign-in, and close (smoke tests and "
        "the cold-start benchmark: nobody is served, so no shutdown backup is taken)",
    )
    sync_cli.add_run_options(run)
    run.set_defaults(func=cmd_run)

    init = sub.add_parser("init", help="create the till database and its identity")
    init.add_argument("--program", type=Path, help="program file to install")
    init.add_argument(
        "--card-key",
        help="the store's card key (64 hex digits, shown by 'card-key' on its first till): every till of a "
        "store must hash card UIDs alike",
    )
    init.add_argument(
        "--phone-region",
        help="the store's country for phone numbers typed without a country code (ISO 3166, default VN)",
    )
    init.set_defaults(func=cmd_init)

    sub.add_parser("migrate", help="upgrade the database (a backup is taken first)").set_defaults(
        func=cmd_migrate
    )

    demo = sub.add_parser("demo", help="seed the demo store")
    demo.add_argument("--members", type=count_arg(1, 1_000_000), default=200)
    demo.set_defaults(func=cmd_demo)

    prog = sub.add_parser("program", help="check, install or show the loyalty program")
    prog.add_argument("action", choices=["check", "install", "show"])
    prog.add_argument("file", type=Path, nargs="?")
    prog.set_defaults(func=cmd_program)

    mem = sub.add_parser("members", help="find members; export or erase a member's personal data")
    mem.add_argument("action", choices=["search", "show", "history", "duplicates", *desk_cli.MEMBER_ACTIONS])
    mem.add_argument("query", nargs="?", default="")
    mem.add_argument("--limit", type=count_arg(1, 1000), default=30)
    mem.set_defaults(func=cmd_members)
    desk_cli.add_commands(sub, mem, _open, _actor, _member_ref)  # cards; members export, erase

    award = sub.add_parser("award", help="award the points of a sale")
    award.add_argument("member")
    award.add_argument("amount")
    award.add_argument("--receipt", required=True)
    award.set_defaults(func=cmd_sale, action="award")

    redeem = sub.add_parser("redeem", help="pay part of a bill with points")
    redeem.add_argument("member")
    redeem.add_argument("points", help="points to redeem (digits 0-9, e.g. 100 or 1.000)")
    redeem.add_argument("amount", help="the bill amount")
    redeem.add_argument("--receipt", required=True)
    redeem.set_defaults(func=cmd_sale, action="redeem")

    sub.add_parser("audit", help="verify the audit log's hash chain").set_defaults(func=cmd_audit)
    sub.add_parser("expire", help="expire points past their date").set_defaults(func=cmd_expire)
    sub.add_parser("check", help="full consistency check of the database").set_defaults(func=cmd_check)
    sub.add_parser("card-key", help="print the card key for the store's other tills").set_defaults(
        func=cmd_card_key
    )
    sub.add_parser(
        "backup", help="back up the database now (verified; the oldest beyond --keep-backups are removed)"
    ).set_defaults(func=cmd_backup)
    restore = sub.add_parser(
        "restore", help="put a backup in place of the database (the current file is kept aside)"
    )
    restore.add_argument("file", type=Path, help="the backup file (see the backups folder)")
    restore.set_defaults(func=cmd_restore)
    maintenance = sub.add_parser(
        "maintenance",
        help="the daily jobs: expire points, write the tier reviews that are due, back up if the newest backup "
        "is older than a day",
    )
    maintenance.add_argument(
        "--backup-every",
        type=count_arg(1, 24 * 366),
        default=24,
        metavar="HOURS",
        help="take a backup when the newest is older than this (default 24)",
    )
    maintenance.set_defaults(func=cmd_maintenance)
    insights = sub.add_parser(
        "insights", help="store metrics and the lifetime-value models fitted to the history"
    )
    insights.add_argument("--json", action="store_true", help="every figure as JSON")
    insights.set_defaults(func=cmd_insights)
    sync_cli.add_commands(sub, _open)
    staff_cli.add_commands(sub, _open, _actor)
    return parser


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(words)
    if args.command is None:
        args = parser.parse_args([*words, "run"])
    if args.command == "program" and args.action in ("check", "install") and args.file is None:
        parser.error("give the program file")
    if args.keep_backups is None:
        args.keep_backups = _default_keep()
        if not 1 <= args.keep_backups <= MAX_KEEP:
            raise UsageError(f"LOYALTY_KEEP_BACKUPS must be 1 to {MAX_KEEP}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Every failure is one sentence on stderr and exit status 2; the log has the rest."""
    try:
        args = _parse(argv)
    except (UsageError, LoyaltyError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    if args.func is not cmd_run:
        app.startup.collector_back()  # only the window's start waits for it (app.ui.launch)
    explicit_dir = args.data_dir is not None
    if not explicit_dir:
        args.data_dir = default_data_dir()
    # One log per data folder given on the command line; the user log folder for the default one.
    log_path = setup_logging(log_dir(args.data_dir if explicit_dir else None))
    log.info("%s: started (data folder %s)", args.command, args.data_dir)
    try:
        status = int(args.func(args))
    except (UsageError, LoyaltyError) as err:
        message = err.message if isinstance(err, LoyaltyError) else str(err)
        log.warning("%s: refused (%s): %s", args.command, getattr(err, "code", "usage"), message)
        print(f"error: {message}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader of our output went away (`... | head`): what they wanted was printed. Point stdout at
        # nothing so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        log.info("%s: output closed by its reader", args.command)
        return 0
    except KeyboardInterrupt:
        log.warning("%s: interrupted", args.command)
        print("\nerror: interrupted; what had not been saved was not written", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        known = store_error_for(exc, database_path(args.data_dir))
        if known is not None:
            log.warning("%s: refused (%s): %s", args.command, known.code, known.message, exc_info=exc)
            print(f"error: {known.message}", file=sys.stderr)
            return EXIT_ERROR
        log.exception("%s: unexpected error", args.command)
        where = f"the details are in {log_path}" if log_path else "the log could not be written"
        print(
            f"error: an unexpected problem stopped this command ({type(exc).__name__}); {where}.",
            file=sys.stderr,
        )
        return EXIT_ERROR
    log.info("%s: finished with status %d", args.command, status)
    return status


if __name__ == "__main__":
    sys.exit(main())
