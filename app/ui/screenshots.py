"""Render every screen of the till window in Vietnamese and English: ``make screenshots``.

``python -m app.ui.screenshots DIR`` builds a small demo till in a temporary folder (fixed clock, fixed
members), drives the real window through its screens offscreen and saves ``DIR/<screen>_vi.png`` and
``DIR/<screen>_en.png``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QWidget

from app.demo import DEMO_STAFF, PROGRAM_FILE, SimClock
from app.services import SYSTEM, TillServices, bootstrap_till
from app.store.db import open_store
from app.ui.launch import build_window
from app.ui.returns import amount_text
from app.ui.window import TillWindow
from devices.events import CardTech, ReaderAdded
from devices.identity import card_presented
from loyalty.money import Money
from loyalty.quote import Basket
from sync.state import Phase, SyncState

# A Monday morning in Ho Chi Minh City (outside the happy hour), so the pictures do not change by the day.
CLOCK = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
WINDOW_SIZE = (1280, 800)
DISPLAY_SIZE = (1024, 600)


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not reach the expected state")
        QCoreApplication.processEvents()
        time.sleep(0.005)
    QCoreApplication.processEvents()


def demo_till(folder: Path) -> tuple[TillServices, str]:
    """A small till with the demo program and staff, and one member with some history."""
    store = open_store(folder / "till.sqlite")
    bootstrap_till(store, store_id="demo-store", till_id="till-1", store_number=1, till_number=1)
    svc = TillServices.open(store, SimClock(CLOCK))
    svc.programs.install_file(SYSTEM, PROGRAM_FILE)
    for code, name, role, pin in DEMO_STAFF:
        svc.staff.create(SYSTEM, code, name, role, pin)
    cashier = svc.staff.sign_in("1001", "1111")
    lan = svc.members.enroll(cashier, "Nguyễn Thị Lan", phone="0901234567", email="lan@example.vn")
    for name, phone in (
        ("Nguyễn Văn An", "0912345678"),
        ("Nguyễn Thị Ánh", "0987654321"),
        ("Nguyễn Hữu Bình", "0934567890"),
    ):
        svc.members.enroll(cashier, name, phone=phone)
    for i, amount in enumerate((1_850_000, 2_400_000, 3_100_000)):
        svc.points.award(cashier, lan.member.id, Basket.of_total(Money(amount)), f"HD10{i}")
    return svc, lan.member.id


def save(widget: QWidget, folder: Path, name: str, language: str) -> Path:
    QCoreApplication.processEvents()
    path = folder / f"{name}_{language}.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def shoot(svc: TillServices, member_id: str, out: Path, language: str) -> list[Path]:
    store = svc.core.store
    window, display = build_window(store, svc, language=language, lock_after=3600)
    window.resize(*WINDOW_SIZE)
    display.resize(*DISPLAY_SIZE)
    # The status bar as at a counter on a normal day: the simulated reader up, the last sync a minute ago.
    window.status_bar.on_reader_event(ReaderAdded(reader="sim", name="Simulated reader"))
    window.status_bar.show_sync(SyncState(phase=Phase.ONLINE, last_success=CLOCK - timedelta(minutes=1)))
    window.show()
    display.show()
    saved: list[Path] = []
    try:
        saved.append(save(window, out, "sign_in", language))
        saved.append(save(display, out, "customer_idle", language))
        window.signin.code.setText("1001")
        window.signin.pin.setText("0000")
        window.signin.submit()
        wait_for(lambda: bool(window.signin.message.text()) and not window.signin._busy)
        saved.append(save(window, out, "sign_in_refused", language))
        window.signin.code.setText("1001")
        window.signin.pin.setText("1111")
        window.signin.submit()
        wait_for(lambda: window.serving)
        saved.append(save(window, out, "waiting", language))
        window.search.field.setText("nguyen")
        window.search.field.textEdited.emit("nguyen")
        wait_for(lambda: window.search.table.rowCount() > 0 and not window.search.pending)
        saved.append(save(window, out, "search", language))
        window.open_member_id(member_id)
        wait_for(lambda: window.member is not None)
        saved.append(save(window, out, "member", language))
        saved.append(save(display, out, "customer_greeting", language))
        sale = window.sale
        sale.total.setText("450.000")
        sale.total.textEdited.emit("450.000")
        wait_for(lambda: sale.quote is not None)
        sale.receipt.setText("HD2001")
        sale.redeem.setText("100")
        saved.append(save(window, out, "sale", language))
        sale.submit()
        wait_for(lambda: not sale.in_flight)
        saved.append(save(window, out, "sale_done", language))
        saved.append(save(window.receipt_slip, out, "receipt_slip", language))
        window.reprint_receipt()  # F8: the last receipt again (no printer here: Enter saves it as PDF)
        dialog = window.receipt_dialog
        assert dialog is not None
        wait_for(dialog.isVisible)
        saved.append(save(dialog, out, "receipt_reprint", language))
        dialog.close()
        saved.append(save(display, out, "customer_sale", language))
        window.clear_member()
        saved.append(save(display, out, "customer_thanks", language))
        saved += shoot_cards_and_enrol(svc, member_id, window, display, out, language)
        saved += shoot_returns_and_actions(window, member_id, out, language)
        window.lock()
        saved.append(save(window, out, "locked", language))
    finally:
        window.shutdown()
        window.close()
        display.close()
    return saved


def tap(window: TillWindow, uid: str) -> None:
    """A card tapped on a reader, through the window's reader path (as the reader hub delivers it)."""
    hub = window.readers
    assert hub is not None
    window.on_reader_event(card_presented("sim", uid, CardTech(tag_type="Type2"), (), hub.config))


def shoot_cards_and_enrol(
    svc: TillServices, member_id: str, window: TillWindow, display: QWidget, out: Path, language: str
) -> list[Path]:
    """Enrolment with a blank card, an unknown card, a blocked card, a manager's approval in place."""
    saved: list[Path] = []
    window.open_enrol()
    form = window.enrol
    form.name.setText("Trần Thị Hoa")
    form.phone.setText("0901 23")
    form.check_phone()
    saved.append(save(window, out, "enrol_error", language))
    form.phone.setText("0909 876 543")
    form.check_phone()
    form.birthday.setText("17/05/1990")
    form.consents[0].box.setChecked(True)
    tap(window, "04A1B2C3D4E5F6")
    wait_for(lambda: form.card is not None)
    saved.append(save(window, out, "enrol", language))
    form.submit()
    wait_for(lambda: window.member is not None)
    saved.append(save(window, out, "enrol_welcome", language))
    saved.append(save(display, out, "customer_welcome", language))
    window.clear_member()

    tap(window, "04C0FFEE123456")
    wait_for(lambda: window.counter.currentWidget() is window.unknown_card)
    saved.append(save(window, out, "unknown_card", language))
    offer = window.unknown_card
    offer.search.field.setText("nguyen thi lan")
    offer.search.field.textEdited.emit("nguyen thi lan")
    wait_for(lambda: offer.search.table.rowCount() > 0 and not offer.search.pending)
    offer.search.take()
    wait_for(lambda: offer.confirming)
    saved.append(save(window, out, "unknown_card_link", language))
    window.escape()
    window.escape()

    lost = svc.cards.link(SYSTEM, member_id, svc.cards.ref_for_uid("04B10C4ED00001"))
    svc.cards.block(SYSTEM, lost.id, "mất ở chợ" if language == "vi" else "lost at the market")
    tap(window, "04B10C4ED00001")
    wait_for(lambda: "02/03/2026" in window.message.text())
    saved.append(save(window, out, "card_blocked", language))

    svc.points.adjust(SYSTEM, member_id, 3000, "points moved from the old card system")
    window.open_member_id(member_id)
    wait_for(lambda: window.member is not None)
    sale = window.sale
    sale.total.setText("5.000.000")
    sale.total.textEdited.emit("5.000.000")
    wait_for(lambda: sale.quote is not None)
    sale.receipt.setText("HD2002")
    sale.redeem.setText("2500")
    sale.submit()
    wait_for(lambda: sale.approval.waiting and not sale.in_flight)
    sale.approval.code.setText("9001")
    saved.append(save(window, out, "approval", language))
    sale.approval.cancel()
    window.clear_member()
    return saved


def shoot_returns_and_actions(window: TillWindow, member_id: str, out: Path, language: str) -> list[Path]:
    """A return of part of the sale paid partly with points (F6), and the member's actions (F7)."""
    saved: list[Path] = []
    window.open_returns()
    returns = window.returns
    returns.receipt.setText("HD2001")
    returns.look_up()
    wait_for(lambda: returns.open is not None and returns.preview is not None)
    typed = amount_text(200_000, "VND")  # as a cashier types it in this language
    returns.amount.setText(typed)
    returns.amount.textEdited.emit(typed)
    wait_for(lambda: returns.preview is not None and returns.preview.refund.amount == 200_000)
    saved.append(save(window, out, "return_preview", language))
    returns.submit()
    wait_for(lambda: returns.open is not None and returns.open.done and not returns.in_flight)
    wait_for(lambda: typed in returns.facts["refunded"][1].text())
    saved.append(save(window, out, "return_done", language))
    window.escape()

    window.open_member_id(member_id)
    wait_for(lambda: window.member is not None)
    window.open_actions()
    actions = window.actions_panel
    wait_for(lambda: len(actions.standings) == len(actions.codes))
    for code in ("recycling", "survey"):
        actions.record(code)

        def recorded(c: str = code) -> bool:
            standing = actions.standings.get(c)
            return not actions.in_flight and standing is not None and standing.used == 1

        wait_for(recorded)
    saved.append(save(window, out, "actions", language))
    window.escape()
    window.clear_member()
    return saved


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0] if args else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    saved: list[Path] = []
    for language in ("vi", "en"):
        with tempfile.TemporaryDirectory() as folder:
            svc, member_id = demo_till(Path(folder))
            try:
                saved += shoot(svc, member_id, out, language)
            finally:
                svc.core.store.close()
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
