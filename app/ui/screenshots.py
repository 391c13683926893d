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
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QWidget

from app.demo import DEMO_STAFF, PROGRAM_FILE, SimClock
from app.services import SYSTEM, TillServices, bootstrap_till
from app.store.db import open_store
from app.ui.launch import build_window
from loyalty.money import Money
from loyalty.quote import Basket

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
        saved.append(save(display, out, "customer_sale", language))
        window.clear_member()
        saved.append(save(display, out, "customer_thanks", language))
        window.lock()
        saved.append(save(window, out, "locked", language))
    finally:
        window.shutdown()
        window.close()
        display.close()
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
