"""Insights read from a real till store: the demo store (sales, returns, redemptions, expiry over a year) and
small worked scenarios, checked against the ledger itself."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import threading
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from app.demo import seed_demo
from app.paths import database_path
from app.services import SYSTEM, ConsentInput, TillServices, bootstrap_till
from app.services.insight_figures import StoreMetrics, metrics_as_dict, metrics_from_dict
from app.services.insights import InsightsService, MemberInsight
from app.services.member_facts import MERGED_MEMBERS
from app.store import models as m
from app.store.db import Store, open_store
from loyalty.analytics import metrics
from loyalty.analytics.hints import HintKind, describe
from loyalty.analytics.rfm import SEGMENTS, segment_of
from loyalty.errors import InvalidInput, NotFound
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import FakeClock, Till, make_till, simple_program

ROOT = Path(__file__).resolve().parents[2]
DEMO_NOW = datetime(2026, 11, 1, 5, 0, tzinfo=UTC)  # 12:00 in Ho Chi Minh City
ZONE_OFFSET = timedelta(hours=7)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store seeded once (60 members, a year of history), copied by each test."""
    path = tmp_path_factory.mktemp("demo") / "till.sqlite"
    store = open_store(path)
    bootstrap_till(store, store_id="demo", till_id="t1", store_number=1, till_number=1)
    seed_demo(store, members=60, now=DEMO_NOW)
    store.close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[tuple[Store, TillServices, InsightsService]]:
    path = tmp_path / "till.sqlite"
    shutil.copyfile(demo_file, path)
    store = open_store(path)
    svc = TillServices.open(store, FakeClock(DEMO_NOW))
    yield store, svc, InsightsService(svc.core)
    store.close()


def local_day(moment: datetime) -> date:
    return (moment.astimezone(UTC) + ZONE_OFFSET).date()


def ledger_sales(store: Store) -> list[tuple[str, date, int]]:
    """Each sale net of its refunds, straight from the entries (the service reads them with one query)."""
    with store.read() as s:
        entries = s.execute(
            select(
                m.LedgerEntry.id,
                m.LedgerEntry.member_id,
                m.LedgerEntry.kind,
                m.LedgerEntry.amount_minor,
                m.LedgerEntry.reverses_id,
                m.LedgerEntry.created_at,
            )
        ).all()
    refunds: dict[str, int] = defaultdict(int)
    for e in entries:
        if e.kind == "reverse" and e.amount_minor is not None and e.reverses_id is not None:
            refunds[e.reverses_id] += e.amount_minor
    sales = []
    for e in entries:
        if e.kind == "earn" and e.amount_minor is not None:
            net = e.amount_minor + refunds[e.id]
            if net > 0:
                sales.append((e.member_id, local_day(e.created_at), net))
    return sorted(sales)


def test_transactions_are_the_sales_net_of_refunds(demo: tuple[Store, TillServices, InsightsService]) -> None:
    store, _, insights = demo
    got = sorted(insights.transactions())
    expected = ledger_sales(store)
    assert got == expected
    assert len(got) > 300
    with store.read() as s:
        returns = s.scalar(
            select(func.count()).select_from(m.LedgerEntry).where(m.LedgerEntry.amount_minor < 0)
        )
    assert returns, "the demo has returns, so the netting is exercised"
    assert all(day <= DEMO_NOW.date() for _, day, _ in got)


def test_store_metrics_agree_with_the_ledger(demo: tuple[Store, TillServices, InsightsService]) -> None:
    store, _, insights = demo
    figures = insights.store_metrics()
    as_of = local_day(DEMO_NOW)
    assert figures.as_of == as_of
    sales = ledger_sales(store)
    buyers = {who for who, _, _ in sales}
    with store.read() as s:
        members = s.scalar(select(func.count()).select_from(m.Member).where(m.Member.status == "active"))
        lots = s.execute(select(m.Lot.remaining, m.Lot.expires_at).where(m.Lot.remaining > 0)).all()
        entries = s.execute(select(m.LedgerEntry.kind, m.LedgerEntry.points)).all()
        enrolled = s.scalars(select(m.Member.created_at)).all()
    assert figures.members == members == 60
    assert figures.buyers == len(buyers)
    live = sum(r for r, expires in lots if expires is None or expires > DEMO_NOW)
    assert figures.liability.points == live
    assert figures.liability.value == live * 1000 == live * figures.point_value
    assert sum(b.points for b in figures.liability.schedule) == live
    issued = sum(p for k, p in entries if k in ("earn", "bonus", "action", "adjust") and p > 0)
    assert sum(f.issued for f in figures.flow) == issued
    assert sum(f.expired for f in figures.flow) == -sum(p for k, p in entries if k == "expire")
    assert figures.redemption_rate is not None and 0 < figures.redemption_rate < 1
    first = as_of - timedelta(days=29)
    assert sum(n for _, n in figures.enrolments) == sum(1 for t in enrolled if local_day(t) >= first)
    assert len(figures.enrolments) == 30
    assert int(figures.cohorts.sizes.sum()) == len(buyers)
    assert sum(figures.segments.values()) == len(buyers)
    codes = {who: i for i, who in enumerate(sorted(buyers))}
    who = np.array([codes[w] for w, _, _ in sales])
    when = np.array([d.toordinal() for _, d, _ in sales])
    assert figures.north_star == metrics.north_star(who, when, as_of) > 0
    assert figures.north_star_trend[-1] == (as_of, figures.north_star)
    last = [max(d for w, d, _ in sales if w == b).toordinal() for b in buyers]
    assert figures.active == metrics.active_members(last, as_of)
    assert figures.fit.bgnbd is not None and figures.fit.gamma_gamma is not None, figures.fit.problems
    assert figures.fit.buyers == len(buyers)
    # Everything the dashboard exports is plain JSON.
    assert json.loads(json.dumps(metrics_as_dict(figures)))["north_star"] == figures.north_star


def test_a_members_insight_matches_their_history(demo: tuple[Store, TillServices, InsightsService]) -> None:
    store, _, insights = demo
    sales = ledger_sales(store)
    counts: dict[str, int] = defaultdict(int)
    for who, _, _ in sales:
        counts[who] += 1
    member_id = max(counts, key=lambda k: (counts[k], k))
    own = [(d, a) for w, d, a in sales if w == member_id]
    got = insights.member(member_id)
    assert got.history.total_spend == sum(a for _, a in own)
    assert got.history.sales == len(own)
    assert got.history.visits == len({d for d, _ in own})
    assert got.history.first_visit == min(d for d, _ in own)
    assert got.scores is not None and got.segment is segment_of(*got.scores)
    assert got.prediction is not None
    p = got.prediction
    assert 0 <= p.p_alive <= 1 and p.expected_purchases >= 0
    assert p.clv is not None and math.isfinite(p.clv) and p.clv >= 0
    assert p.expected_spend is not None and p.expected_spend > 0
    # The demo asked about marketing only: everyone can be asked about personalised offers.
    assert got.hints[-1].kind is HintKind.ASK_CONSENT
    assert insights.best_hint(member_id) == got.hints[0]


def test_a_new_sale_moves_the_segments_without_refitting(
    demo: tuple[Store, TillServices, InsightsService],
) -> None:
    _, svc, insights = demo
    before = insights.store_metrics()
    newcomer = svc.members.enroll(SYSTEM, "Đinh Thị Mới", phone="0912000999").member
    svc.points.award(SYSTEM, newcomer.id, Basket.of_total(Money(250_000)), "INS-1")
    after = insights.store_metrics()
    assert after.fit is before.fit  # the day's fit is kept
    assert sum(after.segments.values()) == sum(before.segments.values()) + 1
    assert after.buyers == before.buyers + 1
    assert insights.member(newcomer.id).segment in SEGMENTS


def test_points_about_to_expire_worked_example(till: Till) -> None:
    """Enrolled and bought on 2 March 2026 (welcome 50 + 200 points): under the demo program those points
    can be used until 31 March 2027. On 15 March 2027 the cashier is told, with the reward they pay for."""
    svc = till.svc
    member = svc.members.enroll(till.cashier, "Lý Thị Hạn", phone="0912000111").member
    svc.points.award(till.cashier, member.id, Basket.of_total(Money(2_000_000)), "EXP-1")
    till.clock.now = datetime(2027, 3, 15, 3, 0, tzinfo=UTC)
    insights = InsightsService(svc.core)
    got = insights.member(member.id)
    expiring = got.hints[0]
    assert expiring.kind is HintKind.POINTS_EXPIRING
    assert (expiring.points, expiring.on) == (250, date(2027, 3, 31))
    assert describe(expiring) == "250 points expire on 31/03 — enough for Giảm 10% hoá đơn now."
    assert [h.kind for h in got.hints] == [HintKind.POINTS_EXPIRING, HintKind.ASK_CONSENT]
    assert got.prediction is None  # one store, one member: no model to fit


def test_consent_turns_on_personalised_hints(till: Till) -> None:
    svc = till.svc
    today = local_day(till.clock.now)
    member = svc.members.enroll(
        till.cashier, "Phan Văn Sinh", phone="0912000222", birthday=date(1990, today.month, 20)
    ).member
    insights = InsightsService(svc.core)
    # The welcome bonus (50 points) already pays for a reward: a service fact, shown whatever the consent.
    assert [h.kind for h in insights.hints(member.id)] == [HintKind.REWARD_READY, HintKind.ASK_CONSENT]
    svc.members.record_consent(till.cashier, member.id, ConsentInput("personalisation", True, "2026-01"))
    ready, birthday = insights.hints(member.id)
    assert birthday.kind is HintKind.BIRTHDAY and birthday.on == date(today.year, today.month, 20)
    svc.members.record_consent(till.cashier, member.id, ConsentInput("personalisation", False, "2026-01"))
    assert insights.hints(member.id) == (ready,)  # declined: no profile hints, and not asked again


def test_sales_of_a_merged_member_count_for_the_survivor(till: Till) -> None:
    svc = till.svc
    keep = svc.members.enroll(till.cashier, "Trần Văn Giữ", phone="0912000333").member
    duplicate = svc.members.enroll(till.cashier, "Tran Van Giu", phone="0912000444").member
    svc.points.award(till.cashier, keep.id, Basket.of_total(Money(100_000)), "M-1")
    till.clock.advance(days=3)
    svc.points.award(till.cashier, duplicate.id, Basket.of_total(Money(300_000)), "M-2")
    svc.members.merge(till.manager, duplicate.id, keep.id, "same person")
    insights = InsightsService(svc.core)
    assert {who for who, _, _ in insights.transactions()} == {keep.id}
    got = insights.member(keep.id)
    assert (got.history.sales, got.history.visits, got.history.total_spend) == (2, 2, 400_000)
    assert insights.member(duplicate.id).member_id == keep.id


def test_record_what_the_cashier_did_with_a_hint(till: Till) -> None:
    svc = till.svc
    member = svc.members.enroll(till.cashier, "Võ Thị Gợi", phone="0912000555").member
    insights = InsightsService(svc.core)
    insights.record_hint(till.cashier, member.id, "ask_consent", used=True)
    insights.record_hint(till.cashier, member.id, HintKind.REWARD_CLOSE.value, used=False)
    insights.record_hint(till.manager, member.id, "ask_consent", used=False)
    with till.store.read() as s:
        rows = s.execute(
            select(m.HintUse.hint_kind, m.HintUse.used, m.HintUse.staff_id, m.HintUse.recorded_at).order_by(
                m.HintUse.id
            )
        ).all()
    assert [(k, u, staff) for k, u, staff, _ in rows] == [
        ("ask_consent", True, till.cashier.staff_id),
        ("reward_close", False, till.cashier.staff_id),
        ("ask_consent", False, till.manager.staff_id),
    ]
    assert rows[0].recorded_at == till.clock.now
    usage = {u.kind: (u.used, u.dismissed) for u in insights.store_metrics().hint_usage}
    assert usage == {"ask_consent": (1, 1), "reward_close": (0, 1)}
    with pytest.raises(InvalidInput, match="not a kind of hint"):
        insights.record_hint(till.cashier, member.id, "free_beer", used=True)
    with pytest.raises(NotFound):
        insights.record_hint(till.cashier, "no-such-member", "ask_consent", used=True)


def test_the_insights_command_prints_the_figures(demo_file: Path, tmp_path: Path) -> None:
    shutil.copyfile(demo_file, database_path(tmp_path))
    env = {**os.environ, "LOYALTY_NO_WINDOW": "1"}
    command = [sys.executable, "-m", "app", "--data-dir", str(tmp_path), "insights"]
    plain = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=False
    )
    assert plain.returncode == 0, plain.stderr
    assert "North Star, repeat customers in the last 90 days:" in plain.stdout
    assert "BG/NBD (weeks): r=" in plain.stdout
    as_json = subprocess.run(
        [*command, "--json"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=False
    )
    assert as_json.returncode == 0, as_json.stderr
    figures = json.loads(as_json.stdout)
    assert figures["members"] == 60
    assert figures["model"]["bgnbd"]["r"] > 0
    assert sum(figures["segments"].values()) == figures["buyers"]


@pytest.mark.parametrize(
    ("zone", "utc_time", "local_day"),
    [
        ("Asia/Ho_Chi_Minh", datetime(2026, 3, 2, 17, 30, tzinfo=UTC), date(2026, 3, 3)),  # fixed +07:00
        (
            "Europe/Paris",
            datetime(2026, 3, 2, 23, 30, tzinfo=UTC),
            date(2026, 3, 3),
        ),  # daylight saving: per row
        ("Europe/Paris", datetime(2026, 7, 2, 21, 30, tzinfo=UTC), date(2026, 7, 2)),  # summer time: +02:00
    ],
)
def test_sales_are_counted_on_the_stores_local_day(
    tmp_path: Path, zone: str, utc_time: datetime, local_day: date
) -> None:
    till = make_till(tmp_path, simple_program(timezone=zone))
    try:
        member = till.svc.members.enroll(till.cashier, "Đỗ Thị Giờ", phone="0912000777").member
        till.clock.now = utc_time
        till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(120_000)), "TZ-1")
        insights = InsightsService(till.svc.core)
        assert list(insights.transactions()) == [(member.id, local_day, 120_000)]
        assert insights.member(member.id).history.first_visit == local_day
    finally:
        till.store.close()


def test_the_cashiers_hint_never_waits_for_the_days_refit(
    demo: tuple[Store, TillServices, InsightsService],
) -> None:
    """The refit reads every sale and fits both models (seconds on a large store): while it runs, a hint on
    the till's one database worker must not queue behind it. It answers from the member's own facts, and the
    refit it asked for fills the snapshot for the next hint."""
    store, _, insights = demo
    counts: dict[str, int] = defaultdict(int)
    for who, _, _ in ledger_sales(store):
        counts[who] += 1
    member_id = max(counts, key=lambda k: (counts[k], k))
    refit_running = threading.Event()
    release = threading.Event()

    def hold_the_refit() -> None:
        with insights._refit:  # what a refit in progress holds
            refit_running.set()
            release.wait(60)

    holder = threading.Thread(target=hold_the_refit)
    holder.start()
    refit_running.wait(60)
    answered: list[object] = []
    asker = threading.Thread(target=lambda: answered.append(insights.member(member_id, wait=False)))
    asker.start()
    asker.join(60)
    blocked = asker.is_alive()
    release.set()
    holder.join(60)
    asker.join(60)
    assert not blocked, "the hint waited for the refit"
    first = answered[0]
    assert isinstance(first, MemberInsight) and first.prediction is None and first.segment is None
    background = insights._background
    if background is not None:
        background.join(120)
    assert insights.member(member_id, wait=False).segment is not None  # the snapshot is there now


def test_the_merges_every_hint_asks_for_come_from_the_index_of_members_not_active(tmp_path: Path) -> None:
    """Each cashier's hint looks up which members were merged: through the partial index of members who are
    not active (a handful), never along every member of the store."""
    from tests.services.conftest import make_till

    till = make_till(tmp_path)
    try:
        with till.store.read() as session:
            raw = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + MERGED_MEMBERS)
            plan = " | ".join(str(row[-1]) for row in raw)
            assert "ix_members_status_name_folded_id" in plan, plan
            assert InsightsService(till.svc.core)._survivors(session) == {}
    finally:
        till.store.close()


def _comparable(figures: StoreMetrics) -> dict[str, object]:
    """The figures as JSON, without the day's fit and segment book (kept from the morning on purpose)."""
    plain = metrics_as_dict(figures)
    plain.pop("model")
    plain.pop("segments")
    return plain


def test_the_day_s_figures_kept_up_to_date_equal_figures_read_afresh(
    demo: tuple[Store, TillServices, InsightsService],
) -> None:
    """The dashboard's figures are kept, not re-read: after new sales, refunds of sales read before, a merge
    of two buyers and an expiry, they equal what a service that reads the whole ledger now computes."""
    store, svc, insights = demo
    before = insights.store_metrics()
    with store.read() as s:
        refunded = select(m.LedgerEntry.reverses_id).where(m.LedgerEntry.reverses_id.is_not(None))
        ledger = s.execute(
            select(m.LedgerEntry.receipt_ref, m.LedgerEntry.member_id, m.LedgerEntry.amount_minor)
            .where(
                m.LedgerEntry.kind == "earn",
                m.LedgerEntry.amount_minor > 0,
                m.LedgerEntry.receipt_ref.is_not(None),
                m.LedgerEntry.id.not_in(refunded),
            )
            .order_by(m.LedgerEntry.created_at.desc())
        ).all()
        buyers = list(dict.fromkeys(str(w) for _, w, _ in ledger))
    cashier = svc.staff.sign_in("1001", "1111")
    manager = svc.staff.sign_in("9001", "9999")
    svc.points.process_return(cashier, str(ledger[0][0]), Money(10_000))  # in part
    svc.points.process_return(manager, str(ledger[1][0]), Money(int(ledger[1][2])))  # in full: it drops out
    svc.points.award(cashier, buyers[2], Basket.of_total(Money(350_000)), "KEPT-1")
    svc.members.merge(manager, buyers[3], buyers[4], "enrolled twice")
    svc.points.award(cashier, buyers[4], Basket.of_total(Money(90_000)), "KEPT-2")
    kept = insights.store_metrics()
    fresh = InsightsService(svc.core).store_metrics()
    assert _comparable(kept) == _comparable(fresh)
    assert _comparable(kept) != _comparable(before)
    assert kept.buyers == fresh.buyers and kept.north_star == fresh.north_star
    assert (
        sum(f.issued for f in kept.flow)
        == sum(f.issued for f in fresh.flow)
        > sum(f.issued for f in before.flow)
    )


def test_the_figures_travel_as_json_and_come_back_the_same(
    demo: tuple[Store, TillServices, InsightsService],
) -> None:
    _store, _svc, insights = demo
    figures = insights.store_metrics()
    plain = json.loads(json.dumps(metrics_as_dict(figures)))
    back = metrics_from_dict(plain)
    assert metrics_as_dict(back) == plain
    assert back.cohorts.retention.shape == figures.cohorts.retention.shape
    assert np.array_equal(back.cohorts.retention, figures.cohorts.retention, equal_nan=True)
    assert back.fit == figures.fit or (back.fit.bgnbd, back.fit.problems) == (
        figures.fit.bgnbd,
        figures.fit.problems,
    )


def test_a_refusal_to_fit_comes_back_in_words_the_window_translates() -> None:
    from app.services.insight_figures import ModelFit, fit_as_dict, fit_from_dict
    from loyalty.analytics.params import CannotFit
    from loyalty.errors import Detail

    refusal = CannotFit(
        model="BG/NBD",
        why=Detail("it has {customers:g} customers and needs at least {minimum}", customers=3, minimum=20),
    )
    fit = ModelFit(
        None, None, (refusal.message,), 3, errors=(refusal, CannotFit(model="Gamma-Gamma", why="no"))
    )
    back = fit_from_dict(json.loads(json.dumps(fit_as_dict(fit))))
    assert [e.message for e in back.errors] == [e.message for e in fit.errors]
    why = back.errors[0].params["why"]
    assert (
        isinstance(why, Detail)
        and why.text.startswith("it has {customers:g}")
        and why.params["minimum"] == 20
    )
