"""Points at the counter: quote, award, redeem (points or a reward), returns, non-purchase actions,
manager adjustments and the expiry sweep. Each use case runs in one write transaction and returns a
``Change``; any error raised means nothing was written."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from app.services.accounts import (
    MemberRow,
    NewEntry,
    central_owns_expiry,
    credit_points,
    entry_view,
    load_account,
    load_member,
    member_view,
    require_active,
    review_if_due,
    set_member,
    surviving_member_id,
    sweep_expired,
    update_tier,
    write_entry,
)
from app.services.action_caps import actions_in_period
from app.services.context import Actor, Permission
from app.services.core import Core
from app.services.reversals import (
    open_referral_bonuses,
    redeemed_on_receipt,
    referral_bonuses_paid_by,
    restored_expiry,
    take_back,
    takeable,
)
from app.services.sale_by_receipt import redeems_of_sale, sale_on_receipt
from app.services.views import Change, EntryView
from app.store import models as m
from loyalty.errors import (
    ActionCapReached,
    Detail,
    DuplicateReceipt,
    InvalidInput,
    NotFound,
    RedemptionNotAllowed,
)
from loyalty.ids import new_id
from loyalty.ledger import Account, EntryKind, Posting, expiry_for
from loyalty.money import Money, check_sale_amount
from loyalty.program import Program
from loyalty.quote import Basket, Quote, quote, redemption_value
from loyalty.returns import plan_return
from loyalty.text import clean_receipt

MAX_REASON = 500

_EARN_BY_RECEIPT = (
    select(m.LedgerEntry.id, m.LedgerEntry.member_id, m.LedgerEntry.amount_minor, m.LedgerEntry.points)
    .where(
        m.LedgerEntry.kind == "earn",
        m.LedgerEntry.receipt_ref == bindparam("receipt"),
        m.LedgerEntry.store_id == bindparam("store_id"),
    )
    .order_by(
        # Two tills may have used one number offline (both awards are kept): this till's own comes first.
        m.LedgerEntry.till_id != bindparam("till_id"),
        m.LedgerEntry.created_at,
    )
)


def _reason(reason: str | None, *, required: bool) -> str | None:
    text = (reason or "").strip()
    if required and not text:
        raise InvalidInput(what="Reason", why="a reason is required for this action")
    if len(text) > MAX_REASON:
        raise InvalidInput(what="Reason", why=Detail("keep it under {limit} characters", limit=MAX_REASON))
    return text or None


def _member(session: Session, member_id: str) -> MemberRow:
    return load_member(session, member_id)


def _replay(session: Session, core: Core, entry_id: str | None, operation: str) -> Change | None:
    """An entry id is the idempotency key: a request retried with the same id returns what it did."""
    if entry_id is None:
        return None
    entry = session.get(m.LedgerEntry, entry_id)
    if entry is None:
        return None
    member = _member(session, entry.member_id)
    program = core.program(session)
    return Change(
        operation=operation,
        member=member_view(session, program, member, core.now()),
        entries=(entry_view(entry),),
        replayed=True,
    )


class PointsService:
    def __init__(self, core: Core) -> None:
        self.core = core

    # -- quote -----------------------------------------------------------------------------------------
    def quote(self, member_id: str | None, basket: Basket) -> Quote:
        core = self.core
        with core.read() as session:
            program = core.program(session)
            at = core.now()
            tier_code, balance = None, None
            if member_id is not None:
                # The tier as of now, with a review that has come applied: the quote shows what the sale
                # will really earn.
                view = member_view(session, program, _member(session, member_id), at)
                tier_code = None if view.tier is None else view.tier.code
                balance = view.balance
            return quote(program, basket, at=at, tier_code=tier_code, balance=balance)

    # -- award -----------------------------------------------------------------------------------------
    def award(
        self,
        actor: Actor,
        member_id: str,
        basket: Basket,
        receipt_ref: str,
        *,
        entry_id: str | None = None,
    ) -> Change:
        """Award the points a sale earns. The same receipt twice awards once: a retry of the same sale
        returns the first award (``replayed``); another sale under the same receipt number is refused."""
        actor.require(Permission.SELL)
        core = self.core
        receipt = clean_receipt(receipt_ref)
        with core.write() as session:
            program = core.program(session)
            check_sale_amount(basket.total, program.currency)
            prior = session.execute(
                _EARN_BY_RECEIPT,
                {"receipt": receipt, "store_id": core.till.store_id, "till_id": core.till.till_id},
            ).first()
            if prior is not None:
                if prior.member_id == member_id and prior.amount_minor == basket.total.amount:
                    replay = _replay(session, core, prior.id, "award")
                    assert replay is not None
                    return replay
                owner = _member(session, prior.member_id)
                raise DuplicateReceipt(receipt=receipt, points=prior.points, member=owner.member_number)
            member = _member(session, member_id)
            require_active(member)
            at = core.now()
            # The sale is priced at the tier the ledger earns before it: a review whose date has passed
            # applies, and so does an upgrade earned by spend this till did not ring up itself (a sale at
            # another till or a web order, pulled since), as the member's screen already shows it. The
            # sale that crosses a threshold earns at the tier held before it (its upgrade is written after
            # the entry). The central prices a web order by the same rule (``central.tiers``).
            update_tier(session, program, member, at)
            account = load_account(session, member)
            sweep_expired(core, session, member, account, at)
            q = quote(program, basket, at=at, tier_code=member.tier_code)
            eid = entry_id or new_id()
            if q.points > 0:
                posting = account.credit(eid, q.points, at, expiry_for(program.expiry, at, program.zone))
            else:
                posting = Posting(eid, 0)
            details = {
                "components": [
                    {"rule": c.rule, "points": c.points, "detail": c.detail} for c in q.components
                ],
                "lines": [
                    {"amount": ln.amount.amount, "category": ln.category, "sku": ln.sku, "qty": ln.quantity}
                    for ln in basket.lines
                ],
            }
            entry = write_entry(
                core,
                session,
                member,
                program,
                actor.staff_id,
                posting,
                NewEntry(EntryKind.EARN, amount=basket.total, receipt_ref=receipt, details=details),
                at,
            )
            entries = [entry]
            if member.first_purchase_at is None:
                set_member(session, member, at, first_purchase_at=at)
            if q.points > 0 and member.referred_by_id is not None:
                entries += self._referral_bonuses(session, program, member, account, at, entry.id)
            spend = update_tier(session, program, member, at)
            return Change(
                operation="award",
                member=member_view(session, program, member, at, account=account, spend=spend),
                entries=tuple(entries),
                quote=q,
            )

    def _referral_bonuses(
        self,
        session: Session,
        program: Program,
        referee: MemberRow,
        referee_account: Account,
        at: datetime,
        qualifying_entry: str,
    ) -> list[EntryView]:
        """Both sides of a referral earn on the referee's first qualifying purchase (one that earns points).
        Paid once: again only if the purchase that paid them was refunded in full (which reversed them)."""
        if referee.referred_by_id is None or open_referral_bonuses(
            session, referee.id, referee.referred_by_id
        ):
            return []
        try:
            referrer: MemberRow | None = load_member(session, referee.referred_by_id)
        except NotFound:
            referrer = None
        written: list[EntryView] = []
        pairs = [(referee, program.referral.referee_points, "referral: welcome")]
        if referrer is not None and referrer.status == "active":
            pairs.append((referrer, program.referral.referrer_points, "referral: friend's first purchase"))
        details = {"referee": referee.id, "qualifying_entry": qualifying_entry}
        for who, points, reason in pairs:
            if points <= 0:
                continue
            account = referee_account if who is referee else load_account(session, who)
            spec = NewEntry(EntryKind.BONUS, reason=reason, action_code="referral", details=details)
            written.append(credit_points(self.core, session, who, account, program, None, points, spec, at))
        return written

    # -- redeem ----------------------------------------------------------------------------------------
    def redeem(
        self,
        actor: Actor,
        member_id: str,
        points: int,
        *,
        bill: Money | None,
        receipt_ref: str,
        approved_by: Actor | None = None,
        entry_id: str | None = None,
    ) -> Change:
        """Pay part of a bill with points, within the program's limits."""
        actor.require(Permission.SELL)
        if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
            raise InvalidInput(what="Points", why="redeem a whole number of points, more than zero")
        return self._redeem(actor, member_id, points, bill, receipt_ref, None, approved_by, entry_id)

    def redeem_reward(
        self,
        actor: Actor,
        member_id: str,
        reward_code: str,
        *,
        bill: Money | None,
        receipt_ref: str,
        approved_by: Actor | None = None,
        entry_id: str | None = None,
    ) -> Change:
        """Exchange points for a catalogue reward (discount or free item)."""
        actor.require(Permission.SELL)
        return self._redeem(actor, member_id, None, bill, receipt_ref, reward_code, approved_by, entry_id)

    def _redeem(
        self,
        actor: Actor,
        member_id: str,
        points: int | None,
        bill: Money | None,
        receipt_ref: str,
        reward_code: str | None,
        approved_by: Actor | None,
        entry_id: str | None,
    ) -> Change:
        core = self.core
        receipt = clean_receipt(receipt_ref)
        with core.write() as session:
            replay = _replay(session, core, entry_id, "redeem")
            if replay is not None:
                return replay
            program = core.program(session)
            red = program.redemption
            if bill is not None:
                check_sale_amount(bill, program.currency)
            value: Money
            if reward_code is not None:
                reward = program.reward(reward_code)
                if reward is None:
                    raise NotFound(what="reward", ref=reward_code)
                points = reward.points
                if reward.kind != "free_item" and bill is None:
                    raise RedemptionNotAllowed(
                        why=Detail(
                            "the reward {reward} is a discount: give the bill amount", reward=reward.name
                        )
                    )
                if reward.kind == "fixed_discount":
                    value = Money(reward.amount or 0, program.currency)
                elif reward.kind == "percent_discount":
                    assert bill is not None
                    amount = bill.amount * (reward.percent or 0) // 100
                    if reward.max_discount is not None:
                        amount = min(amount, reward.max_discount)
                    value = Money(amount, program.currency)
                else:
                    value = Money(reward.value, program.currency)
                    if bill is None and reward.value > 0:
                        raise RedemptionNotAllowed(
                            why=Detail(
                                "the reward {reward} is worth {value}: give the bill amount",
                                reward=reward.name,
                                value=reward.value,
                            )
                        )
                if bill is not None and value.amount > bill.amount:
                    raise RedemptionNotAllowed(why="the discount is larger than the bill")
                if points < red.minimum_points:
                    raise RedemptionNotAllowed(
                        why=Detail(
                            "the reward costs {points} points, under the minimum of {minimum}",
                            points=points,
                            minimum=red.minimum_points,
                        )
                    )
            else:
                assert points is not None
                if points < red.minimum_points:
                    raise RedemptionNotAllowed(
                        why=Detail("the minimum is {minimum} points", minimum=red.minimum_points)
                    )
                if bill is None:
                    raise RedemptionNotAllowed(why="paying with points needs the bill amount")
                value = redemption_value(program, points)
            assert points is not None
            # Limits count everything already paid with points on this receipt, so a large redemption
            # cannot be split into small ones to pass the bill share or the approval threshold.
            prior_points, prior_value = redeemed_on_receipt(session, core.till.store_id, receipt)
            if bill is not None:
                share_limit = bill.amount * red.max_bill_share_percent // 100
                if prior_value + value.amount > share_limit:
                    percent = red.max_bill_share_percent
                    if prior_value:
                        why = Detail(
                            "points may pay at most {percent}% of this bill, {limit} "
                            "({paid} already paid with points)",
                            percent=percent,
                            limit=share_limit,
                            paid=prior_value,
                        )
                    else:
                        why = Detail(
                            "points may pay at most {percent}% of this bill, {limit}",
                            percent=percent,
                            limit=share_limit,
                        )
                    raise RedemptionNotAllowed(why=why)
            manager = None
            if red.manager_approval_over is not None and prior_points + points > red.manager_approval_over:
                manager = approved_by if approved_by is not None else actor
                manager.require(Permission.LARGE_REDEMPTION)
            member = _member(session, member_id)
            require_active(member)
            at = core.now()
            review_if_due(session, program, member, at)
            account = load_account(session, member)
            sweep_expired(core, session, member, account, at)
            posting = account.debit(entry_id or new_id(), points, at)
            entry = write_entry(
                core,
                session,
                member,
                program,
                actor.staff_id,
                posting,
                NewEntry(
                    EntryKind.REDEEM,
                    amount=value,
                    receipt_ref=receipt,
                    action_code=reward_code,
                    details={"approved_by": manager.staff_id} if manager else None,
                ),
                at,
            )
            if manager is not None:
                core.audit(
                    session,
                    manager,
                    "redeem.large",
                    "ledger_entry",
                    entry.id,
                    {"points": points, "member": member.member_number, "cashier": actor.staff_id},
                )
            return Change(
                operation="redeem",
                member=member_view(session, program, member, at, account=account),
                entries=(entry,),
                value=value,
            )

    # -- returns ---------------------------------------------------------------------------------------
    def process_return(
        self,
        actor: Actor,
        receipt_ref: str,
        refund: Money,
        *,
        entry_id: str | None = None,
    ) -> Change:
        """Refund part or all of a receipt: reverse the points it earned in proportion and, when the
        program says so, give back the points that paid for the refunded part. Points already spent
        leave a recorded overdraft, never a silent negative balance."""
        actor.require(Permission.RETURN)
        core = self.core
        receipt = clean_receipt(receipt_ref)
        with core.write() as session:
            replay = _replay(session, core, entry_id, "return")
            if replay is not None:
                return replay
            program = core.program(session)
            check_sale_amount(refund, program.currency)
            earn = sale_on_receipt(session, core.till.store_id, core.till.till_id, receipt)
            if earn.amount_minor is None:
                raise NotFound(what="sale with receipt", ref=receipt)
            # A merged member's sale is returned on the member it was merged into.
            member = _member(session, surviving_member_id(session, earn.member_id))
            refunded_before = -int(
                session.scalar(
                    select(func.coalesce(func.sum(m.LedgerEntry.amount_minor), 0)).where(
                        m.LedgerEntry.reverses_id == earn.id, m.LedgerEntry.kind == "reverse"
                    )
                )
                or 0
            )
            redeems = redeems_of_sale(session, earn)
            redeemed = -sum(r.points for r in redeems)
            plan = plan_return(
                sale_amount=earn.amount_minor,
                earned_points=earn.points,
                redeemed_points=redeemed,
                refunded_before=refunded_before,
                refund_now=refund.amount,
                restore_redeemed=program.redemption.restore_on_return,
            )
            at = core.now()
            review_if_due(session, program, member, at)
            account = load_account(session, member)
            sweep_expired(core, session, member, account, at)
            reverse = NewEntry(
                EntryKind.REVERSE,
                amount=Money(-refund.amount, refund.currency),
                receipt_ref=receipt,
                reverses_id=earn.id,
                reason="return",
                overdraft_reason="return after the points were spent",
            )
            first = take_back(
                core,
                session,
                member,
                account,
                program,
                actor.staff_id,
                earn,
                plan.points_to_reverse,
                reverse,
                at,
                entry_id=entry_id,  # a retried return finds this entry and is replayed
            )
            entries = [first.entry]
            overdraft = first.overdraft
            if plan.points_to_restore > 0 and redeems:
                restore = account.credit(
                    new_id(), plan.points_to_restore, at, restored_expiry(session, program, redeems, at)
                )
                entries.append(
                    write_entry(
                        core,
                        session,
                        member,
                        program,
                        actor.staff_id,
                        restore,
                        NewEntry(
                            EntryKind.REVERSE,
                            receipt_ref=receipt,
                            reverses_id=redeems[0].id,
                            reason="return: redeemed points restored",
                        ),
                        at,
                    )
                )
            if plan.refunded_after == earn.amount_minor:
                # A purchase refunded in full no longer qualifies for the referral bonuses it paid.
                for bonus in referral_bonuses_paid_by(session, earn):
                    owner = _member(session, surviving_member_id(session, bonus.member_id))
                    owner_account = account if owner.id == member.id else load_account(session, owner)
                    if owner.id != member.id:
                        sweep_expired(core, session, owner, owner_account, at)
                    taken = take_back(
                        core,
                        session,
                        owner,
                        owner_account,
                        program,
                        actor.staff_id,
                        bonus,
                        bonus.points,
                        NewEntry(
                            EntryKind.REVERSE,
                            receipt_ref=receipt,
                            reverses_id=bonus.id,
                            reason="return: referral bonus reversed (qualifying purchase refunded)",
                            overdraft_reason="referral bonus reversed after the points were spent",
                        ),
                        at,
                    )
                    entries.append(taken.entry)
                    if owner.id == member.id:
                        overdraft += taken.overdraft
            spend = update_tier(session, program, member, at)
            core.audit(
                session,
                actor,
                "return",
                "ledger_entry",
                earn.id,
                {
                    "receipt": receipt,
                    "refund": refund.amount,
                    "reversed": plan.points_to_reverse,
                    "restored": plan.points_to_restore,
                    "overdraft": overdraft,
                },
            )
            return Change(
                operation="return",
                member=member_view(session, program, member, at, account=account, spend=spend),
                entries=tuple(entries),
                overdraft_points=overdraft,
            )

    # -- non-purchase actions ------------------------------------------------------------------------
    def record_action(
        self,
        actor: Actor,
        member_id: str,
        action_code: str,
        *,
        reference: str | None = None,
        entry_id: str | None = None,
    ) -> Change:
        actor.require(Permission.SELL)
        core = self.core
        with core.write() as session:
            replay = _replay(session, core, entry_id, "action")
            if replay is not None:
                return replay
            program = core.program(session)
            action = program.actions.get(action_code)
            if action is None:
                raise NotFound(what="action", ref=action_code)
            member = _member(session, member_id)
            require_active(member)
            at = core.now()
            if action.cap is not None:
                # The same count the till shows as what is left of the cap (app/services/action_caps.py).
                count = actions_in_period(session, program, member.id, action_code, action, at)
                if count >= action.cap:
                    raise ActionCapReached(
                        action=action.name, count=count, period=action.period, cap=action.cap
                    )
            account = load_account(session, member)
            sweep_expired(core, session, member, account, at)
            entry = credit_points(
                core,
                session,
                member,
                account,
                program,
                actor.staff_id,
                action.points,
                NewEntry(EntryKind.ACTION, action_code=action_code, reason=reference),
                at,
                entry_id=entry_id,
            )
            return Change(
                operation="action",
                member=member_view(session, program, member, at, account=account),
                entries=(entry,),
            )

    # -- manager adjustments ---------------------------------------------------------------------------
    def adjust(
        self,
        actor: Actor,
        member_id: str,
        points: int,
        reason: str,
        *,
        entry_id: str | None = None,
    ) -> Change:
        """Add or take points with a reason (manager only, audited). Taking more than the member has is
        refused: a correction never creates an overdraft."""
        actor.require(Permission.ADJUST)
        text = _reason(reason, required=True)
        if isinstance(points, bool) or not isinstance(points, int) or points == 0:
            raise InvalidInput(what="Points", why="an adjustment is a whole number of points, not zero")
        if abs(points) > 1_000_000:
            raise InvalidInput(what="Points", why="an adjustment over 1,000,000 points is not accepted")
        core = self.core
        with core.write() as session:
            replay = _replay(session, core, entry_id, "adjust")
            if replay is not None:
                return replay
            program = core.program(session)
            member = _member(session, member_id)
            require_active(member)
            at = core.now()
            account = load_account(session, member)
            sweep_expired(core, session, member, account, at)
            eid = entry_id or new_id()
            if points > 0:
                posting = account.credit(eid, points, at, expiry_for(program.expiry, at, program.zone))
            else:
                posting = account.debit(eid, -points, at)
            entry = write_entry(
                core,
                session,
                member,
                program,
                actor.staff_id,
                posting,
                NewEntry(EntryKind.ADJUST, reason=text),
                at,
            )
            core.audit(
                session,
                actor,
                "points.adjust",
                "member",
                member.id,
                {"points": points, "reason": text, "entry": entry.id},
            )
            return Change(
                operation="adjust",
                member=member_view(session, program, member, at, account=account),
                entries=(entry,),
            )

    # -- reversing one entry ---------------------------------------------------------------------------
    def reverse_entry(
        self,
        actor: Actor,
        target_id: str,
        reason: str,
        *,
        entry_id: str | None = None,
    ) -> Change:
        """Undo the entry ``target_id`` with a new ``reverse`` entry that names it (manager only, audited).

        A credit (earn, bonus, action, a positive adjustment) is taken back from its own lot first, by the
        same rule as a return: what already expired is not taken again, what earlier reversals took is not
        taken twice, and points the member has already spent become a recorded overdraft that the next
        earnings pay off. Reversing a sale also takes its amount out of the tier's qualifying spend (what
        returns have not refunded yet). A debit (redeem, a negative adjustment) is given back as a new lot
        that expires like points restored by a return; an overdraft of the member is paid off first.
        Expiries, reversals and merge transfers are not reversed: an adjustment corrects those.
        ``entry_id`` is the idempotency key: the same request again returns the first reversal."""
        actor.require(Permission.ADJUST)
        text = _reason(reason, required=True)
        core = self.core
        with core.write() as session:
            replay = _replay(session, core, entry_id, "reverse")
            if replay is not None:
                return replay
            target = session.get(m.LedgerEntry, target_id)
            if target is None:
                raise NotFound(what="ledger entry", ref=target_id)
            if target.kind == "expire":
                raise InvalidInput(
                    what="Reversal", why="an expiry is not reversed: give the points back with an adjustment"
                )
            if target.kind == "reverse":
                raise InvalidInput(
                    what="Reversal", why="a reversal is not reversed again: adjust the points instead"
                )
            if target.kind == "transfer":
                raise InvalidInput(
                    what="Reversal", why="points moved by a merge are not reversed one entry at a time"
                )
            program = core.program(session)
            # The points of a merged member's entry live on the member it was merged into.
            member = _member(session, surviving_member_id(session, target.member_id))
            require_active(member)
            at = core.now()
            review_if_due(session, program, member, at)
            account = load_account(session, member)
            sweep_expired(core, session, member, account, at)
            spec = NewEntry(
                EntryKind.REVERSE,
                receipt_ref=target.receipt_ref,
                reverses_id=target.id,
                reason=text,
                overdraft_reason="reversal after the points were spent",
            )
            overdraft = 0
            if target.points > 0 or target.kind == "earn":
                left = takeable(session, target.id, target.points, at) if target.points > 0 else 0
                amount = None
                if target.kind == "earn" and target.amount_minor:
                    refunded = -int(
                        session.scalar(
                            select(func.coalesce(func.sum(m.LedgerEntry.amount_minor), 0)).where(
                                m.LedgerEntry.reverses_id == target.id, m.LedgerEntry.kind == "reverse"
                            )
                        )
                        or 0
                    )
                    rest = target.amount_minor - refunded
                    if rest > 0:
                        amount = Money(-rest, target.currency or program.currency)
                if left == 0 and amount is None:
                    raise InvalidInput(
                        what="Reversal", why="nothing is left to reverse: it was reversed already"
                    )
                taken = take_back(
                    core,
                    session,
                    member,
                    account,
                    program,
                    actor.staff_id,
                    target,
                    left,
                    replace(spec, amount=amount),
                    at,
                    entry_id=entry_id,
                )
                entry, overdraft = taken.entry, taken.overdraft
            else:
                given_back = int(
                    session.scalar(
                        select(func.coalesce(func.sum(m.LedgerEntry.points), 0)).where(
                            m.LedgerEntry.reverses_id == target.id,
                            m.LedgerEntry.kind == "reverse",
                            m.LedgerEntry.points > 0,
                        )
                    )
                    or 0
                )
                left = -target.points - given_back
                if left <= 0:
                    raise InvalidInput(
                        what="Reversal", why="nothing is left to reverse: it was reversed already"
                    )
                expires = restored_expiry(session, program, [target], at)
                posting = account.credit(entry_id or new_id(), left, at, expires)
                entry = write_entry(core, session, member, program, actor.staff_id, posting, spec, at)
            spend = update_tier(session, program, member, at)
            core.audit(
                session,
                actor,
                "points.reverse",
                "ledger_entry",
                target.id,
                {
                    "entry": entry.id,
                    "member": member.member_number,
                    "points": entry.points,
                    "overdraft": overdraft,
                    "reason": text,
                },
            )
            return Change(
                operation="reverse",
                member=member_view(session, program, member, at, account=account, spend=spend),
                entries=(entry,),
                overdraft_points=overdraft,
            )

    # -- expiry ----------------------------------------------------------------------------------------
    def expire_due(self, *, batch: int = 500) -> int:
        """Write expiry entries for every member with a lot past its date. Returns the points removed.
        Works in batches of members so the till never holds the writer for long. A till enrolled with a
        central writes none: the central owns expiry (docs/sync.md, "Who owns expiry")."""
        core = self.core
        removed = 0
        while True:
            with core.write() as session:
                if central_owns_expiry(session):
                    return 0  # the central expires, and the till pulls its expiries
                at = core.now()
                member_ids = list(dict.fromkeys(session.scalars(due_members(at, batch))))
                if not member_ids:
                    return removed
                for mid in member_ids:
                    member = _member(session, mid)
                    account = load_account(session, member)
                    before = member.balance
                    sweep_expired(core, session, member, account, at)
                    removed += before - member.balance

    # -- tier reviews ----------------------------------------------------------------------------------
    def review_tiers(self, *, batch: int = 500) -> int:
        """Write the tier review of every member whose review date has passed, including members who do
        not come back (a member who shops gets reviewed at the sale anyway). Returns how many members'
        tiers changed. In batches, like the expiry sweep, so a sale never waits long behind it."""
        core = self.core
        changed = 0
        while True:
            with core.write() as session:
                program = core.program(session)
                if program.tiers is None:
                    return changed
                at = core.now()
                member_ids = session.scalars(
                    select(m.Member.id)
                    .where(m.Member.tier_review_at <= at, m.Member.status == "active")
                    .limit(batch)
                ).all()
                if not member_ids:
                    return changed
                for mid in member_ids:
                    member = _member(session, mid)
                    before = member.tier_code
                    update_tier(session, program, member, at)
                    changed += member.tier_code != before


def due_members(at: datetime, batch: int) -> Select[str]:
    """Members holding open lots past their date, up to ``batch``: read from the index of open lots by
    expiry (migration 0009), so a start with nothing due reads nothing."""
    # In expiry order, not DISTINCT: a DISTINCT made the planner prefer the index by member, which has every
    # open lot. A member with several due lots may come more than once: the caller sweeps each once.
    return (
        select(m.Lot.member_id)
        .where(m.Lot.remaining > 0, m.Lot.expires_at.is_not(None), m.Lot.expires_at <= at)
        .order_by(m.Lot.expires_at)
        .limit(batch)
    )
