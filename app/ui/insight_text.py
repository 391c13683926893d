"""The manager's insights in the window's language: hints, segments, days.

A hint (``loyalty.analytics.hints.Hint``) carries its reason as numbers, dates and names, never as a finished
sentence. Its English template is the translation key (context ``Hint``), exactly as an error's is; the
templates are listed here for Qt Linguist and a test checks that every template a hint can use is listed.
The numbers are then formatted for the window's locale: points and counts grouped (1.250), money through
``app.ui.i18n.money`` (1.250.000 ₫), days as dd/MM.

Nothing here imports the analytics (NumPy and SciPy stay out of the till's start): a hint is read through its
``template`` and ``params()``, a segment through its value.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QLocale

from app.ui.i18n import money, points

if TYPE_CHECKING:
    from loyalty.analytics.hints import Hint

HINT_CONTEXT = "Hint"
SEGMENT_CONTEXT = "Segment"

HINT_TEMPLATES = (
    QT_TRANSLATE_NOOP("Hint", "{points} points expire on {date}."),
    QT_TRANSLATE_NOOP("Hint", "{points} points expire on {date} — {missing} points to {reward}."),
    QT_TRANSLATE_NOOP("Hint", "{points} points expire on {date} — enough for {reward} now."),
    QT_TRANSLATE_NOOP("Hint", "{points} points: enough for {reward} ({reward_points} points) now."),
    QT_TRANSLATE_NOOP("Hint", "Welcome back: last visit {days} days ago, {visits} visits before."),
    QT_TRANSLATE_NOOP("Hint", "Welcome back: last visit {days} days ago; {percent}% likely to keep coming."),
    QT_TRANSLATE_NOOP("Hint", "{missing} points to {reward} ({reward_points} points)."),
    QT_TRANSLATE_NOOP("Hint", "{amount} more spend reaches {tier}."),
    QT_TRANSLATE_NOOP("Hint", "Birthday on {date}: wish them a happy birthday."),
    QT_TRANSLATE_NOOP(
        "Hint", "A regular ({visits} visits): ask them to bring a friend — {points} points each."
    ),
    QT_TRANSLATE_NOOP("Hint", "No answer on personalised offers yet: ask whether they want them."),
)
"""Every English template a hint can show (``loyalty.analytics.hints.TEMPLATES``)."""

HINT_KINDS = {
    "points_expiring": QT_TRANSLATE_NOOP("Hint", "Points expiring"),
    "reward_ready": QT_TRANSLATE_NOOP("Hint", "Reward ready"),
    "win_back": QT_TRANSLATE_NOOP("Hint", "Win back"),
    "reward_close": QT_TRANSLATE_NOOP("Hint", "Reward close"),
    "tier_close": QT_TRANSLATE_NOOP("Hint", "Next tier close"),
    "birthday": QT_TRANSLATE_NOOP("Hint", "Birthday"),
    "referral": QT_TRANSLATE_NOOP("Hint", "Referral"),
    "ask_consent": QT_TRANSLATE_NOOP("Hint", "Ask for consent"),
}
"""A name for each kind of hint (``HintKind`` values), as the dashboard's usage counts list them."""

SEGMENTS = {
    "champions": QT_TRANSLATE_NOOP("Segment", "Champions"),
    "loyal": QT_TRANSLATE_NOOP("Segment", "Loyal"),
    "potential_loyalist": QT_TRANSLATE_NOOP("Segment", "Potential loyalist"),
    "new": QT_TRANSLATE_NOOP("Segment", "New"),
    "promising": QT_TRANSLATE_NOOP("Segment", "Promising"),
    "need_attention": QT_TRANSLATE_NOOP("Segment", "Need attention"),
    "about_to_sleep": QT_TRANSLATE_NOOP("Segment", "About to sleep"),
    "at_risk": QT_TRANSLATE_NOOP("Segment", "At risk"),
    "cant_lose_them": QT_TRANSLATE_NOOP("Segment", "Can't lose them"),
    "hibernating": QT_TRANSLATE_NOOP("Segment", "Hibernating"),
    "lost": QT_TRANSLATE_NOOP("Segment", "Lost"),
}
"""The RFM segments (``Segment`` values) in the order of the published table."""

_COUNTS = frozenset({"points", "missing", "reward_points", "days", "visits", "percent"})


def day_month(day: date) -> str:
    """A day as the hints write it: 31/12."""
    return QLocale().toString(QDate(day.year, day.month, day.day), "dd/MM")


def full_date(day: date) -> str:
    """A day with its year: 31/12/2026."""
    return QLocale().toString(QDate(day.year, day.month, day.day), "dd/MM/yyyy")


def month_year(day: date) -> str:
    """A month: 03/2026."""
    return QLocale().toString(QDate(day.year, day.month, 1), "MM/yyyy")


def percent(share: float, decimals: int = 0) -> str:
    """A share (0.42) as a percentage in the window's locale: 42%."""
    return QLocale().toString(share * 100, "f", decimals) + "%"


def hint_text(hint: Hint, currency: str) -> str:
    """The hint in the window's language, its numbers formatted for the window's locale."""
    values: dict[str, object] = {}
    for key, value in hint.params().items():
        if value is None:
            values[key] = ""
        elif key == "amount" and isinstance(value, int):
            values[key] = money(value, currency)
        elif isinstance(value, date):
            values[key] = day_month(value)
        elif key in _COUNTS and isinstance(value, int) and not isinstance(value, bool):
            values[key] = points(value)
        else:
            values[key] = value  # a reward's or a tier's name: the store's own words
    template = QCoreApplication.translate(HINT_CONTEXT, hint.template)
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder: say it in English
        return hint.template.format(**values)


def hint_kind_name(kind: str) -> str:
    english = HINT_KINDS.get(kind)
    return QCoreApplication.translate(HINT_CONTEXT, str(english)) if english is not None else kind


def segment_name(segment: str) -> str:
    english = SEGMENTS.get(str(segment))
    return QCoreApplication.translate(SEGMENT_CONTEXT, str(english)) if english is not None else str(segment)
