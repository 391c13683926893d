"""The demo store: a program, staff with known PINs, about 200 members with a year of history, some
cards. ``make run`` seeds it on first start so that a new till has something to show.

Everything goes through the real use cases with a simulated clock, so the demo ledger obeys the same rules
as a real one (lots, expiry, tiers, referrals, returns) and doubles as a smoke test of the services.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.services import SYSTEM, Actor, ConsentInput, Role, TillServices
from app.store.db import Store
from loyalty.errors import LoyaltyError
from loyalty.money import Money
from loyalty.quote import Basket, BasketLine

PROGRAM_FILE = Path(__file__).resolve().parent.parent / "resources" / "programs" / "default.toml"

# Documented in the README: sign in with these on a demo till.
DEMO_STAFF = (
    ("1001", "Trần Thị Mai", Role.CASHIER, "1111"),
    ("1002", "Lê Văn Hùng", Role.CASHIER, "2222"),
    ("9001", "Nguyễn Thị Lan", Role.MANAGER, "9999"),
)

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Bảo", "Phương"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Gia"]
GIVEN_F = ["Lan", "Hoa", "Mai", "Hương", "Trang", "Linh", "Ngân", "Thảo", "Vy", "Yến", "Hạnh", "Anh", "Châu"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tâm"]
CATEGORIES = ["grocery", "grocery", "grocery", "fresh", "fresh", "bakery", "drinks", "household", "tobacco"]


@dataclass
class SimClock:
    """A clock the seeding moves forward event by event."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


def demo_name(rng: random.Random) -> str:
    if rng.random() < 0.55:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"


def demo_phone(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = rng.choice(["090", "091", "093", "097", "098", "086", "070"]) + f"{rng.randrange(10**7):07d}"
        if phone not in used:
            used.add(phone)
            return phone


def _basket(rng: random.Random) -> Basket:
    lines = []
    for _ in range(rng.randint(1, 5)):
        amount = rng.choice([15000, 25000, 32000, 45000, 59000, 89000, 120000, 250000, 480000])
        lines.append(BasketLine(Money(amount), rng.choice(CATEGORIES)))
    return Basket.of(lines)


def seed_demo(
    store: Store,
    *,
    members: int = 200,
    days: int = 365,
    seed: int = 2026,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Seed the demo store into an initialised till. Returns counts of what was written."""
    rng = random.Random(seed)
    end = (now or datetime.now(UTC)).replace(microsecond=0)
    start = end - timedelta(days=days)
    clock = SimClock(start)
    svc = TillServices.open(store, clock)
    svc.programs.install_file(SYSTEM, PROGRAM_FILE)
    existing = {s.code for s in svc.staff.list()}
    for code, name, role, pin in DEMO_STAFF:
        if code not in existing:
            svc.staff.create(SYSTEM, code, name, role, pin)
    cashier = Actor("demo-cashier", "Demo", Role.CASHIER)
    manager = Actor("demo-manager", "Demo", Role.MANAGER)

    # Build a time-ordered plan of events, then play it through the services.
    events: list[tuple[datetime, str, int]] = []
    for i in range(members):
        joined = start + timedelta(seconds=rng.randrange(int((days - 5) * 86400)))
        events.append((joined, "enroll", i))
        visits = max(0, int(rng.expovariate(1 / 14)))
        for _ in range(visits):
            when = joined + timedelta(seconds=rng.randrange(max(1, int((end - joined).total_seconds()))))
            kind = rng.choices(["sale", "redeem", "action", "return"], weights=[80, 8, 8, 4])[0]
            events.append((when, kind, i))
    events.sort()

    member_ids: dict[int, str] = {}
    receipts: dict[int, list[str]] = {}
    used_phones: set[str] = set()
    counts = {"members": 0, "sales": 0, "redemptions": 0, "actions": 0, "returns": 0, "cards": 0}
    receipt_no = 100000
    for n, (when, kind, i) in enumerate(events):
        clock.now = when.replace(hour=rng.randint(1, 13))  # 08:00-20:00 in Vietnam (UTC+7)
        if progress is not None and n % 200 == 0:
            progress(n, len(events))
        try:
            if kind == "enroll":
                referral = None
                if member_ids and rng.random() < 0.15:
                    referrer = member_ids[rng.choice(list(member_ids))]
                    referral = svc.members.get(referrer).referral_code
                change = svc.members.enroll(
                    cashier,
                    demo_name(rng),
                    phone=demo_phone(rng, used_phones),
                    email=f"khach{i:04d}@example.vn" if rng.random() < 0.4 else None,
                    birthday=date(rng.randint(1955, 2006), rng.randint(1, 12), rng.randint(1, 28)),
                    consents=(ConsentInput("marketing", rng.random() < 0.6, "2026-01"),),
                    referral_code=referral,
                )
                member_ids[i] = change.member.id
                counts["members"] += 1
                if rng.random() < 0.6:
                    uid = bytes([0x04]) + rng.randbytes(6)
                    svc.cards.link(cashier, change.member.id, svc.cards.ref_for_uid(uid))
                    counts["cards"] += 1
            elif i not in member_ids:
                continue
            elif kind == "sale":
                receipt_no += 1
                ref = f"HD{receipt_no}"
                svc.points.award(cashier, member_ids[i], _basket(rng), ref)
                receipts.setdefault(i, []).append(ref)
                counts["sales"] += 1
            elif kind == "redeem":
                view = svc.members.get(member_ids[i])
                if view.balance >= 50:
                    receipt_no += 1
                    bill = Money(rng.choice([150000, 300000, 500000]))
                    pts = min(view.balance, bill.amount // 2 // 1000, 1500)
                    if pts >= 50:
                        svc.points.redeem(
                            cashier, member_ids[i], pts, bill=bill, receipt_ref=f"HD{receipt_no}"
                        )
                        counts["redemptions"] += 1
            elif kind == "action":
                svc.points.record_action(
                    cashier, member_ids[i], rng.choice(["recycling", "review", "survey"])
                )
                counts["actions"] += 1
            elif kind == "return" and receipts.get(i):
                ref = rng.choice(receipts[i])
                svc.points.process_return(manager, ref, Money(rng.choice([15000, 25000])))
                counts["returns"] += 1
        except LoyaltyError:
            # The plan is random: a cap reached or a refund larger than what is left is simply skipped,
            # exactly as a cashier would be told and move on.
            continue
    clock.now = end
    svc.points.expire_due()
    if progress is not None:
        progress(len(events), len(events))
    return counts
