"""The demo store's card tapper: a visible button that taps demo members' cards on the simulated reader, so
a new cashier can try the till without a card in hand. Only on the demo store, only with the simulated
reader running; the tap goes through the same reader event path as a real card."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QPushButton, QWidget

from app.services.views import SearchHit
from app.ui.context import TillContext
from devices.sim import SimReader, SimTap, text_record

DEMO_STORE_ID = "demo-store"
DEMO_CARDS = 8


class DemoTapButton(QPushButton):
    """Each press taps the next demo member's card (an NFC tag carrying their member number)."""

    def __init__(self, ctx: TillContext, reader: SimReader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reader = reader
        self.cards: list[SearchHit] = []
        self.next = 0
        self.setProperty("secondary", True)
        self.setEnabled(False)  # until the demo members are known
        self.clicked.connect(self.tap)
        self.retranslate()
        # Members of this till (store and till number begin every member number), a screenful.
        till = ctx.svc.core.till
        prefix = f"{till.store_number:03d}{till.till_number:02d}"
        members = ctx.svc.members
        ctx.ops.query(lambda: members.search(prefix, limit=DEMO_CARDS), self._loaded)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setText(self.tr("Demo: tap a card"))
        self.setAccessibleName(self.tr("Demo: tap a member's card on the simulated reader"))

    def _loaded(self, hits: list[SearchHit]) -> None:
        self.cards = [h for h in hits if h.matched_on == "number"]
        self.setEnabled(bool(self.cards))

    def tap(self) -> None:
        if not self.cards:
            return
        hit = self.cards[self.next % len(self.cards)]
        self.next += 1
        record = text_record("uri", f"https://loyalty.example/m/{hit.member_number}")
        self.reader.tap(SimTap(ndef=(record,), uid=None, hold=0.2))
