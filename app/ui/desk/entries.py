"""How the desk writes ledger entries and moments: an entry's kind, a channel, a signed number of points, a
moment in the store's calendar. Kinds and channels are translated in the context ``EntryKind``."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime

from app.ui.i18n import points
from loyalty.program import Program


def when(moment: datetime, program: Program, *, with_time: bool = True) -> str:
    """A moment in the store's time zone: dd/MM/yyyy HH:mm (or the day alone)."""
    local = moment.astimezone(program.zone)
    day = QDate(local.year, local.month, local.day)
    if not with_time:
        return QLocale().toString(day, "dd/MM/yyyy")
    return QLocale().toString(QDateTime(day, QTime(local.hour, local.minute)), "dd/MM/yyyy HH:mm")


def signed(value: int) -> str:
    """Points with their sign: +500, −200 (a true minus sign, easier to read than a hyphen)."""
    return ("+" if value > 0 else "−" if value < 0 else "") + points(abs(value))


def kind_text(kind: str) -> str:
    """What an entry is, in the window's language."""
    texts = {
        "earn": QCoreApplication.translate("EntryKind", "Purchase"),
        "redeem": QCoreApplication.translate("EntryKind", "Redemption"),
        "bonus": QCoreApplication.translate("EntryKind", "Bonus"),
        "action": QCoreApplication.translate("EntryKind", "Action"),
        "adjust": QCoreApplication.translate("EntryKind", "Adjustment"),
        "expire": QCoreApplication.translate("EntryKind", "Expiry"),
        "reverse": QCoreApplication.translate("EntryKind", "Reversal"),
        "transfer": QCoreApplication.translate("EntryKind", "Transfer"),
        "expiry_due": QCoreApplication.translate("EntryKind", "Expiry due, not written yet"),
    }
    return texts.get(kind, kind)


def channel_text(channel: str) -> str:
    texts = {
        "till": QCoreApplication.translate("EntryKind", "counter"),
        "web": QCoreApplication.translate("EntryKind", "web shop"),
        "app": QCoreApplication.translate("EntryKind", "app"),
        "call_centre": QCoreApplication.translate("EntryKind", "call centre"),
    }
    return texts.get(channel, channel)


def reason_text(reason: str | None) -> str:
    """A reason the till itself writes on entries (in English, in the ledger), in the window's language; a
    reason a person typed stays as typed."""
    if not reason:
        return ""
    texts = {
        "welcome bonus": QCoreApplication.translate("EntryKind", "welcome bonus"),
        "points expired": QCoreApplication.translate("EntryKind", "points expired"),
        "return": QCoreApplication.translate("EntryKind", "return"),
        "return: redeemed points restored": QCoreApplication.translate(
            "EntryKind", "return: redeemed points restored"
        ),
        "return: referral bonus reversed (qualifying purchase refunded)": QCoreApplication.translate(
            "EntryKind", "return: referral bonus reversed (qualifying purchase refunded)"
        ),
        "referral: welcome": QCoreApplication.translate("EntryKind", "referral: welcome"),
        "referral: friend's first purchase": QCoreApplication.translate(
            "EntryKind", "referral: friend's first purchase"
        ),
    }
    return texts.get(reason, reason)
