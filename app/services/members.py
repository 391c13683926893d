"""Members: enrolment (welcome bonus, referral, consents), look-up, search as you type, history, merge."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Row, and_, false, or_, select, text, update
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from app.services.accounts import (
    NewEntry,
    credit_points,
    entry_view,
    load_account,
    load_member,
    member_view,
    require_active,
    surviving_member_id,
    sweep_expired,
    update_tier,
    write_entry,
)
from app.services.cards import link_card
from app.services.context import Actor, Permission
from app.services.core import Core
from app.services.views import Change, DuplicateView, EntryView, MemberView, SearchHit
from app.store import models as m
from app.store.counters import next_value
from app.store.referral_codes import new_referral_codes
from app.store.search import fts_match, prefix_range
from loyalty.errors import Conflict, InvalidInput, NotFound
from loyalty.identity import CardRef
from loyalty.ids import new_id
from loyalty.ledger import EntryKind, Posting
from loyalty.text import (
    fold,
    is_ascii_digits,
    luhn_check_digit,
    luhn_valid,
    normalize_email,
    normalize_phone,
    phone_search_prefixes,
    search_terms,
)

SEARCH_LIMIT = 20


@dataclass(frozen=True, slots=True)
class ConsentInput:
    purpose: str  # 'marketing', 'personalisation'
    granted: bool
    text_version: str


@dataclass(frozen=True, slots=True)
class ConsentText:
    """What a customer is asked to agree to. The words and their version go together: changing the words
    means a new version, so a recorded consent always says which words were agreed to."""

    purpose: str
    version: str
    vi: str
    en: str

    def text(self, language: str) -> str:
        return self.vi if language == "vi" else self.en

    def answer(self, granted: bool) -> ConsentInput:
        return ConsentInput(self.purpose, granted, self.version)


# The consents asked at enrolment, in the order they are shown.
CONSENT_TEXTS: tuple[ConsentText, ...] = (
    ConsentText(
        "marketing",
        "2026-01",
        vi="Tôi đồng ý nhận tin khuyến mãi và ưu đãi của cửa hàng qua tin nhắn và e-mail. "
        "Tôi có thể rút lại đồng ý này bất cứ lúc nào tại quầy.",
        en="I agree to receive the store's offers and news by text message and e-mail. "
        "I can withdraw this at any time at the counter.",
    ),
    ConsentText(
        "personalisation",
        "2026-01",
        vi="Tôi đồng ý để cửa hàng dùng lịch sử mua hàng của tôi để gợi ý ưu đãi phù hợp với tôi. "
        "Tôi có thể rút lại đồng ý này bất cứ lúc nào tại quầy.",
        en="I agree that the store uses my purchase history to suggest offers that suit me. "
        "I can withdraw this at any time at the counter.",
    ),
)


def _clean_name(name: str) -> str:
    text_ = " ".join(name.split())
    if not text_:
        raise InvalidInput(what="Name", why="it is empty")
    if len(text_) > 120:
        raise InvalidInput(what="Name", why="it is longer than 120 characters")
    if not fold(text_):
        raise InvalidInput(what="Name", why="it has no letters")
    return text_


def _member(session: Session, member_id: str) -> m.Member:
    member = session.get(m.Member, member_id)
    if member is None:
        raise NotFound(what="member", ref=member_id)
    return member


def _prefix_of(
    column: InstrumentedAttribute[str | None] | InstrumentedAttribute[str], prefix: str
) -> tuple[ColumnElement[bool], ...]:
    """Conditions for ``column`` starting with ``prefix``, as an index range scan (LIKE would not use it)."""
    bounds = prefix_range(prefix)
    if bounds is None:
        return (false(),)
    return (column >= bounds[0], column < bounds[1])


class MemberService:
    def __init__(self, core: Core) -> None:
        self.core = core

    # -- enrolment -------------------------------------------------------------------------------------
    def enroll(
        self,
        actor: Actor,
        full_name: str,
        *,
        phone: str | None = None,
        email: str | None = None,
        birthday: date | None = None,
        consents: tuple[ConsentInput, ...] = (),
        referral_code: str | None = None,
        preferred_language: str = "vi",
        card: CardRef | None = None,
        member_id: str | None = None,
    ) -> Change:
        """Enrol a member, with the welcome bonus. A referral code links them to their referrer; both
        earn the referral bonus after this member's first purchase.

        ``card`` is linked to the new member in the same transaction (a card already linked refuses the
        whole enrolment). ``member_id`` is the idempotency key: the id the new member gets. The same request
        sent again (a double Enter, a retry after an error) returns the member enrolled the first time,
        marked ``replayed``, and writes nothing."""
        actor.require(Permission.ENROLL)
        name = _clean_name(full_name)
        phone_e164 = normalize_phone(phone, self.core.phone_region) if phone else None
        email_norm = normalize_email(email) if email else None
        if preferred_language not in ("vi", "en"):
            raise InvalidInput(what="Language", why="choose vi or en")
        if member_id is not None:
            try:
                member_id = str(uuid.UUID(member_id))
            except (ValueError, AttributeError, TypeError):
                raise InvalidInput(what="Member id", why="it is not an id the till made") from None
        core = self.core
        with core.write() as session:
            # First, before the checks: a retried enrolment would otherwise trip over its own phone number.
            replay = _enrolled(session, core, member_id)
            if replay is not None:
                return replay
            at = core.now()
            if birthday is not None and not date(1900, 1, 1) <= birthday <= at.date():
                raise InvalidInput(what="Birthday", why="it is not a real date of birth")
            if phone_e164 and session.scalar(select(m.Member.id).where(m.Member.phone == phone_e164)):
                raise Conflict(what="Phone number", ref=phone_e164)
            if email_norm and session.scalar(select(m.Member.id).where(m.Member.email == email_norm)):
                raise Conflict(what="E-mail address", ref=email_norm)
            referrer_id = None
            if referral_code:
                referrer_id = session.scalar(
                    select(m.Member.id).where(m.Member.referral_code == referral_code.strip().upper())
                )
                if referrer_id is None:
                    raise NotFound(what="referral code", ref=referral_code)
            program = core.program(session)
            member = m.Member(
                id=member_id or new_id(),
                member_number=self._new_member_number(session),
                full_name=name,
                phone=phone_e164,
                email=email_norm,
                birthday=birthday,
                referral_code=new_referral_codes(session, 1)[0],
                referred_by_id=referrer_id,
                status="active",
                balance=0,
                preferred_language=preferred_language,
                home_store_id=core.till.store_id,
                created_at=at,
                updated_at=at,
            )
            session.add(member)
            session.flush()
            for consent in consents:
                _add_consent(session, member.id, consent, at, actor.staff_id)
            core.outbox(session, "member", member.id, "upsert", member_payload(member))
            if card is not None:
                link_card(core, session, actor, member, card)
            entries = []
            if program.welcome_bonus > 0:
                welcome = NewEntry(EntryKind.BONUS, reason="welcome bonus", action_code="welcome")
                account = load_account(session, member)
                entries.append(
                    credit_points(
                        core,
                        session,
                        member,
                        account,
                        program,
                        actor.staff_id,
                        program.welcome_bonus,
                        welcome,
                        at,
                    )
                )
            if program.tiers is not None:
                update_tier(session, program, member, at)
            return Change(
                operation="enroll",
                member=member_view(session, program, member, at),
                entries=tuple(entries),
            )

    def _new_member_number(self, session: Session) -> str:
        # store(3) + till(2) + sequence(7) + Luhn: unique across tills without asking the central service,
        # and a mistyped digit is caught before a look-up.
        n = next_value(session, "member_number")
        till = self.core.till
        body = f"{till.store_number:03d}{till.till_number:02d}{n:07d}"
        return body + luhn_check_digit(body)

    def record_consent(self, actor: Actor, member_id: str, consent: ConsentInput) -> None:
        actor.require(Permission.ENROLL)
        core = self.core
        with core.write() as session:
            member = _member(session, member_id)
            _add_consent(session, member.id, consent, core.now(), actor.staff_id)
            core.audit(
                session,
                actor,
                "member.consent",
                "member",
                member.id,
                {
                    "purpose": consent.purpose,
                    "granted": consent.granted,
                    "text_version": consent.text_version,
                },
            )

    def consents(self, member_id: str) -> dict[str, ConsentInput]:
        """The current consent per purpose (the newest record wins)."""
        with self.core.read() as session:
            rows = session.scalars(
                select(m.Consent).where(m.Consent.member_id == member_id).order_by(m.Consent.id)
            ).all()
            return {r.purpose: ConsentInput(r.purpose, r.granted, r.text_version) for r in rows}

    # -- look-up ---------------------------------------------------------------------------------------
    def get(self, member_id: str) -> MemberView:
        core = self.core
        with core.read() as session:
            member = _member(session, member_id)
            return member_view(session, core.program(session), member, core.now())

    def by_number(self, member_number: str) -> MemberView:
        """A member from a typed or scanned member number (the check digit catches typing mistakes)."""
        number = member_number.strip()
        if not is_ascii_digits(number):
            # Digits of other scripts ('٠١٠١…') or letters are not any member's number.
            raise NotFound(what="member", ref=number[:40])
        if not luhn_valid(number):
            raise InvalidInput(what="Member number", why="its check digit is wrong — please retype it")
        core = self.core
        with core.read() as session:
            member_id = session.scalar(select(m.Member.id).where(m.Member.member_number == number))
            if member_id is None:
                raise NotFound(what="member", ref=number)
            survivor = load_member(session, surviving_member_id(session, member_id))
            return member_view(session, core.program(session), survivor, core.now())

    def search(self, query: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
        """Search as you type: a phone number, a member number, an e-mail or a name; accents optional
        ('nguyen van an' finds 'Nguyễn Văn An'), every word a prefix ('ng va' finds it too)."""
        q = query.strip()
        if not q:
            return []
        limit = max(1, min(limit, 100))
        with self.core.read() as session:
            hits: list[SearchHit] = []
            digits = "".join(ch for ch in q if "0" <= ch <= "9")
            if "@" in q:
                prefix = q.lower()
                by_email = session.execute(
                    select(*_HIT_COLUMNS).where(*_prefix_of(m.Member.email, prefix)).limit(limit)
                )
                hits += [_hit(r, "email") for r in by_email]
            elif len(digits) >= 3 and all("0" <= ch <= "9" or ch in " +-.()" for ch in q):
                hits += self._search_digits(session, q, digits, limit)
            else:
                match = fts_match(q)
                if match is not None:
                    folded = " ".join(search_terms(q))
                    found = session.execute(_NAME_SEARCH, {"q": match, "n": limit * 5}).all()
                    # Names that start with what was typed come first, then alphabetical.
                    rows = sorted(found, key=lambda r: (not r.name_folded.startswith(folded), r.name_folded))
                    hits += [
                        SearchHit(r.id, r.member_number, r.full_name, r.phone, r.email, "name")
                        for r in rows[:limit]
                    ]
            return [h for h in hits if h is not None][:limit]

    def _search_digits(self, session: Session, q: str, digits: str, limit: int) -> list[SearchHit]:
        hits: list[SearchHit] = []
        seen: set[str] = set()
        # The same normalisation as enrolment: whatever way the number is typed, it finds what was stored.
        for prefix in sorted(phone_search_prefixes(q, self.core.phone_region)):
            for r in session.execute(
                select(*_HIT_COLUMNS).where(*_prefix_of(m.Member.phone, prefix)).limit(limit)
            ):
                if r.id not in seen:
                    seen.add(r.id)
                    hits.append(_hit(r, "phone"))
        for r in session.execute(
            select(*_HIT_COLUMNS).where(*_prefix_of(m.Member.member_number, digits)).limit(limit)
        ):
            if r.id not in seen:
                seen.add(r.id)
                hits.append(_hit(r, "number"))
        return hits

    def duplicates(self, actor: Actor, *, include_resolved: bool = False) -> list[DuplicateView]:
        """Members who are probably someone already enrolled (found when phone numbers were normalised
        again), for a manager to merge. Manager only: the list shows contact details side by side."""
        actor.require(Permission.MERGE)
        dup, keeper = aliased(m.Member), aliased(m.Member)
        query = (
            select(
                m.MemberDuplicate.id,
                m.MemberDuplicate.reason,
                m.MemberDuplicate.value,
                m.MemberDuplicate.old_value,
                m.MemberDuplicate.found_at,
                m.MemberDuplicate.resolved_at,
                dup.member_number,
                dup.full_name,
                keeper.member_number,
                keeper.full_name,
            )
            .join(dup, dup.id == m.MemberDuplicate.member_id)
            .outerjoin(keeper, keeper.id == m.MemberDuplicate.duplicate_of_id)
            .order_by(m.MemberDuplicate.id)
        )
        if not include_resolved:
            query = query.where(m.MemberDuplicate.resolved_at.is_(None))
        with self.core.read() as session:
            return [DuplicateView(*tuple(row)) for row in session.execute(query)]

    # -- history ---------------------------------------------------------------------------------------
    def history(self, member_id: str, *, limit: int = 50, before_seq: str | None = None) -> list[EntryView]:
        """Newest first; page with ``before_seq`` = the id of the last entry shown (ids sort by time)."""
        with self.core.read() as session:
            _member(session, member_id)
            query = select(m.LedgerEntry).where(m.LedgerEntry.member_id == member_id)
            if before_seq is not None:
                query = query.where(m.LedgerEntry.id < before_seq)
            rows = session.scalars(
                query.order_by(m.LedgerEntry.created_at.desc(), m.LedgerEntry.id.desc()).limit(limit)
            )
            return [entry_view(e) for e in rows]

    # -- profile edits ---------------------------------------------------------------------------------
    def edit(
        self,
        actor: Actor,
        member_id: str,
        *,
        full_name: str | None = None,
        phone: str | None = None,
        email: str | None = None,
    ) -> MemberView:
        """Correct a member's name, phone or e-mail (any cashier who may enrol). Only what is given changes;
        an empty phone or e-mail ("") removes it. One transaction with its audit record and its outbox item
        (a ``member_edit`` of only the changed fields: the central merges edits of two tills field by
        field). An erased or merged member is not edited: nothing brings an erased person back."""
        actor.require(Permission.ENROLL)
        core = self.core
        wanted: dict[str, str | None] = {}
        if full_name is not None:
            wanted["full_name"] = _clean_name(full_name)
        if phone is not None:
            wanted["phone"] = normalize_phone(phone, core.phone_region) if phone.strip() else None
        if email is not None:
            wanted["email"] = normalize_email(email) if email.strip() else None
        with core.write() as session:
            member = _member(session, member_id)
            require_active(member)
            changes = {k: v for k, v in wanted.items() if getattr(member, k) != v}
            for column, what in ((m.Member.phone, "Phone number"), (m.Member.email, "E-mail address")):
                value = changes.get(column.key)
                if value and session.scalar(
                    select(m.Member.id).where(column == value, m.Member.id != member.id)
                ):
                    raise Conflict(what=what, ref=value)
            at = core.now()
            if changes:
                for name, value in changes.items():
                    setattr(member, name, value)
                member.updated_at = at
                session.flush()
                core.outbox(session, "member_edit", member.id, "edit", {"changes": changes})
                core.audit(session, actor, "member.edit", "member", member.id, {"fields": sorted(changes)})
            return member_view(session, core.program(session), member, at)

    # -- merge -----------------------------------------------------------------------------------------
    def merge(self, actor: Actor, source_id: str, target_id: str, reason: str) -> Change:
        """Merge a duplicate member into another (manager only). Points move lot by lot, keeping their
        expiry; cards move; each consent becomes the stricter of the two (``merge_consents``); the
        duplicates listed for the pair are settled; the duplicate is kept, marked merged, and leads to the
        survivor. One transaction, one audit record."""
        actor.require(Permission.MERGE)
        if not reason.strip():
            raise InvalidInput(what="Reason", why="a reason is required to merge members")
        if source_id == target_id:
            raise InvalidInput(what="Merge", why="a member cannot be merged into themselves")
        core = self.core
        with core.write() as session:
            source = _member(session, source_id)
            target = _member(session, target_id)
            require_active(source)
            require_active(target)
            program = core.program(session)
            at = core.now()
            src_account = load_account(session, source)
            sweep_expired(core, session, source, src_account, at)
            src_account_lots = dict(src_account.lots)
            dst_account = load_account(session, target)
            sweep_expired(core, session, target, dst_account, at)
            entries: list[EntryView] = []

            def post(member: m.Member, posting: Posting, spec: NewEntry) -> None:
                entries.append(write_entry(core, session, member, program, actor.staff_id, posting, spec, at))

            moving = src_account.available(at)
            if moving > 0:
                # One transfer out of the duplicate; one transfer in per lot it consumed, keeping that lot's
                # expiry, so merged points live exactly as long as they would have.
                out = src_account.debit(new_id(), moving, at)
                expiry_of = {lot_id: lot.expires_at for lot_id, lot in src_account_lots.items()}
                post(source, out, NewEntry(EntryKind.TRANSFER, reason=f"merged into {target.member_number}"))
                for used in out.consumptions:
                    into = dst_account.credit(new_id(), used.points, at, expiry_of[used.lot_id])
                    moved_in = NewEntry(
                        EntryKind.TRANSFER,
                        reason=f"merged from {source.member_number}",
                        reverses_id=out.entry_id,
                    )
                    post(target, into, moved_in)
            owed = src_account.owed()
            if owed > 0:
                # The duplicate owed points: the debt moves with the points, recorded as an overdraft.
                take = dst_account.debit(new_id(), owed, at, allow_overdraft=True)
                post(
                    target,
                    take,
                    NewEntry(
                        EntryKind.TRANSFER,
                        reason=f"overdraft moved from {source.member_number}",
                        overdraft_reason="overdraft moved by a merge",
                    ),
                )
                give = src_account.credit(new_id(), owed, at, None)
                post(
                    source,
                    give,
                    NewEntry(EntryKind.TRANSFER, reason=f"overdraft moved to {target.member_number}"),
                )
            moved_cards = []
            for card in session.scalars(select(m.Card).where(m.Card.member_id == source.id)):
                card.member_id = target.id
                moved_cards.append(card.id)
            consents = merge_consents(session, source.id, target.id, at, actor.staff_id)
            resolve_duplicates(session, source.id, target.id, at)
            # Contact details move to the survivor when it has none; the duplicate lets go of them first
            # (they are unique, and the database checks each statement).
            moved_phone = source.phone if target.phone is None else None
            moved_email = source.email if target.email is None else None
            if moved_phone:
                source.phone = None
            if moved_email:
                source.email = None
            session.flush()
            if moved_phone:
                target.phone = moved_phone
            if moved_email:
                target.email = moved_email
            target.updated_at = at
            source.status = "merged"
            source.merged_into_id = target.id
            source.updated_at = at
            session.flush()
            # For the central, after the transfer entries above: the contacts that moved, then the merge
            # itself (it marks the duplicate merged and moves its cards there too).
            if moved_phone or moved_email:
                moved = {"phone": None} if moved_phone else {}
                moved |= {"email": None} if moved_email else {}
                core.outbox(session, "member_edit", source.id, "edit", {"changes": moved})
                given = {"phone": moved_phone} if moved_phone else {}
                given |= {"email": moved_email} if moved_email else {}
                core.outbox(session, "member_edit", target.id, "edit", {"changes": given})
            core.outbox(
                session, "merge", source.id, "merge", {"source_id": source.id, "target_id": target.id}
            )
            core.audit(
                session,
                actor,
                "member.merge",
                "member",
                target.id,
                {
                    "source": source.member_number,
                    "target": target.member_number,
                    "reason": reason.strip(),
                    "points": moving,
                    "cards": moved_cards,
                    "consents": consents,
                },
            )
            return Change(
                operation="merge",
                member=member_view(session, program, target, at, account=dst_account),
                entries=tuple(entries),
            )


def _enrolled(session: Session, core: Core, member_id: str | None) -> Change | None:
    """The enrolment already made under ``member_id``, as a replayed change (with its welcome bonus)."""
    if member_id is None:
        return None
    member = session.get(m.Member, member_id)
    if member is None:
        return None
    welcome = session.scalars(
        select(m.LedgerEntry)
        .where(m.LedgerEntry.member_id == member.id, m.LedgerEntry.action_code == "welcome")
        .order_by(m.LedgerEntry.id)
    )
    return Change(
        operation="enroll",
        member=member_view(session, core.program(session), member, core.now()),
        entries=tuple(entry_view(e) for e in welcome),
        replayed=True,
    )


def latest_consents(session: Session, member_id: str) -> dict[str, m.Consent]:
    """Each purpose's newest answer of a member (consents are history: the last row is what holds)."""
    rows = session.scalars(
        select(m.Consent)
        .where(m.Consent.member_id == member_id)
        .order_by(m.Consent.recorded_at, m.Consent.id)
    )
    return {row.purpose: row for row in rows}


def stricter_answer(answers: list[m.Consent]) -> ConsentInput:
    """The answer two records of one person add up to: a "no" beats a "yes" (the person said no somewhere,
    and consent must be given, not assumed); among equal answers the newest text version holds."""
    refusals = [a for a in answers if not a.granted]
    pool = refusals or answers
    newest = max(pool, key=lambda a: (a.text_version, a.recorded_at, a.id or 0))
    return ConsentInput(newest.purpose, newest.granted, newest.text_version)


def merge_consents(
    session: Session, source_id: str, target_id: str, at: datetime, staff_id: str
) -> dict[str, bool]:
    """Give the survivor of a merge the stricter of the two members' consents, purpose by purpose, as new
    rows (never an update); returns each purpose's answer after the merge."""
    source, target = latest_consents(session, source_id), latest_consents(session, target_id)
    after: dict[str, bool] = {}
    for purpose in sorted(source.keys() | target.keys()):
        answers = [c for c in (source.get(purpose), target.get(purpose)) if c is not None]
        merged = stricter_answer(answers)
        kept = target.get(purpose)
        if kept is None or (kept.granted, kept.text_version) != (merged.granted, merged.text_version):
            _add_consent(session, target_id, merged, at, staff_id)
        after[purpose] = merged.granted
    return after


def resolve_duplicates(session: Session, source_id: str, target_id: str, at: datetime) -> None:
    """After a merge, the duplicates listed for the two members are settled; a member listed as a duplicate
    of the merged member is now a duplicate of the survivor."""
    dup = m.MemberDuplicate
    session.execute(
        update(dup)
        .where(
            dup.resolved_at.is_(None),
            or_(
                dup.member_id == source_id, and_(dup.member_id == target_id, dup.duplicate_of_id == source_id)
            ),
        )
        .values(resolved_at=at)
    )
    session.execute(
        update(dup)
        .where(dup.resolved_at.is_(None), dup.duplicate_of_id == source_id)
        .values(duplicate_of_id=target_id)
    )


def _add_consent(
    session: Session, member_id: str, consent: ConsentInput, at: datetime, staff_id: str
) -> None:
    # Consents are history: a change is a new row with its text version and time, never an update.
    session.add(
        m.Consent(
            member_id=member_id,
            purpose=consent.purpose,
            granted=consent.granted,
            text_version=consent.text_version,
            recorded_at=at,
            staff_id=staff_id,
        )
    )


_HIT_COLUMNS = (m.Member.id, m.Member.member_number, m.Member.full_name, m.Member.phone, m.Member.email)
# One statement: the index finds the rows, the join brings just what a search hit shows. No ORM objects:
# this runs on every key press.
_NAME_SEARCH = text(
    "SELECT m.id, m.member_number, m.full_name, m.phone, m.email, m.name_folded "
    "FROM members_fts f JOIN members m ON m.rowid = f.rowid WHERE members_fts MATCH :q LIMIT :n"
)


def _hit(r: Row[str, str, str, str | None, str | None], matched_on: str) -> SearchHit:
    return SearchHit(r.id, r.member_number, r.full_name, r.phone, r.email, matched_on)


def member_payload(member: m.Member) -> dict[str, object]:
    return {
        "id": member.id,
        "member_number": member.member_number,
        "full_name": member.full_name,
        "phone": member.phone,
        "email": member.email,
        "birthday": None if member.birthday is None else member.birthday.isoformat(),
        "referral_code": member.referral_code,
        "referred_by_id": member.referred_by_id,
        "status": member.status,
        "merged_into_id": member.merged_into_id,
        "preferred_language": member.preferred_language,
        "home_store_id": member.home_store_id,
    }
