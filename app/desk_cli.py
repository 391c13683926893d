"""The manager's desk on the command line, for scripts: ``python -m app cards link|block|replace|list`` and
``python -m app members export|erase``.

The services check the same permissions as at the desk: linking and blocking a card are any signed-in staff's
(speed protects the customer), replacing one is a manager's, and so are a member's data export and erasure.
Whoever changes something signs in with ``--staff CODE`` and the PIN prompt (or ``LOYALTY_PIN``); listing
cards reads only. Every argument is checked before the store is opened or anyone signs in, so a refused
command writes nothing.

A card is named by the id ``cards list`` prints, or by its UID (``--uid HEX``, as a script reading a card has
it); a card to link or the new card of a replacement is tapped on a reader, or given with ``--uid`` /
``--new-uid``. Only the keyed hash of a UID is ever stored.

An erasure cannot be undone: it names the member by their member number (never a search), needs ``--reason``,
and asks for the member number again unless ``--yes`` is given (a script says so once, on purpose).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cliargs import UsageError, check_text, count_arg, is_member_number
from app.services import Actor, TillServices
from app.services.cards import card_view
from app.services.privacy import MAX_REASON, MemberExport, PrivacyService
from app.services.views import CardView, MemberView
from app.store import models as m
from app.store.db import Store
from app.store.operational import retry_when_busy
from loyalty.identity import CardRef

StoreOpener = Callable[[argparse.Namespace], Store]
SignIn = Callable[[TillServices, argparse.Namespace], Actor]
FindMember = Callable[[TillServices, object], MemberView]

CARD_ACTIONS = ("link", "block", "replace", "list")
MEMBER_ACTIONS = ("enrol", "export", "erase")
DEFAULT_WAIT = 30

_QT: list[object] = []
"""The Qt application a PDF export draws with, kept for the life of the command."""


def add_commands(
    sub: Any, members: argparse.ArgumentParser, open_store: StoreOpener, sign_in: SignIn, find: FindMember
) -> None:
    """Add ``cards`` to the command line (``sub``: its subparsers) and ``export`` / ``erase`` to the
    ``members`` parser given (its ``action`` choices list them; its other actions keep their function)."""
    cards = sub.add_parser("cards", help="link, block, replace or list a member's cards")
    cards.add_argument("action", choices=CARD_ACTIONS)
    cards.add_argument(
        "target",
        nargs="?",
        help="the member (link, list: member number, phone, e-mail or name) or the card id 'cards list' "
        "prints (block, replace)",
    )
    cards.add_argument(
        "--uid", metavar="HEX", help="the card's UID: the card to link, or the card to block or replace"
    )
    cards.add_argument("--new-uid", metavar="HEX", help="replace: the new card's UID instead of a tap")
    cards.add_argument("--reason", help="why the card is blocked or replaced (lost, stolen, damaged)")
    cards.add_argument(
        "--wait",
        type=count_arg(1, 600),
        default=DEFAULT_WAIT,
        metavar="SECONDS",
        help=f"how long to wait for the tap of a new card (default {DEFAULT_WAIT})",
    )
    cards.set_defaults(func=lambda args: cmd_cards(args, open_store, sign_in, find))

    members.add_argument("--phone", help="enrol: the member's phone number")
    members.add_argument("--email", help="enrol: the member's e-mail address")
    members.add_argument("--to", type=Path, metavar="FOLDER", help="export: the folder to write the files in")
    members.add_argument("--pdf", action="store_true", help="export: a readable PDF beside the JSON")
    members.add_argument("--reason", help="erase: why (the customer's request, its date...)")
    members.add_argument("--yes", action="store_true", help="erase: do not ask for the member number again")
    others = members.get_default("func")

    def dispatch(args: argparse.Namespace) -> int:
        if args.action in MEMBER_ACTIONS:
            return cmd_members(args, open_store, sign_in, find)
        return int(others(args))

    members.set_defaults(func=dispatch)


# -- cards ---------------------------------------------------------------------------------------------
def cmd_cards(args: argparse.Namespace, open_store: StoreOpener, sign_in: SignIn, find: FindMember) -> int:
    action = args.action
    target = None if args.target is None else check_text(args.target, "Card or member").strip()
    uid = None if args.uid is None else check_text(args.uid, "Card UID", limit=64).strip()
    new_uid = None if args.new_uid is None else check_text(args.new_uid, "Card UID", limit=64).strip()
    reason = check_text(args.reason or "", "Reason", limit=MAX_REASON).strip()
    if action in ("link", "list") and not target:
        raise UsageError(f"cards {action}: give the member (member number, phone, e-mail or name)")
    if action in ("block", "replace"):
        if bool(target) == (uid is not None):
            raise UsageError(
                f"cards {action}: give the card id ('cards list' shows it) or --uid HEX, not both"
            )
        if not reason:
            raise UsageError(f"cards {action}: give --reason (lost, stolen, damaged...)")
    if new_uid is not None and action != "replace":
        raise UsageError("--new-uid is for 'cards replace' only")
    if action == "list" and uid is not None:
        raise UsageError("cards list: give the member, not --uid")
    svc = TillServices.open(open_store(args))
    if action == "list":
        member = find(svc, target)
        _print_cards(member, svc.cards.cards_of(member.id))
        return 0
    if action == "link":
        member = find(svc, target)
        actor = sign_in(svc, args)
        ref = _card_ref(svc, args, uid, f"Tap the new card for {member.full_name} on the reader")
        card = retry_when_busy(svc.cards.link, actor, member.id, ref)
        print(f"Linked card {card.label} to {member.member_number} {member.full_name}.")
        return 0
    old = _card(svc, target, uid)
    actor = sign_in(svc, args)
    if action == "block":
        card = retry_when_busy(svc.cards.block, actor, old.id, reason)
        print(f"Blocked card {card.label} ({card.id}): it no longer works at any till. The points stay.")
        return 0
    ref = _card_ref(svc, args, new_uid, f"Tap the new card to replace card {old.label} on the reader")
    card = retry_when_busy(svc.cards.replace, actor, old.id, ref, reason)
    print(f"Replaced card {old.label} by card {card.label} ({card.id}): the balance and the history stay.")
    return 0


def _card(svc: TillServices, card_id: str | None, uid: str | None) -> CardView:
    """The card named by its id, or by its UID."""
    if uid is not None:
        found = svc.cards.lookup(svc.cards.ref_for_uid(uid).token)
        if found is None:
            raise UsageError("no card with this UID is registered at this till: nothing was changed")
        return found
    assert card_id is not None
    with svc.core.read() as session:
        row = session.get(m.Card, card_id)
        found = None if row is None else card_view(row)
    if found is None:
        raise UsageError(
            f"no card has the id {card_id!r} ('cards list MEMBER' shows them): nothing was changed"
        )
    return found


def _card_ref(svc: TillServices, args: argparse.Namespace, uid: str | None, prompt: str) -> CardRef:
    """The new card: from ``--uid`` / ``--new-uid``, else the next tap on a reader."""
    if uid is not None:
        return svc.cards.ref_for_uid(uid)
    from app.staff_cli import next_tap  # the readers and their drivers load only when a tap is awaited
    from devices.base import ReaderConfig
    from devices.registry import discover

    print(f"{prompt} (waiting {args.wait} s)…", flush=True)
    return next_tap(args.reader or discover(), ReaderConfig(uid_key=svc.core.uid_key), args.wait)


def _print_cards(member: MemberView, cards: list[CardView]) -> None:
    print(f"{member.member_number}  {member.full_name}")
    if not cards:
        print("  no card")
        return
    for c in cards:
        line = f"  {c.id}  {c.label:<8} {c.kind:<8} {c.status:<9} since {c.created_at:%Y-%m-%d}"
        print(line + (f"  ({c.status_reason})" if c.status_reason else ""))


# -- members: export and erasure -------------------------------------------------------------------------
def cmd_members(args: argparse.Namespace, open_store: StoreOpener, sign_in: SignIn, find: FindMember) -> int:
    query = check_text(args.query, "Member").strip()
    if not query:
        raise UsageError(f"members {args.action}: give the member")
    if args.action == "enrol":
        return _enrol(args, query, open_store, sign_in)
    if args.action == "export":
        return _export(args, query, open_store, sign_in, find)
    if not is_member_number(query):
        raise UsageError("members erase: give the member number (an erasure never goes by a search)")
    reason = check_text(args.reason or "", "Reason", limit=MAX_REASON).strip()
    if not reason:
        raise UsageError("members erase: give --reason (the customer's request, its date...)")
    svc = TillServices.open(open_store(args))
    member = svc.members.by_number(query)
    if not args.yes:
        _confirm_erasure(member)
    actor = sign_in(svc, args)
    privacy = PrivacyService(svc.core)
    done = retry_when_busy(privacy.erase, actor, member.id, reason, confirm_number=query)
    print(f"Erased the personal data of member {member.member_number}: the name, phone, e-mail and birthday.")
    print(
        f"  {done.cards} card(s) unlinked, {done.files} earlier export file(s) deleted"
        + (f", merged records {', '.join(done.merged)} erased too" if done.merged else "")
        + "; the points history stays as numbers without a person. The central learns it at the next sync."
    )
    return 0


def _confirm_erasure(member: MemberView) -> None:
    """Ask for the member number again (no ``--yes``); end of input or another number erases nothing."""
    if not sys.stdin.isatty():
        raise UsageError("members erase: give --yes to erase without a question (nothing was erased)")
    print(
        f"This erases the personal data of {member.full_name} ({member.member_number}); it cannot be undone."
    )
    try:
        typed = input("Type the member number again to erase: ").strip()
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)
        raise UsageError("nothing was erased") from None
    if typed != member.member_number:
        raise UsageError("that is not the member number: nothing was erased")


def _export(
    args: argparse.Namespace, query: str, open_store: StoreOpener, sign_in: SignIn, find: FindMember
) -> int:
    folder: Path | None = args.to
    if folder is not None and folder.exists() and not folder.is_dir():
        raise UsageError(f"--to {folder} is a file: give a folder")
    svc = TillServices.open(open_store(args))
    member = find(svc, query)
    actor = sign_in(svc, args)
    privacy = PrivacyService(svc.core)
    export = retry_when_busy(privacy.export, actor, member.id)
    pdf = _pdf(export, svc) if args.pdf else None
    if folder is None:
        files = privacy.write_export(export, pdf)
        written = [files.json_path] + ([files.pdf_path] if files.pdf_path is not None else [])
    else:
        folder.mkdir(parents=True, exist_ok=True)
        stem = export.file_stem()
        written = [_write(folder / f"{stem}.json", export.json_text().encode("utf-8"))]
        if pdf is not None:
            written.append(_write(folder / f"{stem}.pdf", pdf))
    print(f"Exported the personal data of member {member.member_number} {member.full_name}:")
    for path in written:
        print(f"  {path}")
    if folder is not None:
        print(
            "Files outside the till's exports folder are not deleted by a later erasure: delete them yourself."
        )
    return 0


def _pdf(export: MemberExport, svc: TillServices) -> bytes:
    """The readable PDF the desk draws, drawn here by Qt without a window (the offscreen platform)."""
    from PySide6.QtGui import QGuiApplication

    from app.ui.desk.privacy_pdf import render_export_pdf

    if QGuiApplication.instance() is None:
        _QT.append(QGuiApplication(["loyalty-till", "-platform", "offscreen"]))
    title = f"Personal data of member {export.member_number}"
    return render_export_pdf(export, svc.programs.active().zone, title)


def _write(path: Path, data: bytes) -> Path:
    """Write under a temporary name, then rename: a half-written export never looks done."""
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    os.replace(part, path)
    return path


def _enrol(args: argparse.Namespace, name: str, open_store: StoreOpener, sign_in: SignIn) -> int:
    """``members enrol NAME --phone P [--email E]``: a new member, as at the counter (F3), with the welcome
    gift the program gives."""
    phone = check_text(args.phone or "", "Phone number").strip() or None
    email = check_text(args.email or "", "E-mail").strip() or None
    if phone is None and email is None:
        raise UsageError("members enrol: give --phone or --email, so that the member can be found again")
    svc = TillServices.open(open_store(args))
    actor = sign_in(svc, args)
    done = retry_when_busy(svc.members.enroll, actor, name, phone=phone, email=email)
    member = done.member
    print(f"Enrolled {member.full_name}: member number {member.member_number}, {member.balance} points.")
    return 0
