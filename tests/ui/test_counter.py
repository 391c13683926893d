"""The counter: search as you type, reader taps, the member panel and the sale, on the real window."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.store import models as m
from app.ui.launch import attach_demo_tap
from app.ui.search import SCREENFUL
from app.ui.window import TillWindow
from devices.base import SunKeys
from devices.sim import SimReader, SimTap, text_record
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]
VECTORS = Path(__file__).parents[1] / "devices" / "parsers" / "vectors" / "an12196_sun.json"


def _serving(qtbot: QtBot, make_window: MakeWindow) -> TillWindow:
    window = make_window()
    sign_in(qtbot, window)
    return window


def _sim(window: TillWindow) -> SimReader:
    hub = window.readers
    assert hub is not None
    hub.start(["sim"])
    reader = hub.reader("sim")
    assert isinstance(reader, SimReader)
    return reader


def _earn_entries(till: Till, receipt: str) -> int:
    with till.store.read() as session:
        return int(
            session.scalar(
                select(func.count()).where(m.LedgerEntry.kind == "earn", m.LedgerEntry.receipt_ref == receipt)
            )
            or 0
        )


def test_search_as_you_type_then_enter_takes_the_single_match(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    enrol(till, "Nguyễn Văn An", "0901234567")
    enrol(till, "Nguyễn Thị Bích", "0907654321")
    window = _serving(qtbot, make_window)
    search = window.search
    qtbot.keyClicks(search.field, "nguyen")
    assert search.pending  # debounced: nothing asked yet, or the worker is on it
    qtbot.waitUntil(lambda: search.table.rowCount() == 2)
    assert {search.table.item(r, 0).text() for r in range(2)} == {"Nguyễn Văn An", "Nguyễn Thị Bích"}
    assert {search.table.item(r, 2).text() for r in range(2)} == {"0901 234 567", "0907 654 321"}
    qtbot.keyClicks(search.field, " bi")  # accents optional, every word a prefix
    qtbot.keyClick(search.field, Qt.Key.Key_Return)  # before the answer: taken when it comes
    qtbot.waitUntil(lambda: window.member is not None)
    assert window.member is not None and window.member.full_name == "Nguyễn Thị Bích"
    assert window.counter.currentWidget() is window.member_page


def test_search_shows_at_most_a_screenful_and_enter_asks_to_choose(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    for i in range(SCREENFUL + 3):
        enrol(till, f"Trần Văn Khách {i}", f"09012300{i:02d}")
    window = _serving(qtbot, make_window)
    qtbot.keyClicks(window.search.field, "tran van")
    qtbot.waitUntil(lambda: window.search.table.rowCount() == SCREENFUL)
    assert "More members match" in window.search.hint.text()
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    assert window.member is None and "choose one" in window.message.text()
    assert window.search.table.hasFocus()
    window.search.field.setFocus()
    qtbot.keyClicks(window.search.field, " k")
    assert window.message.text() == ""  # typing again: the old advice goes
    qtbot.waitUntil(lambda: not window.search.pending)
    qtbot.keyClick(window.search.field, Qt.Key.Key_Down)  # Down moves into the list
    assert window.search.table.hasFocus()
    qtbot.keyClick(window.search.table, Qt.Key.Key_Down)
    qtbot.keyClick(window.search.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.member is not None)


def test_a_card_tap_shows_the_member_with_balance_value_tier_and_reward(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Lê Thị Hoa", "0912345678")
    till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid("04A1B2C3D4E580"))
    window = _serving(qtbot, make_window)
    _sim(window).tap(SimTap(uid="04A1B2C3D4E580", hold=0.0))
    qtbot.waitUntil(lambda: window.member is not None)
    panel = window.member_panel
    assert panel.name.text() == "Lê Thị Hoa"
    assert panel.balance.text() == "50 points"  # the welcome bonus
    assert panel.value.text() == "worth 50,000 ₫"
    assert panel.tier.text() == "Thành viên"
    assert "more spending to Bạc" in panel.progress_text.text()
    assert panel.reward.text() == "Can take: Cà phê miễn phí (50 points)"
    assert not panel.secure_badge.isVisibleTo(panel)
    # The cashier's cursor is in the bill total.
    assert window.sale.total.hasFocus()
    assert window.customer.state.screen == "greeting" and window.customer.state.name == "Hoa"


def test_unknown_and_blocked_cards_are_refused_in_words(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Phạm Văn Nam", "0933333333")
    card = till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid("04AABBCCDDEE01"))
    till.svc.cards.block(till.cashier, card.id, "lost")
    window = _serving(qtbot, make_window)
    reader = _sim(window)
    reader.tap(SimTap(uid="04000000000099", hold=0.0))
    qtbot.waitUntil(lambda: window.counter.currentWidget() is window.unknown_card)
    assert (
        "not registered" in window.unknown_card.title.text()
    )  # offered to enrol or link (test_unknown_card)
    qtbot.keyClick(window.unknown_card.search.field, Qt.Key.Key_Escape)
    reader.tap(SimTap(uid="04AABBCCDDEE01", hold=0.0))
    qtbot.waitUntil(lambda: "This card was blocked on 02/03/2026 (lost)" in window.message.text())
    assert window.member is None
    reader.tap(SimTap(uid="08A1B2C3", tag_type="ISO14443-4", product="phone", hold=0.0))
    qtbot.waitUntil(lambda: "no member identity" in window.message.text())


def test_a_secure_card_is_shown_as_such_and_its_replay_is_refused(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    vector = json.loads(VECTORS.read_text())["vectors"][0]
    member = enrol(till, "Võ Minh Tâm", "0944444444")
    till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid(vector["expect"]["uid"]))
    window = _serving(qtbot, make_window)
    hub = window.readers
    assert hub is not None
    zero = bytes(16)
    hub.config.sun_keys = SunKeys(zero, zero)
    reader = _sim(window)
    tap = SimTap(uid="08010203", ndef=(text_record("uri", vector["url"]),), tag_type="Type4", hold=0.0)
    reader.tap(tap)
    qtbot.waitUntil(lambda: window.member is not None)
    assert window.member_panel.secure_badge.isVisibleTo(window.member_panel)
    assert window.member_panel.secure_badge.text() == "Secure card"
    qtbot.keyClick(window.sale.total, Qt.Key.Key_Escape)
    assert window.member is None
    reader.tap(tap)  # the same message again: a copy or a replay
    qtbot.waitUntil(lambda: "replayed" in window.message.text())
    assert window.member is None


def test_sale_tab_to_receipt_enter_awards_once_even_on_double_enter(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Đặng Thu Trang", "0955555555")
    window = _serving(qtbot, make_window)
    window.open_member_id(member.id)
    qtbot.waitUntil(lambda: window.member is not None)
    sale = window.sale
    assert sale.total.hasFocus()
    qtbot.keyClicks(sale.total, "250.000")
    qtbot.waitUntil(lambda: sale.quote is not None)
    assert sale.earns.text() == "Earns 25 points"
    assert "Base points: +25" in sale.breakdown.text()
    assert sale.redeem_max.text().startswith("Up to 50 points")
    qtbot.keyClick(sale.total, Qt.Key.Key_Tab)
    assert sale.receipt.hasFocus()
    qtbot.keyClicks(sale.receipt, "HD-1")
    first_sale = sale.sale
    qtbot.keyClick(sale.receipt, Qt.Key.Key_Return)
    qtbot.keyClick(sale.receipt, Qt.Key.Key_Return)  # the impatient second press
    qtbot.waitUntil(lambda: not sale.in_flight and window.member is not None and window.member.balance == 75)
    assert _earn_entries(till, "HD-1") == 1
    assert window.message.text() == "+25 points earned. New balance: 75 points."
    assert window.member_panel.balance.text() == "75 points"
    assert sale.sale is not first_sale  # a new sale with new ids for the next customer action
    assert window.customer.state.screen == "sale" and window.customer.state.earned == 25
    # The same sale retried (an Enter that reached the worker twice) is replayed, never awarded again.
    assert first_sale is not None
    again = till.svc.points.award(
        till.cashier, member.id, _basket(250_000), "HD-1", entry_id=first_sale.award_id
    )
    assert again.replayed and _earn_entries(till, "HD-1") == 1


def test_redeem_points_within_the_maximum_then_esc_clears(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Bùi Gia Long", "0966666666")
    till.svc.points.award(till.cashier, member.id, _basket(1_000_000), "OLD-1")  # 50 + 100 points
    window = _serving(qtbot, make_window)
    window.open_member_id(member.id)
    qtbot.waitUntil(lambda: window.member is not None)
    sale = window.sale
    assert "Balance 150 points" in sale.redeem_max.text()  # the limits shown before anything is typed
    qtbot.keyClicks(sale.total, "200.000")
    qtbot.waitUntil(lambda: sale.quote is not None)
    assert sale.redeem_max.text().startswith("Up to 100 points (100,000 ₫)")  # half the bill
    qtbot.keyClicks(sale.receipt, "HD-2")
    qtbot.keyClick(window, Qt.Key.Key_F4)
    assert sale.redeem.hasFocus()
    qtbot.keyClicks(sale.redeem, "120")
    qtbot.keyClick(sale.redeem, Qt.Key.Key_Return)
    assert window.message.text() == "At most 100 points can pay this bill."
    sale.redeem.clear()
    qtbot.keyClicks(sale.redeem, "20")
    qtbot.keyClick(sale.redeem, Qt.Key.Key_Return)
    assert window.message.text() == "Redeem at least 50 points."
    assert window.member is not None and window.member.balance == 150
    # The services keep the last word: a quote not yet in hand does not let a redemption past them.
    sale.quote = None
    sale.redeem.clear()
    qtbot.keyClicks(sale.redeem, "120")
    qtbot.keyClick(sale.redeem, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "cannot be redeemed" in window.message.text())
    assert window.member is not None and window.member.balance == 150
    sale.redeem.clear()
    qtbot.keyClicks(sale.redeem, "100")
    qtbot.keyClick(sale.redeem, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.member is not None and window.member.balance == 150 - 100 + 20)
    assert window.customer.state.redeemed == 100 and window.customer.state.earned == 20
    qtbot.keyClick(sale.total, Qt.Key.Key_Escape)
    assert window.member is None
    assert window.counter.currentWidget() is window.search and window.search.field.hasFocus()
    assert window.customer.state.screen == "thanks"


def _basket(amount: int) -> object:
    from loyalty.money import Money
    from loyalty.quote import Basket

    return Basket.of_total(Money(amount))


def test_points_expiring_soon_are_shown_with_their_date(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Hồ Ngọc Hà", "0977777777")  # 50 welcome points, expiring at the end of March 2027
    till.clock.advance(days=380)  # 2027-03-17: within 30 days of the expiry
    window = _serving(qtbot, make_window)
    window.open_member_id(member.id)
    qtbot.waitUntil(lambda: window.member is not None)
    expiring = window.member_panel.expiring
    assert expiring.isVisibleTo(window.member_panel)
    assert expiring.text() == "50 points expire soon (usable until 31/03/2027)"


def test_a_reward_from_the_list_is_redeemed_with_the_sale(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Ngô Quốc Sơn", "0988888888")
    window = _serving(qtbot, make_window)
    window.open_member_id(member.id)
    qtbot.waitUntil(lambda: window.member is not None)
    sale = window.sale
    rewards = [sale.reward.itemText(i) for i in range(sale.reward.count())]
    assert rewards[0] == "No reward" and len(rewards) >= 2  # only what 50 points can pay for
    qtbot.keyClicks(sale.total, "300.000")
    qtbot.keyClicks(sale.receipt, "HD-3")
    qtbot.keyClicks(sale.redeem, "50")
    sale.reward.setCurrentIndex(sale.reward.findData("VOUCHER50K"))
    assert sale.redeem.text() == ""  # a reward or points, not both
    qtbot.keyClick(sale.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.customer.state.screen == "sale")
    assert window.customer.state.redeemed == 50 and window.customer.state.earned == 30
    assert window.member is not None and window.member.balance == 50 - 50 + 30


def test_the_demo_button_taps_demo_cards_on_the_simulated_reader(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    first = enrol(till, "Tạ Minh Khoa", "0912121212")
    second = enrol(till, "Tô Ngọc Vy", "0913131313")
    window = _serving(qtbot, make_window)
    _sim(window)
    button = attach_demo_tap(window)
    assert button is not None and button.text() == "Demo: tap a card"
    qtbot.waitUntil(button.isEnabled)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.member is not None)
    shown = {window.member.id if window.member else None}
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.member is not None and window.member.id not in shown)
    assert window.member is not None
    assert {window.member.id, *shown} == {first.id, second.id}


def test_a_bill_total_that_is_not_an_amount_is_said_in_words(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Lâm Thị Thu", "0919191919")
    window = _serving(qtbot, make_window)
    window.open_member_id(member.id)
    qtbot.waitUntil(lambda: window.member is not None)
    sale = window.sale
    qtbot.keyClick(sale.total, Qt.Key.Key_Return)
    assert window.message.text() == "Type the bill total."
    qtbot.keyClicks(sale.total, "abc")
    qtbot.keyClick(sale.total, Qt.Key.Key_Return)
    assert window.message.text() == "The bill total is not an amount: type it in đồng, e.g. 250.000."
    sale.total.clear()
    qtbot.keyClicks(sale.total, "120.000")
    qtbot.keyClick(sale.total, Qt.Key.Key_Return)
    assert window.message.text() == "Type the receipt number."
    assert sale.receipt.hasFocus() and _earn_entries(till, "") == 0


def test_esc_while_the_sale_is_being_written_records_it_and_moves_on(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Trịnh Công Sơn", "0929292929")
    window = _serving(qtbot, make_window)
    window.open_member_id(member.id)
    qtbot.waitUntil(lambda: window.member is not None)
    other = sqlite3.connect(till.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the sale waits for this lock on the worker
    sale = window.sale
    qtbot.keyClicks(sale.total, "100.000")
    qtbot.keyClicks(sale.receipt, "HD-ESC")
    qtbot.keyClick(sale.receipt, Qt.Key.Key_Return)
    assert sale.in_flight
    qtbot.keyClick(sale.receipt, Qt.Key.Key_Escape)
    assert window.member is None and window.customer.state.screen == "thanks"
    other.execute("ROLLBACK")
    other.close()
    qtbot.waitUntil(lambda: not sale.in_flight, timeout=10_000)
    assert _earn_entries(till, "HD-ESC") == 1  # recorded
    assert "+10 points earned" in window.message.text()  # and said
    assert sale.member is None and window.counter.currentWidget() is window.search  # still waiting
    assert window.customer.state.screen == "thanks"
