"""Command line of the till: ``python -m app [--data-dir DIR] COMMAND``.

This module is the composition root: it alone knows the store, the services and the program files.
Every command opens the database through ``open_store`` (which refuses files that are not ours, backs up
and migrates), prints what happened in words a shop manager understands, and exits non-zero on errors.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app.demo import seed_demo
from app.paths import backup_dir, database_path, default_data_dir
from app.services import SYSTEM, Actor, TillServices, bootstrap_till
from app.services.views import EntryView, MemberView
from app.store.audit import verify_audit_chain
from app.store.db import Store, open_store
from loyalty.errors import LoyaltyError
from loyalty.money import Money
from loyalty.program import load_program
from loyalty.quote import Basket

EXIT_ERROR = 2


def _open(args: argparse.Namespace) -> Store:
    data_dir: Path = args.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    return open_store(database_path(data_dir), backup_dir=backup_dir(data_dir))


def _ensure_till(store: Store, args: argparse.Namespace) -> None:
    key = None
    if getattr(args, "card_key", None):
        try:
            key = bytes.fromhex(args.card_key)
        except ValueError:
            raise SystemExit("error: --card-key must be 64 hexadecimal digits") from None
    bootstrap_till(
        store,
        store_id=args.store_id,
        till_id=args.till_id,
        store_number=args.store_number,
        till_number=args.till_number,
        uid_key=key,
    )


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " ₫"


def _print_member(view: MemberView) -> None:
    tier = view.tier
    print(f"{view.full_name}  #{view.member_number}  ({view.status})")
    print(f"  points: {view.balance:,}".replace(",", "."))
    if view.expiring_points:
        print(f"  expiring within 30 days: {view.expiring_points} (first on {view.next_expiry:%Y-%m-%d})")
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


def _actor(svc: TillServices, args: argparse.Namespace) -> Actor:
    code = args.staff or os.environ.get("LOYALTY_STAFF")
    if not code:
        raise SystemExit("give --staff CODE (or set LOYALTY_STAFF) for this command")
    pin = os.environ.get("LOYALTY_PIN") or getpass.getpass(f"PIN for staff {code}: ")
    return svc.staff.sign_in(code, pin)


def _member_ref(svc: TillServices, ref: str) -> MemberView:
    """A member from a member number, or a single search hit (phone, e-mail, name)."""
    if ref.isdigit() and len(ref) >= 12:
        return svc.members.by_number(ref)
    hits = svc.members.search(ref, limit=2)
    if len(hits) != 1:
        raise SystemExit(f"{len(hits)} members match {ref!r}; use the member number")
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
    store = _open(args)
    check = None
    problems: list[str] = []
    if store.needs_check:
        # The last session did not close cleanly and the file is large: serve at once, check alongside.
        print("The till was not closed cleanly last time: checking the database in the background…")
        check = store.check_later(problems.extend)
    _ensure_till(store, args)
    svc = TillServices.open(store)
    first = not svc.staff.list()
    if first and not args.no_demo:
        print("First start: seeding the demo store (about 200 members, a year of history)…", flush=True)

        def show(done: int, total: int) -> None:
            print(f"\r  {done}/{total} events", end="", flush=True)

        counts = seed_demo(store, members=args.demo_members, progress=show)
        print("\n  " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    svc = TillServices.open(store)
    svc.points.expire_due()
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
    return 0


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
    store = _open(args)
    svc = TillServices.open(store)
    if args.action == "install":
        actor = _actor(svc, args)
        program = svc.programs.install_file(actor, args.file)
        print(f"Installed and activated program {program.version}")
    else:
        print(svc.programs.active().model_dump_json(indent=2))
    return 0


def cmd_members(args: argparse.Namespace) -> int:
    store = _open(args)
    svc = TillServices.open(store)
    if args.action == "search":
        for hit in svc.members.search(args.query):
            print(f"{hit.member_number}  {hit.full_name:<28} {hit.phone or '':<14} (by {hit.matched_on})")
    elif args.action == "show":
        _print_member(_member_ref(svc, args.query))
    elif args.action == "history":
        view = _member_ref(svc, args.query)
        _print_member(view)
        for e in svc.members.history(view.id, limit=args.limit):
            _print_entry(e)
    return 0


def cmd_sale(args: argparse.Namespace) -> int:
    store = _open(args)
    svc = TillServices.open(store)
    actor = _actor(svc, args)
    member = _member_ref(svc, args.member)
    program = svc.programs.active()
    amount = Money.parse(args.amount, program.currency)
    if args.action == "award":
        change = svc.points.award(actor, member.id, Basket.of_total(amount), args.receipt)
    else:
        change = svc.points.redeem(actor, member.id, args.points, bill=amount, receipt_ref=args.receipt)
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
        for p in problems:
            print(f"audit row {p.seq}: {p.kind}: {p.message}")
        return 1
    print("Audit log intact.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Full check of the till's file: SQLite's integrity check, the audit chain, the balance caches."""
    data_dir: Path = args.data_dir
    store = open_store(database_path(data_dir), backup_dir=backup_dir(data_dir), quick_check=True)
    problems: list[str] = []
    with store.read() as session:
        from sqlalchemy import text

        rows = [r[0] for r in session.execute(text("PRAGMA integrity_check")).all()]
        if rows != ["ok"]:
            problems += [f"integrity: {r}" for r in rows[:10]]
        problems += [f"audit row {p.seq}: {p.kind}: {p.message}" for p in verify_audit_chain(session)]
        drift = session.execute(
            text(
                "SELECT m.member_number, m.balance, COALESCE(SUM(e.points), 0) FROM members m "
                "LEFT JOIN ledger_entries e ON e.member_id = m.id GROUP BY m.id "
                "HAVING m.balance != COALESCE(SUM(e.points), 0) LIMIT 10"
            )
        ).all()
        problems += [f"member {n}: cached balance {b} but entries sum to {t}" for n, b, t in drift]
    for line in problems:
        print(line)
    if problems:
        return 1
    print("Database, audit log and balances are consistent.")
    return 0


def cmd_card_key(args: argparse.Namespace) -> int:
    """Show the till's card key, to set up the store's other tills with the same one (keep it secret)."""
    store = _open(args)
    print(TillServices.open(store).core.uid_key.hex())
    return 0


def cmd_expire(args: argparse.Namespace) -> int:
    store = _open(args)
    removed = TillServices.open(store).points.expire_due()
    print(f"Expired {removed} points.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app", description="Loyalty Till")
    parser.add_argument("--data-dir", type=Path, default=default_data_dir(), help="the till's data folder")
    parser.add_argument("--store-id", default="demo-store", help="on first start: this store's id")
    parser.add_argument("--till-id", default="till-1", help="on first start: this till's id")
    parser.add_argument("--store-number", type=int, default=1, help="on first start: store number (0-999)")
    parser.add_argument("--till-number", type=int, default=1, help="on first start: till number (0-99)")
    parser.add_argument("--staff", help="staff code for commands that change points")
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="start the till (seeds the demo store on first start)")
    run.add_argument("--no-demo", action="store_true", help="do not seed the demo store")
    run.add_argument("--demo-members", type=int, default=200)
    run.set_defaults(func=cmd_run)

    init = sub.add_parser("init", help="create the till database and its identity")
    init.add_argument("--program", type=Path, help="program file to install")
    init.add_argument(
        "--card-key",
        help="the store's card key (64 hex digits, shown by 'card-key' on its first till): every till of a "
        "store must hash card UIDs alike",
    )
    init.set_defaults(func=cmd_init)

    sub.add_parser("migrate", help="upgrade the database (a backup is taken first)").set_defaults(
        func=cmd_migrate
    )

    demo = sub.add_parser("demo", help="seed the demo store")
    demo.add_argument("--members", type=int, default=200)
    demo.set_defaults(func=cmd_demo)

    prog = sub.add_parser("program", help="check, install or show the loyalty program")
    prog.add_argument("action", choices=["check", "install", "show"])
    prog.add_argument("file", type=Path, nargs="?")
    prog.set_defaults(func=cmd_program)

    mem = sub.add_parser("members", help="find members")
    mem.add_argument("action", choices=["search", "show", "history"])
    mem.add_argument("query")
    mem.add_argument("--limit", type=int, default=30)
    mem.set_defaults(func=cmd_members)

    award = sub.add_parser("award", help="award the points of a sale")
    award.add_argument("member")
    award.add_argument("amount")
    award.add_argument("--receipt", required=True)
    award.set_defaults(func=cmd_sale, action="award")

    redeem = sub.add_parser("redeem", help="pay part of a bill with points")
    redeem.add_argument("member")
    redeem.add_argument("points", type=int)
    redeem.add_argument("amount", help="the bill amount")
    redeem.add_argument("--receipt", required=True)
    redeem.set_defaults(func=cmd_sale, action="redeem")

    sub.add_parser("audit", help="verify the audit log's hash chain").set_defaults(func=cmd_audit)
    sub.add_parser("expire", help="expire points past their date").set_defaults(func=cmd_expire)
    sub.add_parser("check", help="full consistency check of the database").set_defaults(func=cmd_check)
    sub.add_parser("card-key", help="print the card key for the store's other tills").set_defaults(
        func=cmd_card_key
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*(argv or sys.argv[1:]), "run"])
    if args.command == "program" and args.action in ("check", "install") and args.file is None:
        parser.error("give the program file")
    try:
        return int(args.func(args))
    except LoyaltyError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
