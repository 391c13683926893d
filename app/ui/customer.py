"""The customer display: a second window that the customer reads, driven by a view-model of plain values.

``CustomerState`` holds only what a customer may see about themselves — their first name, balance, tier
progress and the points of this sale, return or action — never staff names, other members, PINs or contact
details.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from app.services.views import MemberView
from app.ui.i18n import money, points
from app.ui.member import tier_progress

Screen = Literal["idle", "greeting", "welcome", "sale", "return", "action", "thanks"]
THANKS_MS = 5000


def first_name(full_name: str) -> str:
    """The name a Vietnamese customer is greeted by: the given name, which comes last."""
    words = full_name.split()
    return words[-1] if words else ""


@dataclass(frozen=True, slots=True)
class CustomerState:
    screen: Screen
    store_name: str
    name: str = ""  # the customer's given name only
    balance: int = 0
    tier: str = ""
    next_tier: str = ""
    spend_to_next: int = 0
    progress: int | None = None  # percent to the next tier
    earned: int = 0
    redeemed: int = 0
    gift: int = 0  # the welcome gift of a member who has just enrolled
    reversed: int = 0  # a return: points taken back (earned on what was refunded)
    restored: int = 0  # a return: points given back (they had paid for what was refunded)
    action: str = ""  # a non-purchase action: its name in the program (recycling, review …)
    currency: str = "VND"


class CustomerModel(QObject):
    """What the customer display shows, as plain values; the till window drives it."""

    changed = Signal(object)  # CustomerState

    def __init__(
        self,
        store_name: str,
        currency: str = "VND",
        parent: QObject | None = None,
        *,
        thanks_ms: int = THANKS_MS,
    ) -> None:
        super().__init__(parent)
        self.state = CustomerState("idle", store_name, currency=currency)
        # Whose state is shown: for the window to tell, never for the display (the state has no ids).
        self.member_id: str | None = None
        self._back_to_idle = QTimer(self)
        self._back_to_idle.setSingleShot(True)
        self._back_to_idle.setInterval(thanks_ms)
        self._back_to_idle.timeout.connect(self.idle)

    def _set(self, state: CustomerState) -> None:
        self.state = state
        self.changed.emit(state)

    def idle(self) -> None:
        self._back_to_idle.stop()
        self.member_id = None
        self._set(CustomerState("idle", self.state.store_name, currency=self.state.currency))

    def greet(self, member: MemberView) -> None:
        self._back_to_idle.stop()
        self._set(self._member_state("greeting", member))

    def welcome(self, member: MemberView, gift: int) -> None:
        """A member who has just enrolled: welcome them, with their welcome gift."""
        self._back_to_idle.stop()
        self._set(replace(self._member_state("welcome", member), gift=gift))

    def sale(self, member: MemberView, earned: int, redeemed: int) -> None:
        self._back_to_idle.stop()
        self._set(replace(self._member_state("sale", member), earned=earned, redeemed=redeemed))

    def returned(self, member: MemberView, reversed_points: int, restored_points: int) -> None:
        """A return recorded for this customer: the points it took back and gave back, the new balance."""
        self._back_to_idle.stop()
        state = self._member_state("return", member)
        self._set(replace(state, reversed=reversed_points, restored=restored_points))

    def action(self, member: MemberView, name: str, earned: int) -> None:
        """A non-purchase action recorded for this customer: its points and the new balance."""
        self._back_to_idle.stop()
        self._set(replace(self._member_state("action", member), action=name, earned=earned))

    def thanks(self) -> None:
        """The customer is done: thank them by name, then go back to idle."""
        if self.state.screen in ("greeting", "welcome", "sale", "return", "action"):
            self._set(replace(self.state, screen="thanks"))
            self._back_to_idle.start()
        else:
            self.idle()

    def _member_state(self, screen: Screen, member: MemberView) -> CustomerState:
        self.member_id = member.id
        tier = member.tier
        return CustomerState(
            screen=screen,
            store_name=self.state.store_name,
            name=first_name(member.full_name),
            balance=member.balance,
            tier=tier.name if tier else "",
            next_tier=(tier.next_name or "") if tier else "",
            spend_to_next=tier.spend_to_next if tier else 0,
            progress=tier_progress(tier),
            currency=self.state.currency,
        )


class CustomerDisplay(QWidget):
    """The window on the customer's screen."""

    def __init__(self, model: CustomerModel, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("customerDisplay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.model = model
        self.big = QLabel()
        self.big.setObjectName("customerBig")
        self.line1 = QLabel()
        self.line2 = QLabel()
        self.line3 = QLabel()
        for label in (self.big, self.line1, self.line2, self.line3):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        for label in (self.line1, self.line2, self.line3):
            label.setObjectName("customerLine")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addStretch(1)
        layout.addWidget(self.big)
        layout.addSpacing(24)
        layout.addWidget(self.line1)
        layout.addWidget(self.line2)
        layout.addWidget(self.progress)
        layout.addWidget(self.line3)
        layout.addStretch(1)
        model.changed.connect(lambda _state: self.refresh())
        self.resize(1024, 600)
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        super().changeEvent(event)

    def refresh(self) -> None:
        s = self.model.state
        self.setWindowTitle(self.tr("Customer display"))
        self.setAccessibleName(self.tr("Customer display"))
        self.progress.setAccessibleName(self.tr("Progress to the next tier"))
        lines = ["", "", ""]
        show_progress = False
        if s.screen == "idle":
            self.big.setText(self.tr("Welcome"))
            lines[0] = s.store_name
            lines[1] = self.tr("Tap your card or show your code to collect points.")
        elif s.screen == "thanks":
            self.big.setText(self.tr("Thank you, {name}!").format(name=s.name))
            lines[0] = self.tr("Your balance: {points} points").format(points=points(s.balance))
            lines[1] = self.tr("See you again soon.")
        elif s.screen == "welcome":
            self.big.setText(self.tr("Welcome, {name}!").format(name=s.name))
            if s.gift:
                lines[0] = self.tr("Your welcome gift: +{points} points").format(points=points(s.gift))
            lines[1] = self.tr("Your balance: {points} points").format(points=points(s.balance))
            lines[2] = self.tr("Tap your card at every visit to collect points.")
        else:
            self.big.setText(self.tr("Hello {name}").format(name=s.name))
            if s.screen == "sale":
                lines[0] = self.tr("+{earned} points today").format(earned=points(s.earned))
                if s.redeemed:
                    lines[0] += "  ·  " + self.tr("{redeemed} points used").format(
                        redeemed=points(s.redeemed)
                    )
            elif s.screen == "return":
                lines[0] = self.tr("Return: {points} points taken back").format(points=points(s.reversed))
                if s.restored:
                    lines[0] += "  ·  " + self.tr("{points} points given back").format(
                        points=points(s.restored)
                    )
            elif s.screen == "action":
                lines[0] = self.tr("{action}: +{points} points").format(
                    action=s.action, points=points(s.earned)
                )
            lines[1] = self.tr("Your balance: {points} points").format(points=points(s.balance))
            if s.progress is not None and s.next_tier:
                show_progress = True
                self.progress.setValue(s.progress)
                lines[2] = self.tr("{money} more to {tier}").format(
                    money=money(s.spend_to_next, s.currency), tier=s.next_tier
                )
            elif s.tier:
                lines[2] = self.tr("Tier: {tier}").format(tier=s.tier)
        self.line1.setText(lines[0])
        self.line2.setText(lines[1])
        self.line3.setText(lines[2])
        for label, text in zip((self.line1, self.line2, self.line3), lines, strict=True):
            label.setVisible(bool(text))
        self.progress.setVisible(show_progress)


def place(display: QWidget) -> bool:
    """Put the customer display full screen on the second screen when there is one; True if it did."""
    screens = QGuiApplication.screens()
    if len(screens) < 2:
        display.show()
        return False
    primary = QGuiApplication.primaryScreen()
    second = next(s for s in screens if s is not primary)
    display.setScreen(second)
    display.setGeometry(second.geometry())
    display.showFullScreen()
    return True
