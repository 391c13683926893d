"""The staff commands on the till's command line: ``python -m app --staff CODE staff card link|unlink|list``,
and ``staff add|deactivate|reactivate|reset-pin|role|list`` (``add_roster_commands``).

A manager signs in with their code and PIN (``--staff`` and the PIN prompt or ``LOYALTY_PIN``, as for every
command that changes something); the staff service checks the permission and audits the change.

``link`` reads the next card tapped on a reader (``--reader URI``, repeatable; by default every reader
connected now), or takes ``--uid HEX`` from a script. The tap goes through the same path as at the counter:
the UID becomes the store's keyed hash, and a secure card's tap that fails its check is refused.
"""

from __future__ import annotations

import argparse
import getpass
import os
import queue
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from app.cliargs import UsageError, check_text, count_arg
from app.services import SYSTEM, Actor, Role, TillServices
from app.services.staff import StaffRow
from app.services.staff_cards import StaffCardView
from app.store.db import Store
from app.store.operational import retry_when_busy
from devices.base import ReaderConfig
from devices.errors import DeviceError
from devices.events import CardPresented, ReaderEvent, ReadError
from devices.registry import discover, open_reader
from loyalty.identity import CardKind, CardRef

StoreOpener = Callable[[argparse.Namespace], Store]
SignIn = Callable[[TillServices, argparse.Namespace], Actor]

DEFAULT_WAIT = 30


def add_commands(sub: Any, open_store: StoreOpener, sign_in: SignIn) -> None:
    """Add ``staff`` to the till's command line (``sub``: its subparsers)."""
    staff = sub.add_parser(
        "staff", help="add, deactivate, reset a PIN, change a role; staff cards (manager only)"
    )
    what = staff.add_subparsers(dest="staff_command", required=True)
    card = what.add_parser("card", help="link, unlink or list staff cards (manager only)")
    card.add_argument("action", choices=["link", "unlink", "list"])
    card.add_argument("code", nargs="?", help="the staff code of the card's holder (link, unlink)")
    card.add_argument("--uid", metavar="HEX", help="the card's UID instead of a tap (link, unlink)")
    card.add_argument("--reason", help="why the card is unlinked (unlink)")
    card.add_argument(
        "--wait",
        type=count_arg(1, 600),
        default=DEFAULT_WAIT,
        metavar="SECONDS",
        help=f"how long link waits for the tap (default {DEFAULT_WAIT})",
    )
    card.add_argument("--all", action="store_true", help="list unlinked cards too")
    card.set_defaults(func=lambda args: cmd_staff_card(args, open_store, sign_in))
    add_roster_commands(what, open_store, sign_in)


def cmd_staff_card(args: argparse.Namespace, open_store: StoreOpener, sign_in: SignIn) -> int:
    # The arguments are checked before the store is opened or anyone signs in.
    holder = None
    if args.action in ("link", "unlink"):
        if not args.code:
            raise UsageError(f"staff card {args.action}: give the staff code of the card's holder")
        holder = check_text(args.code, "Staff code", limit=16).strip()
    uid = None if args.uid is None else check_text(args.uid, "Card UID", limit=64)
    reason = ""
    if args.action == "unlink":
        reason = check_text(args.reason or "", "Reason").strip()
        if not reason:
            raise UsageError("staff card unlink: give --reason (lost, left the store...)")
    svc = TillServices.open(open_store(args))
    actor = sign_in(svc, args)
    cards = svc.staff_cards
    if args.action == "list":
        _print_cards(cards.list(actor, include_unlinked=args.all))
        return 0
    assert holder is not None
    if args.action == "unlink":
        token = None if uid is None else svc.cards.ref_for_uid(uid).token
        for card in retry_when_busy(cards.unlink, actor, holder, reason, token):
            print(f"Unlinked card {card.label} of {card.staff_code} {card.staff_name}.")
        return 0
    if uid is not None:
        ref = svc.cards.ref_for_uid(uid)
    else:
        print(f"Tap the card for staff {holder} on the reader (waiting {args.wait} s)…", flush=True)
        ref = next_tap(args.reader or discover(), ReaderConfig(uid_key=svc.core.uid_key), args.wait)
    card = retry_when_busy(cards.link, actor, holder, ref)
    print(f"Linked card {card.label} to {card.staff_code} {card.staff_name} ({card.role}).")
    return 0


def next_tap(uris: Sequence[str], config: ReaderConfig, wait: float) -> CardRef:
    """The card of the next tap on any of the readers, as the card service links it."""
    if not uris:
        raise UsageError("no card reader is connected: plug one in, give --reader URI, or give --uid HEX")
    events: queue.Queue[ReaderEvent] = queue.Queue()
    readers = []
    try:
        for uri in uris:
            try:
                reader = open_reader(uri, config)
                reader.start(events.put)
            except DeviceError as err:
                raise UsageError(f"the reader {uri} cannot be used: {err.message}") from None
            readers.append(reader)
        deadline = time.monotonic() + wait
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise UsageError(f"no card was tapped within {wait:g} s: nothing was linked")
            try:
                event = events.get(timeout=min(left, 0.2))
            except queue.Empty:
                continue
            if isinstance(event, ReadError):
                print(f"The card could not be read ({event.message}). Tap it again.", flush=True)
            elif isinstance(event, CardPresented):
                return _card_of(event)
    finally:
        for reader in readers:
            reader.stop()


def _card_of(event: CardPresented) -> CardRef:
    sun = event.sun
    if sun is not None and sun.status != "valid":
        raise UsageError(f"this secure card was refused: {sun.message}; nothing was linked")
    ref = event.member_ref
    if ref is None or ref.kind == "number":
        raise UsageError("this card or phone gives no fixed identity a staff card needs; nothing was linked")
    return CardRef(ref.value, CardKind.SUN if ref.kind == "sun" else CardKind.UID, ref.label)


def _print_cards(cards: list[StaffCardView]) -> None:
    if not cards:
        print("No staff card is linked.")
        return
    for c in cards:
        since = c.status_changed_at or c.created_at
        print(
            f"{c.staff_code:<8} {c.staff_name:<24} {c.role:<8} {c.label:<12} {c.status:<9} since {since:%Y-%m-%d}"
        )


# -- the staff themselves: add, deactivate, reactivate, reset a PIN, change a role, list ---------------
ROLE_NAMES = tuple(role.value for role in Role)
NEW_PIN_VARIABLE = "LOYALTY_NEW_PIN"


def add_roster_commands(what: Any, open_store: StoreOpener, sign_in: SignIn) -> None:
    """Add ``staff add|deactivate|reactivate|reset-pin|role|list`` (``what``: the subparsers of ``staff``).
    A new PIN is never an argument (it would stay in the shell's history and the process list): it is read
    from ``LOYALTY_NEW_PIN`` or typed twice at a hidden prompt."""

    def run(args: argparse.Namespace) -> int:
        return cmd_staff_roster(args, open_store, sign_in)

    add = what.add_parser("add", help="add a member of staff: code, name, role; the PIN is asked twice")
    add.add_argument("code", help="their staff code (2 to 8 digits)")
    add.add_argument("name", help="their name, in quotes if it has spaces")
    add.add_argument("--role", choices=ROLE_NAMES, default=Role.CASHIER.value, help="default: cashier")
    add.set_defaults(func=run)
    for name, text in (
        ("deactivate", "stop someone from signing in or approving (their history stays)"),
        ("reactivate", "let someone deactivated sign in again"),
        ("reset-pin", "give someone a new PIN (asked twice; it also lifts a lock-out)"),
    ):
        parser = what.add_parser(name, help=text)
        parser.add_argument("code", help="their staff code")
        parser.set_defaults(func=run)
    role = what.add_parser("role", help="change someone's role (from their next sign-in)")
    role.add_argument("code", help="their staff code")
    role.add_argument("role", choices=ROLE_NAMES)
    role.set_defaults(func=run)
    what.add_parser("list", help="the staff, with their role, status and last sign-in").set_defaults(func=run)


def cmd_staff_roster(args: argparse.Namespace, open_store: StoreOpener, sign_in: SignIn) -> int:
    command = args.staff_command
    # The arguments, and a new PIN, are checked before the store is opened or anyone signs in.
    code = check_text(getattr(args, "code", "") or "", "Staff code", limit=16).strip()
    name = check_text(getattr(args, "name", "") or "", "Name").strip()
    pin = _new_pin(code) if command in ("add", "reset-pin") else ""
    svc = TillServices.open(open_store(args))
    staff = svc.staff
    if command == "add" and not staff.list():
        # A new till has nobody to sign in with: its first member of staff is added by the set-up itself
        # (audited as such), and must be a manager, who adds everyone else.
        if args.role != Role.MANAGER.value:
            raise UsageError("this till has no staff yet: add its first manager with --role manager")
        view = retry_when_busy(staff.create, SYSTEM, code, name, Role.MANAGER, pin)
        print(f"Added {view.code} {view.name} (manager), this till's first member of staff.")
        return 0
    actor = sign_in(svc, args)
    if command == "list":
        _print_roster(retry_when_busy(staff.roster, actor), svc)
        return 0
    if command == "add":
        view = retry_when_busy(staff.create, actor, code, name, Role(args.role), pin)
        print(f"Added {view.code} {view.name} ({view.role}): they sign in with their code and PIN.")
    elif command == "deactivate":
        view = retry_when_busy(staff.deactivate, actor, code)
        print(f"Deactivated {view.code} {view.name}: they can no longer sign in or approve.")
    elif command == "reactivate":
        view = retry_when_busy(staff.reactivate, actor, code)
        print(f"Reactivated {view.code} {view.name}: they can sign in again.")
    elif command == "reset-pin":
        view = retry_when_busy(staff.reset_pin, actor, code, pin)
        print(f"New PIN set for {view.code} {view.name}: the old one no longer works.")
    else:
        view = retry_when_busy(staff.change_role, actor, code, Role(args.role))
        print(f"{view.code} {view.name} is now {view.role}, from their next sign-in.")
    return 0


def _new_pin(code: str) -> str:
    """The new PIN from ``LOYALTY_NEW_PIN``, or typed twice at a hidden prompt; checked as the services check
    it (4 to 8 digits) before anything is opened."""
    if NEW_PIN_VARIABLE in os.environ:
        pin = os.environ[NEW_PIN_VARIABLE]
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", getpass.GetPassWarning)
                pin = getpass.getpass(f"New PIN for staff {code}: ")
                again = getpass.getpass("The new PIN again: ")
        except (KeyboardInterrupt, EOFError):
            print(file=sys.stderr)
            raise UsageError("no new PIN was given: nothing was done") from None
        if pin != again:
            raise UsageError("the two new PINs differ: nothing was done")
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise UsageError("the new PIN must be 4 to 8 digits (0-9): nothing was done")
    return pin


def _print_roster(rows: list[StaffRow], svc: TillServices) -> None:
    zone = svc.programs.active().zone
    for r in rows:
        status = "active" if r.active else "deactivated"
        if r.active and r.locked:
            status = "locked out"
        last = "never" if r.last_sign_in is None else f"{r.last_sign_in.astimezone(zone):%Y-%m-%d %H:%M}"
        print(f"{r.code:<8} {r.name:<24} {r.role:<8} {status:<11} last sign-in {last}")
