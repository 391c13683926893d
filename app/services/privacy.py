"""A member's personal data on request: see it (export as JSON, which the window also prints as a PDF) and
erase it. Manager only, audited.

**Export** gathers everything the till holds about the person: the profile, every consent answer with its
text, cards, points (lots, overdrafts, the whole ledger history with store, till, channel, reason and program
version), the hints shown to cashiers, and what the audit log records about the member. Nothing about others:
no other member's id, number or name (a referral is a yes/no and a count), no staff names.

**Erasure** removes the person and keeps the arithmetic:

- the profile is anonymised in place (the row stays: ledger entries, lots and overdrafts point at it by id,
  and the balances and hash chains must still add up): name, phone, e-mail, birthday, language and referral
  code go; the member number, tier and balance stay, as numbers without a person;
- the name index (``members_fts``) loses the name through its trigger, and is then compacted, so the
  index's pages no longer hold the name's terms either;
- every consent is withdrawn by a new answer (consents are history, never updated); the answers themselves
  (purpose, yes/no, text version, time) hold nothing personal and stay as the record of what was agreed;
- cards are unlinked (deleted: a card with no member is simply unknown, and can be given to someone else);
- hints shown about the member are deleted, duplicates listed for the member lose the contact they matched
  on, and the outbox's copies of the profile (what sync sends) are anonymised too;
- members merged into this one (the same person enrolled twice) are erased with it;
- a ``member_erased`` outbox item (sent as an ``erase`` item: the member's id and the time, nothing personal)
  tells the central, which erases its copy once, refuses every later edit of the member and tells the other
  tills at their next pull; profile edits still waiting to be sent are not sent.

``check`` still passes afterwards: nothing of the ledger, its lots, overdrafts or chains is touched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from app.paths import exports_dir
from app.services.accounts import member_view
from app.services.context import Actor, Permission
from app.services.core import STORE_ID, Core
from app.services.members import CONSENT_TEXTS, MemberService, member_payload
from app.services.sync_settings import BATCH
from app.services.views import MemberView
from app.store import models as m
from app.store.referral_codes import new_referral_codes
from app.store.settings import get_setting
from app.store.types import format_utc
from loyalty.errors import Detail, InvalidInput, NotFound
from sync.erasure import ERASED_NAME as PROTOCOL_ERASED_NAME

ERASED_NAME = PROTOCOL_ERASED_NAME
"""The name of an erased member: no letters, so the name index holds no term for it."""
ERASED = "erased"
ERASED_OUTBOX = "member_erased"
"""The outbox entity of an erasure (``sync.outbox`` sends it as an ``erase`` item)."""
EXPORT_FORMAT = "loyalty-till member export"
MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    purpose: str
    granted: bool
    text_version: str
    recorded_at: datetime
    text_vi: str | None = None  # the words agreed to, when this till knows that version
    text_en: str | None = None


@dataclass(frozen=True, slots=True)
class PrivacyView:
    """What the privacy page shows of one member."""

    member: MemberView
    consents: tuple[ConsentRecord, ...]  # every answer, oldest first
    cards: int
    entries: int
    merged: tuple[str, ...]  # member numbers of records merged into this one
    erased_at: datetime | None = None

    def current(self) -> dict[str, ConsentRecord]:
        """Each purpose's answer that holds now (the newest)."""
        return {c.purpose: c for c in self.consents}


@dataclass(frozen=True, slots=True)
class MemberExport:
    member_id: str
    member_number: str
    exported_at: datetime
    data: dict[str, Any]  # JSON values only

    def json_text(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=2, sort_keys=False)

    def file_stem(self) -> str:
        """``<member number>-<UTC time>``: one pair of files per export, sorted by member then time."""
        return f"{self.member_number}-{self.exported_at:%Y%m%d-%H%M%S}"


@dataclass(frozen=True, slots=True)
class ExportFiles:
    json_path: Path
    pdf_path: Path | None


@dataclass(frozen=True, slots=True)
class Erasure:
    member: MemberView
    cards: int  # cards unlinked
    merged: tuple[str, ...]  # numbers of the records merged into the member, erased with it
    files: int  # earlier export files of the member deleted from the exports folder


class PrivacyService:
    def __init__(self, core: Core) -> None:
        self.core = core

    @property
    def exports_folder(self) -> Path:
        return exports_dir(self.core.store.path.parent)

    # -- reading -----------------------------------------------------------------------------------------
    def view(self, member_id: str) -> PrivacyView:
        core = self.core
        with core.read() as session:
            member = _member(session, member_id)
            view = member_view(session, core.program(session), member, core.now())
            merged = _merged_into(session, member.id)
            cards = session.scalar(
                select(func.count()).select_from(m.Card).where(m.Card.member_id == member.id)
            )
            entries = session.execute(
                text("SELECT count(*) FROM ledger_entries WHERE member_id = :id"), {"id": member.id}
            ).scalar_one()
            erased_at = session.scalar(
                select(m.AuditRecord.at)
                .where(m.AuditRecord.action == "member.erase", m.AuditRecord.subject_id == member.id)
                .limit(1)
            )
            return PrivacyView(
                view,
                tuple(_consents(session, member.id)),
                int(cards or 0),
                int(entries),
                tuple(number for _id, number in merged),
                erased_at,
            )

    def set_consent(self, actor: Actor, member_id: str, purpose: str, granted: bool) -> None:
        """Record a new answer for ``purpose`` against the words the till asks with now (a new version of
        the consent; the earlier answers stay)."""
        wording = next((c for c in CONSENT_TEXTS if c.purpose == purpose), None)
        if wording is None:
            raise NotFound(what="consent", ref=purpose)
        with self.core.read() as session:
            if _member(session, member_id).status == ERASED:
                raise InvalidInput(what="Member", why="its personal data is erased")
        MemberService(self.core).record_consent(actor, member_id, wording.answer(granted))

    # -- export ------------------------------------------------------------------------------------------
    def export(self, actor: Actor, member_id: str) -> MemberExport:
        """Everything the till holds about the member, as JSON values (audited: who looked, when)."""
        actor.require(Permission.PRIVACY)
        core = self.core
        with core.write() as session:
            member = _member(session, member_id)
            at = core.now()
            data = _export_data(session, core, member, at)
            core.audit(session, actor, "member.export", "member", member.id, {"member": member.member_number})
            return MemberExport(member.id, member.member_number, at, data)

    def write_export(self, export: MemberExport, pdf: bytes | None) -> ExportFiles:
        """Write the JSON (and the PDF the window drew) into the till's exports folder; each file under a
        temporary name first, so a half-written file never looks done."""
        folder = self.exports_folder
        folder.mkdir(parents=True, exist_ok=True)
        stem = export.file_stem()
        json_path = _write(folder / f"{stem}.json", export.json_text().encode("utf-8"))
        pdf_path = _write(folder / f"{stem}.pdf", pdf) if pdf is not None else None
        return ExportFiles(json_path, pdf_path)

    # -- erasure -----------------------------------------------------------------------------------------
    def erase(self, actor: Actor, member_id: str, reason: str, *, confirm_number: str) -> Erasure:
        """Erase the member's personal data (module docstring). ``confirm_number`` is the member number as
        the manager typed it to confirm: a slip of the hand never erases someone else."""
        actor.require(Permission.PRIVACY)
        why = " ".join((reason or "").split())
        if not why:
            raise InvalidInput(what="Reason", why="say why: a reason is required to erase personal data")
        if len(why) > MAX_REASON:
            raise InvalidInput(
                what="Reason", why=Detail("it is longer than {limit} characters", limit=MAX_REASON)
            )
        core = self.core
        with core.write() as session:
            member = _member(session, member_id)
            if confirm_number.strip() != member.member_number:
                raise InvalidInput(
                    what="Member number", why="it is not the number of the member shown: type it again"
                )
            if member.status == ERASED:
                raise InvalidInput(what="Member", why="its personal data is erased")
            if member.status == "merged":
                survivor = session.get(m.Member, member.merged_into_id) if member.merged_into_id else None
                raise InvalidInput(
                    what="Member",
                    why=Detail(
                        "it was merged into member {number}: erase that member",
                        number=survivor.member_number if survivor is not None else "?",
                    ),
                )
            at = core.now()
            merged = _merged_into(session, member.id)
            records = [member, *(_member(session, mid) for mid, _number in merged)]
            cards = 0
            for record in records:
                cards += forget(session, record, at, actor.staff_id)
                core.outbox(
                    session,
                    ERASED_OUTBOX,
                    record.id,
                    "erase",
                    {"member_id": record.id, "erased_at": format_utc(at), "staff_id": actor.staff_id},
                )
            core.audit(
                session,
                actor,
                "member.erase",
                "member",
                member.id,
                {
                    "member": member.member_number,
                    "reason": why,
                    "cards": cards,
                    "merged": [number for _mid, number in merged],
                },
            )
            view = member_view(session, core.program(session), member, at)
        compact_name_index(core)
        files = self._delete_exports(member.member_number)
        return Erasure(view, cards, tuple(number for _mid, number in merged), files)

    def _delete_exports(self, member_number: str) -> int:
        """Earlier exports of the member hold their personal data: they go with it."""
        folder = self.exports_folder
        if not folder.is_dir():
            return 0
        removed = 0
        for path in folder.glob(f"{member_number}-*"):
            if path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
        return removed


# -- erasure, in the caller's transaction ---------------------------------------------------------------
def forget(session: Session, member: m.Member, at: datetime, staff_id: str | None) -> int:
    """Anonymise one member record in place and let go of what links it to a person; returns the number of
    cards unlinked. Used by an erasure here and by one pulled from the central (``sync_apply``)."""
    member.full_name = ERASED_NAME  # the model folds it: name_folded becomes "" and the index trigger fires
    member.phone = None
    member.email = None
    member.birthday = None
    member.preferred_language = "vi"
    member.referral_code = new_referral_codes(session, 1)[0]
    if member.status != "merged":
        member.status = ERASED
    member.updated_at = at
    session.flush()
    # Withdraw every consent the member gave, as new answers.
    for purpose, latest in _latest_consents(session, member.id).items():
        if latest.granted:
            session.add(
                m.Consent(
                    member_id=member.id,
                    purpose=purpose,
                    granted=False,
                    text_version=latest.text_version,
                    recorded_at=at,
                    staff_id=staff_id,
                )
            )
    session.execute(delete(m.HintUse).where(m.HintUse.member_id == member.id))
    dup = m.MemberDuplicate
    for column in (dup.member_id, dup.duplicate_of_id):
        session.execute(update(dup).where(column == member.id).values(value=None, old_value=None))
        session.execute(
            update(dup).where(column == member.id, dup.resolved_at.is_(None)).values(resolved_at=at)
        )
    card_ids = list(session.scalars(select(m.Card.id).where(m.Card.member_id == member.id)))
    if card_ids:
        session.execute(update(m.Card).where(m.Card.id.in_(card_ids)).values(replaced_by_id=None))
        session.execute(delete(m.Card).where(m.Card.id.in_(card_ids)))
    _anonymise_outbox(session, member)
    session.flush()
    return len(card_ids)


def _anonymise_outbox(session: Session, member: m.Member) -> None:
    """The outbox's copies of the profile take the anonymised one, and profile edits not sent yet are not
    sent at all (set aside with the reason). A batch already numbered and perhaps sent keeps its rows as they
    are: a resend must be what was sent (the erasure item follows it)."""
    in_flight = set((get_setting(session, BATCH) or {}).get("rows", []))
    payload = member_payload(member)
    rows = session.scalars(
        select(m.OutboxItem).where(
            m.OutboxItem.entity.in_(("member", "member_edit")), m.OutboxItem.entity_id == member.id
        )
    )
    for row in rows:
        if row.id in in_flight:
            continue
        if row.entity == "member":
            row.payload = payload
            continue
        row.payload = {"changes": {}}
        if row.acked_at is None:
            row.acked_at = member.updated_at
            row.last_error = "not sent: the member's personal data was erased"


def compact_name_index(core: Core) -> None:
    """``optimize_name_index`` in a transaction of its own, after the erasure is committed."""
    with core.write() as session:
        optimize_name_index(session)


def optimize_name_index(session: Session) -> None:
    """Merge the name index's segments: a deleted name's terms otherwise stay in older segments until they
    are merged some day (FTS5 deletes by writing a marker). About a second at 1,000,000 members."""
    session.execute(text("INSERT INTO members_fts(members_fts) VALUES ('optimize')"))


# -- reading, in the caller's transaction ---------------------------------------------------------------
def _member(session: Session, member_id: str) -> m.Member:
    member = session.get(m.Member, member_id)
    if member is None:
        raise NotFound(what="member", ref=member_id)
    return member


def _merged_into(session: Session, member_id: str) -> list[tuple[str, str]]:
    """(id, number) of every record merged into the member, directly or through another merged record."""
    found: list[tuple[str, str]] = []
    frontier = [member_id]
    seen = {member_id}
    while frontier:
        rows = session.execute(
            select(m.Member.id, m.Member.member_number).where(
                m.Member.merged_into_id.in_(frontier), m.Member.status == "merged"
            )
        ).all()
        frontier = []
        for mid, number in rows:
            if mid not in seen:
                seen.add(mid)
                found.append((mid, number))
                frontier.append(mid)
    return found


def _latest_consents(session: Session, member_id: str) -> dict[str, m.Consent]:
    rows = session.scalars(
        select(m.Consent)
        .where(m.Consent.member_id == member_id)
        .order_by(m.Consent.recorded_at, m.Consent.id)
    )
    return {row.purpose: row for row in rows}


def _consents(session: Session, member_id: str) -> list[ConsentRecord]:
    words = {(c.purpose, c.version): c for c in CONSENT_TEXTS}
    rows = session.scalars(
        select(m.Consent)
        .where(m.Consent.member_id == member_id)
        .order_by(m.Consent.recorded_at, m.Consent.id)
    )
    records = []
    for row in rows:
        wording = words.get((row.purpose, row.text_version))
        records.append(
            ConsentRecord(
                row.purpose,
                row.granted,
                row.text_version,
                row.recorded_at,
                wording.vi if wording else None,
                wording.en if wording else None,
            )
        )
    return records


def _time(value: datetime | None) -> str | None:
    return None if value is None else format_utc(value)


def _export_data(session: Session, core: Core, member: m.Member, at: datetime) -> dict[str, Any]:
    program = core.program(session)
    view = member_view(session, program, member, at)
    merged = _merged_into(session, member.id)
    records = [member, *(_member(session, mid) for mid, _n in merged)]
    ids = [r.id for r in records]
    referrals = session.execute(
        text("SELECT count(*) FROM members WHERE referred_by_id = :id"), {"id": member.id}
    ).scalar_one()
    profile = {
        "id": member.id,
        "member_number": member.member_number,
        "full_name": member.full_name,
        "phone": member.phone,
        "email": member.email,
        "birthday": None if member.birthday is None else member.birthday.isoformat(),
        "status": member.status,
        "preferred_language": member.preferred_language,
        "referral_code": member.referral_code,
        "was_referred": member.referred_by_id is not None,
        "members_referred": int(referrals),
        "home_store_id": member.home_store_id,
        "created_at": _time(member.created_at),
        "first_purchase_at": _time(member.first_purchase_at),
        "tier": None
        if view.tier is None
        else {
            "code": view.tier.code,
            "name": view.tier.name,
            "since": _time(view.tier.since),
            "review_at": _time(view.tier.review_at),
            "qualifying_spend": view.tier.qualifying_spend,
        },
        "balance": view.balance,
        "balance_value": {
            "amount": view.balance * program.redemption.point_value,
            "currency": program.currency,
        },
    }
    merged_records = [
        {
            "id": r.id,
            "member_number": r.member_number,
            "full_name": r.full_name,
            "phone": r.phone,
            "email": r.email,
            "birthday": None if r.birthday is None else r.birthday.isoformat(),
            "created_at": _time(r.created_at),
        }
        for r in records[1:]
    ]
    consents = []
    for mid in ids:
        for c in _consents(session, mid):
            consents.append(
                {
                    "member_number": next(r.member_number for r in records if r.id == mid),
                    "purpose": c.purpose,
                    "granted": c.granted,
                    "text_version": c.text_version,
                    "recorded_at": _time(c.recorded_at),
                    "text": None if c.text_vi is None else {"vi": c.text_vi, "en": c.text_en},
                }
            )
    cards = [
        {
            "kind": c.kind,
            "label": c.label,
            "status": c.status,
            "status_reason": c.status_reason,
            "linked_at": _time(c.created_at),
            "status_changed_at": _time(c.status_changed_at),
        }
        for c in session.scalars(select(m.Card).where(m.Card.member_id.in_(ids)).order_by(m.Card.created_at))
    ]
    lots = [
        {
            "points": lot.points,
            "remaining": lot.remaining,
            "earned_at": _time(lot.created_at),
            "expires_at": _time(lot.expires_at),
        }
        for lot in session.scalars(select(m.Lot).where(m.Lot.member_id.in_(ids)).order_by(m.Lot.created_at))
    ]
    overdrafts = [
        {
            "points": od.points,
            "remaining": od.remaining,
            "reason": od.reason,
            "recorded_at": _time(od.created_at),
            "settled_at": _time(od.settled_at),
        }
        for od in session.scalars(
            select(m.Overdraft).where(m.Overdraft.member_id.in_(ids)).order_by(m.Overdraft.created_at)
        )
    ]
    history = [
        {
            "id": e.id,
            "at": _time(e.created_at),
            "kind": e.kind,
            "points": e.points,
            "amount": e.amount_minor,
            "currency": e.currency,
            "receipt": e.receipt_ref,
            "store_id": e.store_id,
            "till_id": e.till_id,
            "channel": e.channel,
            "reason": e.reason,
            "action": e.action_code,
            "program_version": e.program_version,
            "reverses": e.reverses_id,
        }
        for e in session.scalars(
            select(m.LedgerEntry)
            .where(m.LedgerEntry.member_id.in_(ids))
            .order_by(m.LedgerEntry.created_at, m.LedgerEntry.id)
        )
    ]
    hints = [
        {"hint": h.hint_kind, "used": h.used, "at": _time(h.recorded_at)}
        for h in session.scalars(
            select(m.HintUse).where(m.HintUse.member_id.in_(ids)).order_by(m.HintUse.recorded_at)
        )
    ]
    audit = [
        {"at": _time(when), "action": action}
        for when, action in session.execute(
            select(m.AuditRecord.at, m.AuditRecord.action)
            .where(m.AuditRecord.subject_type == "member", m.AuditRecord.subject_id.in_(ids))
            .order_by(m.AuditRecord.seq)
        )
    ]
    return {
        "format": EXPORT_FORMAT,
        "format_version": 1,
        "exported_at": _time(at),
        "store_id": get_setting(session, STORE_ID),
        "program": {"version": program.version, "name": program.name},
        "member": profile,
        "merged_records": merged_records,
        "consents": consents,
        "cards": cards,
        "points": {"lots": lots, "overdrafts": overdrafts},
        "history": history,
        "hints": hints,
        "audit": audit,
    }


def _write(path: Path, data: bytes) -> Path:
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)
    return path
