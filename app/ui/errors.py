"""Errors as sentences for the person at the till.

A ``LoyaltyError`` carries an English template and its parameters; the template is the translation key
(context ``LoyaltyError``), so the domain stays free of Qt and the window still speaks Vietnamese. The
templates below are listed for Qt Linguist (``QT_TRANSLATE_NOOP``); a test checks that every error the
window can meet is here.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from loyalty.errors import LoyaltyError

CONTEXT = "LoyaltyError"

TEMPLATES = (
    QT_TRANSLATE_NOOP("LoyaltyError", "Something went wrong."),
    QT_TRANSLATE_NOOP("LoyaltyError", "{what} is not valid: {why}"),
    QT_TRANSLATE_NOOP("LoyaltyError", "The amount {amount} is not valid: {why}"),
    QT_TRANSLATE_NOOP("LoyaltyError", "The amount is in {got}, but this store works in {expected}."),
    QT_TRANSLATE_NOOP("LoyaltyError", "{currency} is not a known currency code."),
    QT_TRANSLATE_NOOP("LoyaltyError", "The loyalty program file is not valid: {problems}"),
    QT_TRANSLATE_NOOP("LoyaltyError", "No {what} matches {ref}."),
    QT_TRANSLATE_NOOP(
        "LoyaltyError", "This card is not registered. Enrol the customer or link the card to a member."
    ),
    QT_TRANSLATE_NOOP(
        "LoyaltyError",
        "This card is {status}. Ask the customer for their current card or look them up by phone.",
    ),
    QT_TRANSLATE_NOOP("LoyaltyError", "Member {member} is {status} and cannot collect or spend points."),
    QT_TRANSLATE_NOOP("LoyaltyError", "Not enough points: {requested} asked, {available} available."),
    QT_TRANSLATE_NOOP("LoyaltyError", "These points cannot be redeemed: {why}"),
    QT_TRANSLATE_NOOP(
        "LoyaltyError", "Receipt {receipt} already earned points ({points} points to member {member})."
    ),
    QT_TRANSLATE_NOOP(
        "LoyaltyError", "{action} already recorded {count} time(s) this {period}; the limit is {cap}."
    ),
    QT_TRANSLATE_NOOP("LoyaltyError", "Only a manager can {action}. Ask a manager to sign in."),
    QT_TRANSLATE_NOOP("LoyaltyError", "Wrong staff code or PIN."),
    QT_TRANSLATE_NOOP("LoyaltyError", "This return cannot be processed: {why}"),
    QT_TRANSLATE_NOOP("LoyaltyError", "{what} is already in use: {ref}."),
    QT_TRANSLATE_NOOP(
        "LoyaltyError", "Too many wrong PINs. Try again in {minutes} minutes or ask a manager."
    ),
    QT_TRANSLATE_NOOP("LoyaltyError", "The Loyalty Till database {path} cannot be used."),
    QT_TRANSLATE_NOOP(
        "LoyaltyError",
        "The till's database is busy (another program is writing to it). Try again in a moment.",
    ),
    QT_TRANSLATE_NOOP(
        "LoyaltyError",
        "The Loyalty Till database {path} cannot be used: {why}. Nothing was written: fix the permissions "
        "or run the till as the user that owns its folder.",
    ),
    QT_TRANSLATE_NOOP(
        "LoyaltyError", "The disk holding {path} is full. Nothing was written: free some space and try again."
    ),
)

# Words the templates are filled with that a cashier reads (a card's status).
WORDS = (
    QT_TRANSLATE_NOOP("LoyaltyError", "blocked"),
    QT_TRANSLATE_NOOP("LoyaltyError", "replaced"),
    QT_TRANSLATE_NOOP("LoyaltyError", "member"),
)


def sentence(err: LoyaltyError) -> str:
    """The error in the window's language (English words for what has no translation)."""
    template = QCoreApplication.translate(CONTEXT, err.text_template)
    params = {
        key: QCoreApplication.translate(CONTEXT, value) if isinstance(value, str) else value
        for key, value in err.params.items()
    }
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return err.message
