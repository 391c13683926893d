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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QWidget

from app.demo import DEMO_STAFF, PROGRAM_FILE, SimClock, seed_demo
from app.services import SYSTEM, TillServices, bootstrap_till
from app.store.db import open_store
from app.ui.i18n import amount_text
from app.ui.launch import build_window
from app.ui.window import TillWindow
from devices.events import CardTech, ReaderAdded
from devices.identity import card_presented
from loyalty.money import Money
from loyalty.quote import Basket
from sync.state import Phase, SyncState

# A Monday morning in Ho Chi Minh City (outside the happy hour), so the pictures do not change by the day.
CLOCK = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
WINDOW_SIZE = (1280, 800)
HISTORY_MEMBERS = 150
HISTORY_SEED = 2026
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
    # A year of members and sales before the morning of the pictures (a fixed seed), so that the manager's
    # insights have real charts, cohorts and lifetime values to show.
    seed_demo(store, members=HISTORY_MEMBERS, days=365, seed=HISTORY_SEED, now=CLOCK - timedelta(hours=2))
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
    window.status_bar.on_reader_event(ReaderAdded(reader="sim", name="Demo"))
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
        hint = window.member_panel.hint_card
        wait_for(lambda: window.member is not None and hint is not None and hint.answered)
        settle()
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
        saved += shoot_desk_members(window, member_id, out, language)
        saved += shoot_insights(svc, window, out, language)
        saved += shoot_desk_program_inbox_privacy(svc, window, member_id, out, language)
        saved += shoot_desk_cards_duplicates_audit(svc, window, member_id, out, language)
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


def sign_in_as(window: TillWindow, code: str, pin: str) -> None:
    """Sign out whoever is signed in and sign in with ``code`` and ``pin``."""
    window.sign_out()
    window.signin.code.setText(code)
    window.signin.pin.setText(pin)
    window.signin.submit()
    wait_for(lambda: window.serving)


def shoot_desk_members(window: TillWindow, member_id: str, out: Path, language: str) -> list[Path]:
    """The desk's member list, a member's 360, "Why this balance?" and an adjustment with its preview, signed
    in as the manager (then the cashier again, as the counter was)."""
    saved: list[Path] = []
    sign_in_as(window, "9001", "9999")
    window.open_desk()
    listing = window.desk_members
    window.desk.show_page(listing)
    wait_for(lambda: listing.model.rowCount() > 0 and not listing.pending)
    settle()
    saved.append(save(window, out, "desk_members", language))
    page = window.desk_member
    window.desk.open_member(member_id)
    wait_for(lambda: page.overview is not None and page.statement is not None)
    settle()
    saved.append(save(window, out, "desk_member360", language))
    page.tabs.setCurrentIndex(2)
    settle()
    saved.append(save(window, out, "desk_statement", language))
    page.tabs.setCurrentIndex(0)
    page.open_adjust()
    form = page.corrections
    form.points.setText("-150")
    form.points.textEdited.emit("-150")
    form.reason.setText("điểm tặng nhầm" if language == "vi" else "points given twice by mistake")
    wait_for(lambda: form.preview is not None)
    settle()
    saved.append(save(window, out, "desk_adjust", language))
    form.close_form()
    page.open_profile_edit()
    page.profile_edit.phone.setText("0912 345 678")
    settle()
    saved.append(save(window, out, "desk_profile_edit", language))
    page.profile_edit.close_form()
    window.escape()
    sign_in_as(window, "1001", "1111")
    return saved


def shoot_desk_program_inbox_privacy(
    svc: TillServices, window: TillWindow, member_id: str, out: Path, language: str
) -> list[Path]:
    """The desk's Program, Inbox and Privacy pages, signed in as the manager: the program in words, a
    program file with mistakes, an overdraft to resolve, a member's consents and data."""
    from app.services.members import CONSENT_TEXTS
    from app.services.program_diff import program_json

    saved: list[Path] = []
    window.sign_out()
    window.signin.code.setText("9001")
    window.signin.pin.setText("9999")
    window.signin.submit()
    wait_for(lambda: window.serving)
    manager = window.ctx.actor
    assert manager is not None
    # A return after the points were spent: the member owes them (an overdraft for the inbox).
    binh = svc.members.enroll(manager, "Phạm Minh Tuấn", phone="0938111222").member
    svc.points.award(manager, binh.id, Basket.of_total(Money(1_500_000)), "HD3001")
    svc.points.redeem(manager, binh.id, 200, bill=Money(500_000), receipt_ref="HD3002")
    svc.points.process_return(manager, "HD3001", Money(1_500_000))
    for wording in CONSENT_TEXTS:
        svc.members.record_consent(manager, member_id, wording.answer(wording.purpose == "marketing"))

    window.open_desk()
    desk = window.desk
    program = window.desk_program
    desk.show_page(program)
    wait_for(lambda: bool(program.versions) and program.selected in program.programs)
    saved.append(save(window, out, "desk_program", language))
    # A file with mistakes: each one on its line.
    data = program_json(window.ctx.program)
    lines = [f'version = "{data["version"]}.1"', f'name = "{data["name"]}"', "", "[earn]", "spend_step = 0"]
    lines += ['rounding = "sideways"', "", "[redemption]", "point_value = 1000", "minimum_points = -5"]
    broken = Path(tempfile.gettempdir()) / f"loyalty-till-screenshot-{language}.toml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        program.path.setText(str(broken))
        program.check_file()
        wait_for(lambda: program.check is not None)
        saved.append(save(window, out, "desk_program_file", language))
    finally:
        broken.unlink(missing_ok=True)
    program.show_rules()

    inbox = window.desk_inbox
    desk.show_page(inbox)
    wait_for(lambda: bool(inbox.local) and inbox.central is not None and not inbox.central_loading)
    inbox.choose("till", inbox.local[0].id)
    saved.append(save(window, out, "desk_inbox", language))

    privacy = window.desk_privacy
    desk.show_page(privacy)
    privacy.open_for(member_id)
    wait_for(lambda: privacy.view is not None)
    saved.append(save(window, out, "desk_privacy", language))
    window.escape()
    return saved


def shoot_desk_cards_duplicates_audit(
    svc: TillServices, window: TillWindow, member_id: str, out: Path, language: str
) -> list[Path]:
    """The desk's Cards, Duplicates and Audit pages, signed in as the manager: the member's lost card, replaced,
    with its history; a customer enrolled twice, the merge previewed; the audit log with its chains checked."""
    from app.services import ConsentInput

    saved: list[Path] = []
    sign_in_as(window, "9001", "9999")
    manager = window.ctx.actor
    assert manager is not None
    vi = language == "vi"
    lost = next(c for c in svc.cards.cards_of(member_id) if c.status == "blocked")
    new_card = svc.cards.ref_for_uid("04B10C4ED00002")
    svc.cards.replace(
        manager, lost.id, new_card, "khách làm thẻ mới" if vi else "the customer asked for a new card"
    )
    window.open_desk()
    desk = window.desk
    cards = window.desk_cards
    desk.show_page(cards)
    tap(window, "04B10C4ED00001")  # the lost card, tapped on the reader
    wait_for(lambda: cards.selected is not None and cards.history_table.rowCount() >= 3)
    settle()
    saved.append(save(window, out, "desk_cards", language))

    # Trần Thị Hoa (enrolled with a card this morning) enrolled again without accents, with another e-mail.
    again = svc.members.enroll(
        manager,
        "Tran Thi Hoa",
        email="hoa.tran@example.vn",
        birthday=date(1990, 5, 17),
        consents=(ConsentInput("marketing", False, "2026-01"),),
    ).member
    svc.points.award(manager, again.id, Basket.of_total(Money(850_000)), "HD4001")
    duplicates = window.desk_duplicates
    desk.show_page(duplicates)  # the search starts when the page is first shown
    wait_for(lambda: duplicates.findings is not None and not duplicates.job.running, 60)
    row = next(i for i, p in enumerate(duplicates.pairs) if again.id in (p.keep.id, p.merge.id))
    duplicates.pairs_table.selectRow(row)
    wait_for(lambda: duplicates.preview is not None)
    duplicates.reason.setText("cùng một người, đăng ký hai lần" if vi else "same person, enrolled twice")
    settle()
    saved.append(save(window, out, "desk_duplicates", language))

    audit = window.desk_audit
    desk.show_page(audit)
    wait_for(lambda: audit.page is not None and not audit.loading)
    audit.check_chains()
    wait_for(lambda: audit.verdict is not None and not audit.check_job.running, 60)
    settle()
    saved.append(save(window, out, "desk_audit", language))

    # The Staff page: Hùng has left the store (deactivated); a new cashier is being added, PIN typed twice.
    from app.ui.desk.staff import ADD, StaffPage

    svc.staff.deactivate(manager, "1002")
    staff = desk.page("staff")
    assert isinstance(staff, StaffPage)
    desk.show_page(staff)
    wait_for(lambda: len(staff.rows) >= 3 and not staff.loading)
    staff.open_form(ADD)
    staff.code.setText("1003")
    staff.name.setText("Phạm Minh Tú")
    staff.pin.setText("2580")
    staff.pin_again.setText("2580")
    settle()
    saved.append(save(window, out, "desk_staff", language))
    staff.close_form()
    window.escape()
    return saved


def settle(seconds: float = 0.3) -> None:
    """Let Qt finish laying out and painting what just changed (wrapped text, charts resized)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def shoot_insights(svc: TillServices, window: TillWindow, out: Path, language: str) -> list[Path]:
    """The desk's Insight page for the member with the longest history, and the Dashboard (the part in view,
    and the whole page with every chart and table)."""
    saved: list[Path] = []
    visits: dict[str, set[object]] = {}
    for who, day, _amount in svc.insights.transactions():
        visits.setdefault(who, set()).add(day)
    regular = max(visits, key=lambda who: (len(visits[who]), who))
    window.open_desk()
    desk = window.desk
    insight = window.desk_insight
    desk.open_member(regular)
    desk.show_page(insight)
    wait_for(lambda: insight.member_id == regular and insight.insight is not None and not insight.loading, 60)
    settle()
    saved.append(save(window, out, "desk_insight", language))
    dashboard = window.desk_dashboard
    desk.show_page(dashboard)
    wait_for(lambda: dashboard.metrics is not None and not dashboard.loading, 60)
    settle()
    saved.append(save(window, out, "desk_dashboard", language))
    saved.append(save(dashboard.body, out, "desk_dashboard_full", language))
    window.escape()
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
