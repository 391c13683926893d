"""One run of the simulation, step by step from the seed: what the cashiers do, when the tills sync, when they
die and go offline; then the quiet phase, where the network heals and every till syncs until nothing waits."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from loyalty.errors import LoyaltyError
from loyalty.money import Money
from loyalty.quote import Basket
from sync.client import Refused, Unavailable
from sync.pacing import BatchPacer
from sync.protocol import DEFAULT_PAGE, MAX_BATCH

from .network import Faults, TillCrashed
from .world import SimTill, Templates, World, overdraft_count, violations

NAMES = ("Nguyễn Thị Lan", "Trần Văn Nam", "Lê Thị Hoa", "Phạm Minh Tuấn", "Võ Thị Mai", "Đặng Văn Hùng")
QUIET_ROUNDS = 8
"""Rounds of syncing every till in the quiet phase before the run counts as not converging."""


@dataclass(frozen=True, slots=True)
class Outcome:
    seed: int
    digest: str
    violations: tuple[str, ...]
    trace: tuple[str, ...]
    overdrafts: int
    """Overdrafts the central recorded (two tills overspent a member offline)."""


CENTRAL_RESTART_CHANCE = 0.04
"""Per step: the central process stops and starts again (drawn apart from the run's own choices)."""


class Run:
    def __init__(self, world: World, restarts: random.Random | None = None) -> None:
        self.world = world
        self.rng = world.rng
        # A stream of its own: a seed's trade, faults and syncs are the same with or without central restarts,
        # so a run kept for the scenario it shows (REGRESSIONS) still shows it.
        self.restarts = restarts
        self.receipts = 0
        self.members = 0
        self.sales: list[str] = []
        """Receipts of the sales, for returns."""

    # -- the cashiers ------------------------------------------------------------------------------------------
    def known(self, till: SimTill) -> list[str]:
        """Active members this till knows, in the order the simulation named them (ids are not stable)."""
        rows = till.query("SELECT id FROM members WHERE status = 'active'")
        named = [str(r[0]) for r in rows if str(r[0]) in self.world.labels]
        return sorted(named, key=lambda member_id: int(self.world.labels[member_id][1:]))

    def note(self, till: SimTill, what: str, change_entries: tuple[object, ...]) -> None:
        labels = [self.world.label(str(getattr(e, "id", ""))) for e in change_entries]
        self.world.trace.add(f"{till.name} {what} [{' '.join(labels)}]")

    def enrol(self, till: SimTill) -> None:
        self.members += 1
        n = self.members
        name = NAMES[n % len(NAMES)]
        change = till.svc.members.enroll(till.cashier, name, phone=f"090{n:07d}")
        self.world.label(change.member.id, f"m{n}")
        self.note(till, f"enrols m{n}", change.entries)

    def member_at(self, till: SimTill) -> str | None:
        members = self.known(till)
        return self.rng.choice(members) if members else None

    def sale(self, till: SimTill) -> None:
        member_id = self.member_at(till)
        if member_id is None:
            return self.enrol(till)
        self.receipts += 1
        receipt = f"{till.name}-{self.receipts}"
        amount = self.rng.randint(2, 300) * 10_000
        change = till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(amount)), receipt)
        self.sales.append(receipt)
        self.note(till, f"sells {amount} to {self.world.label(member_id)}", change.entries)
        return None

    def redeem(self, till: SimTill, member_id: str, points: int) -> None:
        self.receipts += 1
        who = self.world.label(member_id)
        try:
            change = till.svc.points.redeem(
                till.cashier,
                member_id,
                points,
                bill=Money(points * 2_000 + 10_000),
                receipt_ref=f"{till.name}-{self.receipts}",
                approved_by=till.manager,
            )
        except LoyaltyError as err:
            self.world.trace.add(f"{till.name} redeem {points} of {who} refused: {err.code}")
            return
        self.note(till, f"redeems {points} of {who}", change.entries)

    def redeem_some(self, till: SimTill) -> None:
        member_id = self.member_at(till)
        if member_id is not None:
            self.redeem(till, member_id, self.rng.randint(50, 400))

    def refund(self, till: SimTill) -> None:
        """A return of a sale of any till of the store (one this till has not heard of yet is refused)."""
        receipts = self.sales
        if not receipts:
            return
        receipt = self.rng.choice(receipts)
        amount = self.rng.randint(1, 150) * 10_000
        try:
            change = till.svc.points.process_return(till.cashier, receipt, Money(amount))
        except LoyaltyError as err:
            self.world.trace.add(f"{till.name} return {amount} of {receipt} refused: {err.code}")
            return
        self.note(till, f"returns {amount} of {receipt}", change.entries)

    def overspend(self, till: SimTill) -> None:
        """Two tills offline, each letting one member spend what it believes she has: together more than she
        has, an overdraft at the central once both pushed."""
        other = self.rng.choice([t for t in self.world.tills if t is not till])
        theirs = set(self.known(other))
        shared = [m for m in self.known(till) if m in theirs]
        if not shared:
            return
        member_id = self.rng.choice(shared)
        self.world.trace.add(f"{till.name} and {other.name} offline with {self.world.label(member_id)}")
        for one in (till, other):
            self.world.network.go_offline(one.name, self.rng.randint(5_000, 90_000))
            balance = one.svc.members.get(member_id).balance
            if balance >= 50:
                self.redeem(one, member_id, min(balance, 1_500))

    # -- the tills' sync -----------------------------------------------------------------------------------------
    def exchange(self, till: SimTill, *, push: bool = True, pull: bool = True) -> None:
        engine = till.engine
        # Batches of a fixed size (the pacer cannot change it: smallest = largest), so the small batches the
        # noisy phase explores do not depend on how fast this machine answers.
        size = self.rng.randint(1, 6)
        engine.pacer = BatchPacer(largest=size, smallest=size)
        engine.page_size = self.rng.randint(1, 8)
        what = "sync" if push and pull else "push" if push else "pull"
        try:
            report = engine.sync_once(push=push, pull=pull)
        except TillCrashed:
            self.kill(till)
            return
        except Unavailable:
            self.world.trace.add(f"{till.name} {what}: central unavailable")
            return
        except Refused as err:
            problem = f"{till.name} {what} refused: {err.detail}"
            self.world.trace.add(problem)
            self.world.problems.append(problem)
            return
        self.world.trace.add(
            f"{till.name} {what}: {report.applied} applied, {report.duplicate} duplicate, {report.refused} "
            f"refused, {report.pulled} pulled, {report.waiting} waiting"
        )
        if report.refused:
            self.world.problems.append(f"{till.name}: the central refused {report.refused} item(s)")

    def kill(self, till: SimTill) -> None:
        till.kill()
        self.world.trace.add(f"{till.name} killed and restarted")

    # -- the run -------------------------------------------------------------------------------------------------
    def step(self) -> None:
        world = self.world
        world.clock.advance(self.rng.randint(1, 20_000))
        if self.restarts is not None and self.restarts.random() < CENTRAL_RESTART_CHANCE:
            world.central.restart()
            world.trace.add("the central restarted")
        world.network.deliver_due()
        till = self.rng.choice(world.tills)
        actions: list[tuple[int, Callable[[SimTill], None]]] = [
            (4 if self.members < 3 * len(world.tills) else 1, self.enrol),
            (20, self.sale),
            (8, self.redeem_some),
            (4, self.refund),
            (4, self.overspend),
            (10, lambda t: self.exchange(t, pull=False)),
            (8, lambda t: self.exchange(t, push=False)),
            (10, self.exchange),
            (3, self.kill),
            (3, lambda t: world.network.go_offline(t.name, self.rng.randint(1_000, 120_000))),
        ]
        weights = [weight for weight, _ in actions]
        _, action = self.rng.choices(actions, weights=weights)[0]
        action(till)

    def quiet(self) -> None:
        world = self.world
        world.network.quiet()
        for till in world.tills:
            # The noisy phase tried small batches and pages; converging goes at the engine's own pace.
            till.engine.pacer = BatchPacer(largest=MAX_BATCH, smallest=MAX_BATCH)
            till.engine.page_size = DEFAULT_PAGE
        for _ in range(QUIET_ROUNDS):
            busy = False
            for till in world.tills:
                try:
                    report = till.engine.sync_once()
                except (Unavailable, Refused) as err:
                    world.problems.append(f"{till.name} quiet sync failed: {err}")
                    return
                busy = busy or bool(report.pushed or report.pulled)
                world.trace.add(
                    f"{till.name} quiet sync: {report.pushed} pushed, {report.pulled} pulled, "
                    f"{report.written} written"
                )
            if not busy:
                return
        world.problems.append(f"still syncing after {QUIET_ROUNDS} quiet rounds")


def simulate(seed: int, folder: Path, templates: Templates, *, steps: int, tills: int = 3) -> Outcome:
    """Run the seed: ``steps`` steps of trade, faults and syncs, then quiet; check the invariant."""
    with World.open(seed, folder, templates, tills, Faults()) as world:
        run = Run(world, random.Random(f"central restarts {seed}"))
        world.trace.add(f"seed {seed}: {tills} tills, {steps} steps")
        for _ in range(steps):
            run.step()
        run.quiet()
        found = violations(world)
        return Outcome(
            seed, world.trace.digest(), tuple(found), tuple(world.trace.lines), overdraft_count(world)
        )
