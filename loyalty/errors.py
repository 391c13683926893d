"""Typed errors that a cashier can understand.

Every error carries a stable ``code`` (for the UI to pick a translated text and for logs), a message
``template`` in English with named ``params``, and the rendered English ``message``. The UI translates the
template through Qt (the template string is the translation key), so the domain stays free of Qt.
Raising one of these means nothing was written.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar


class Detail:
    """A parameter of an error that is itself a sentence with values in it, e.g.
    ``why=Detail("it is longer than {limit} characters", limit=32)``.

    An f-string would bake the number into English text that no catalogue can hold; here the English
    ``text`` is the translation key (as an error's template is) and the values stay values, so the window
    says it in its own language. ``str()`` is the English sentence, so ``LoyaltyError.message`` reads as
    the f-string did.
    """

    __slots__ = ("params", "text")

    def __init__(self, text: str, /, **params: Any) -> None:
        self.text = text
        self.params: dict[str, Any] = params

    @classmethod
    def rebuilt(cls, text: str, params: dict[str, Any]) -> Detail:
        """A detail that travelled as plain values (between processes): its text was a literal where it was
        first made, and stays the translation key."""
        return cls(text, **params)

    def __str__(self) -> str:
        try:
            return self.text.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.text

    def __repr__(self) -> str:
        return f"Detail({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Detail):
            return self.text == other.text and self.params == other.params
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.text)


class LoyaltyError(Exception):
    """Base of every error the till shows to a person."""

    code: ClassVar[str] = "error"
    template: ClassVar[str] = "Something went wrong."

    def __init__(self, template: str | None = None, /, **params: Any) -> None:
        self.params: dict[str, Any] = params
        if template is not None:
            self.template_override: str | None = template
        else:
            self.template_override = None
        super().__init__(self.message)

    @property
    def text_template(self) -> str:
        return self.template_override or type(self).template

    @property
    def message(self) -> str:
        try:
            return self.text_template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.text_template

    def __str__(self) -> str:
        return self.message


class InvalidInput(LoyaltyError):
    code = "invalid_input"
    template = "{what} is not valid: {why}"


class InvalidAmount(LoyaltyError):
    code = "invalid_amount"
    template = "The amount {amount} is not valid: {why}"


class CurrencyMismatch(LoyaltyError):
    code = "currency_mismatch"
    template = "The amount is in {got}, but this store works in {expected}."


class UnknownCurrency(LoyaltyError):
    code = "unknown_currency"
    template = "{currency} is not a known currency code."


class ProgramError(LoyaltyError):
    code = "program_invalid"
    template = "The loyalty program file is not valid: {problems}"


class NotFound(LoyaltyError):
    code = "not_found"
    template = "No {what} matches {ref}."


class UnknownCard(LoyaltyError):
    code = "unknown_card"
    template = "This card is not registered. Enrol the customer or link the card to a member."


class CardBlocked(LoyaltyError):
    code = "card_blocked"
    template = "This card is {status}. Ask the customer for their current card or look them up by phone."
    # With what was recorded when the card stopped working: the cashier can tell the customer why.
    blocked_template: ClassVar[str] = (
        "This card was blocked on {date} ({reason}). Ask the customer for their current card or look them "
        "up by phone."
    )
    replaced_template: ClassVar[str] = (
        "This card was replaced by a new card on {date}. Ask the customer for their new card or look them "
        "up by phone."
    )

    @classmethod
    def of_card(cls, status: str, reason: str | None, on: date | None) -> CardBlocked:
        """The refusal for a card in ``status`` since ``on`` (a day in the store's calendar)."""
        if on is not None and status == "replaced":
            return cls(cls.replaced_template, status=status, reason=reason or "", date=on)
        if on is not None and reason:
            return cls(cls.blocked_template, status=status, reason=reason, date=on)
        return cls(status=status, reason=reason or "", date=on)


class MemberInactive(LoyaltyError):
    code = "member_inactive"
    template = "Member {member} is {status} and cannot collect or spend points."


class InsufficientPoints(LoyaltyError):
    code = "insufficient_points"
    template = "Not enough points: {requested} asked, {available} available."


class RedemptionNotAllowed(LoyaltyError):
    code = "redemption_not_allowed"
    template = "These points cannot be redeemed: {why}"


class DuplicateReceipt(LoyaltyError):
    code = "duplicate_receipt"
    template = "Receipt {receipt} already earned points ({points} points to member {member})."


class ActionCapReached(LoyaltyError):
    code = "action_cap_reached"
    template = "{action} already recorded {count} time(s) this {period}; the limit is {cap}."


class PermissionDenied(LoyaltyError):
    code = "permission_denied"
    template = "Only a manager can {action}. Ask a manager to sign in."


class AuthenticationFailed(LoyaltyError):
    code = "auth_failed"
    template = "Wrong staff code or PIN."


class ReturnNotAllowed(LoyaltyError):
    code = "return_not_allowed"
    template = "This return cannot be processed: {why}"


class Conflict(LoyaltyError):
    code = "conflict"
    template = "{what} is already in use: {ref}."
