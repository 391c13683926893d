"""Errors as sentences for the person at the till.

A ``LoyaltyError`` carries an English template and its parameters; the template is the translation key
(context ``LoyaltyError``), so the domain stays free of Qt and the window still speaks Vietnamese. The
templates below are listed for Qt Linguist (``QT_TRANSLATE_NOOP``); a test checks that every error the
window can meet is here. The words they are filled with are translated too (listed below and in
``app.ui.error_details``), including a ``loyalty.errors.Detail``: a detail with numbers in it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QLocale

from loyalty.errors import Detail, LoyaltyError

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
    QT_TRANSLATE_NOOP(
        "LoyaltyError",
        "This card was blocked on {date} ({reason}). Ask the customer for their current card or look them "
        "up by phone.",
    ),
    QT_TRANSLATE_NOOP(
        "LoyaltyError",
        "This card was replaced by a new card on {date}. Ask the customer for their new card or look them "
        "up by phone.",
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
    # Staff cards and a manager's approval in place (app.services.staff_cards).
    QT_TRANSLATE_NOOP("LoyaltyError", "{name} is not a manager and cannot approve this. Ask a manager."),
    QT_TRANSLATE_NOOP(
        "LoyaltyError",
        "This card is not a staff card. The manager taps their own card or types their code and PIN.",
    ),
    QT_TRANSLATE_NOOP(
        "LoyaltyError",
        "This is a member's card, not a manager's. The manager taps their own card or types their code and PIN.",
    ),
    QT_TRANSLATE_NOOP(
        "LoyaltyError",
        "This staff card was unlinked on {date} and approves nothing. The manager types their code and PIN.",
    ),
    QT_TRANSLATE_NOOP("LoyaltyError", "This staff card belongs to {name}, who can no longer sign in."),
    QT_TRANSLATE_NOOP("LoyaltyError", "This secure staff card's tap could not be verified. Tap it again."),
    QT_TRANSLATE_NOOP(
        "LoyaltyError",
        "This is a staff card: it does not identify a member. Tap the customer's card or look them up.",
    ),
    QT_TRANSLATE_NOOP("LoyaltyError", "This card is a staff card: it cannot be a member's card."),
    QT_TRANSLATE_NOOP("LoyaltyError", "This card is already a member's card: it cannot be a staff card."),
    QT_TRANSLATE_NOOP("LoyaltyError", "This card is already the staff card of {name}."),
    QT_TRANSLATE_NOOP(
        "LoyaltyError", "Only a contactless card can be a staff card: a printed or scanned code cannot."
    ),
    QT_TRANSLATE_NOOP("LoyaltyError", "No staff member has the code {code}."),
    QT_TRANSLATE_NOOP("LoyaltyError", "{name} has no such staff card linked."),
    # Managing staff (app.services.staff): the till keeps one active manager.
    QT_TRANSLATE_NOOP(
        "LoyaltyError", "{name} is the till's last active manager. Add or reactivate another manager first."
    ),
    QT_TRANSLATE_NOOP("LoyaltyError", "{name} is already deactivated."),
    QT_TRANSLATE_NOOP("LoyaltyError", "{name} is already active."),
    QT_TRANSLATE_NOOP("LoyaltyError", "{name} already has this role."),
    QT_TRANSLATE_NOOP("LoyaltyError", "{name} is deactivated. Reactivate them first."),
    # The manager's insights: a lifetime-value model the store's history cannot fit (loyalty.analytics.clv).
    QT_TRANSLATE_NOOP("LoyaltyError", "The {model} model cannot be fitted to this purchase history: {why}"),
    # The insights' process beside the till (app.services.model_process) did not give the desk its figures.
    QT_TRANSLATE_NOOP("LoyaltyError", "The insights are not available right now: {why}"),
)

# Words the templates are filled with that a cashier reads (a card's status).
WORDS = (
    QT_TRANSLATE_NOOP("LoyaltyError", "blocked"),
    # Why the insights are not available (app.services.model_process).
    QT_TRANSLATE_NOOP("LoyaltyError", "the process that computes them did not answer"),
    QT_TRANSLATE_NOOP("LoyaltyError", "the process that computes them could not"),
    QT_TRANSLATE_NOOP("LoyaltyError", "the process that computes them answered something else"),
    QT_TRANSLATE_NOOP("LoyaltyError", "replaced"),
    QT_TRANSLATE_NOOP("LoyaltyError", "member"),
    # What enrolment and card linking say is wrong ({what} is not valid: {why}; {what} is already in use).
    QT_TRANSLATE_NOOP("LoyaltyError", "Name"),
    QT_TRANSLATE_NOOP("LoyaltyError", "Phone number"),
    QT_TRANSLATE_NOOP("LoyaltyError", "E-mail address"),
    QT_TRANSLATE_NOOP("LoyaltyError", "Birthday"),
    QT_TRANSLATE_NOOP("LoyaltyError", "referral code"),
    QT_TRANSLATE_NOOP("LoyaltyError", "This card"),
    QT_TRANSLATE_NOOP("LoyaltyError", "it is empty"),
    QT_TRANSLATE_NOOP("LoyaltyError", "it has no letters"),
    QT_TRANSLATE_NOOP("LoyaltyError", "it is longer than 120 characters"),
    QT_TRANSLATE_NOOP("LoyaltyError", "it may contain only digits, spaces, +, - and ()"),
    QT_TRANSLATE_NOOP("LoyaltyError", "it is not a valid number (check the digits)"),
    QT_TRANSLATE_NOOP("LoyaltyError", "it does not look like name@example.com"),
    QT_TRANSLATE_NOOP("LoyaltyError", "it is not a real date of birth"),
    QT_TRANSLATE_NOOP("LoyaltyError", "it is already linked to a member"),
    # What only some staff may do ("Only a manager can {action}."): app.services.context.Permission.
    QT_TRANSLATE_NOOP("LoyaltyError", "record sales and redemptions"),
    QT_TRANSLATE_NOOP("LoyaltyError", "process returns"),
    QT_TRANSLATE_NOOP("LoyaltyError", "enrol members"),
    QT_TRANSLATE_NOOP("LoyaltyError", "block a card"),
    QT_TRANSLATE_NOOP("LoyaltyError", "approve a large redemption"),
    QT_TRANSLATE_NOOP("LoyaltyError", "adjust points"),
    QT_TRANSLATE_NOOP("LoyaltyError", "replace a card"),
    QT_TRANSLATE_NOOP("LoyaltyError", "merge members"),
    QT_TRANSLATE_NOOP("LoyaltyError", "manage staff"),
    QT_TRANSLATE_NOOP("LoyaltyError", "change settings or the program"),
    QT_TRANSLATE_NOOP("LoyaltyError", "read the audit log"),
    QT_TRANSLATE_NOOP("LoyaltyError", "export or erase a member's personal data"),
)


def sentence(err: LoyaltyError) -> str:
    """The error in the window's language (English words for what has no translation)."""
    template = QCoreApplication.translate(CONTEXT, err.text_template)
    params = {key: _word(value) for key, value in err.params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return err.message


def _word(value: object) -> object:
    """A parameter as the cashier reads it: known words translated, a ``Detail`` translated then filled
    with its own values (read the same way), days as dd/MM/yyyy."""
    if isinstance(value, str):
        return QCoreApplication.translate(CONTEXT, value)
    if isinstance(value, Detail):
        text = QCoreApplication.translate(CONTEXT, value.text)
        try:
            return text.format(**{key: _word(inner) for key, inner in value.params.items()})
        except (KeyError, IndexError, ValueError):
            return str(value)
    if isinstance(value, date):
        return QLocale().toString(QDate(value.year, value.month, value.day), "dd/MM/yyyy")
    return value
