"""What the command line accepts, checked before anything is opened or written.

* A mistake in the arguments (unknown command, missing value, ``--`` where a word belongs) is one sentence
  and exit status 2 — no usage dump, no traceback.
* Counts typed on the command line (points, numbers of backups) are ASCII digits only, optionally grouped by
  three with '.' or ',' ('1.250'), at most 12 digits: other scripts' digits ('١٢٣'), which ``int()`` and
  ``str.isdigit`` accept, are refused. Amounts go through ``Money.parse`` after a length check.
* A member number is 12 or more ASCII digits; anything else is looked up as a search, and a number written
  in other digits simply matches nobody ("not found").
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import NoReturn

from loyalty.errors import InvalidInput
from loyalty.money import MAX_AMOUNT_TEXT, parse_count

MAX_ARGUMENT_CHARS = 200
"""Longest free-text argument (a search, a member reference, a receipt number) the command line passes on."""

_MEMBER_NUMBER = re.compile(r"[0-9]{12,20}")


class UsageError(Exception):
    """The command line itself is wrong: shown as one sentence, exit status 2."""


class CliParser(argparse.ArgumentParser):
    """An ArgumentParser whose mistakes are one sentence (raised as ``UsageError``) instead of a usage dump and
    ``SystemExit``; ``--help`` still prints the help."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def count_arg(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number from ``low`` to ``high``, read by :func:`parse_count`."""

    def parse(text: str) -> int:
        try:
            value = parse_count(text, "value")
        except InvalidInput:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (digits 0-9)") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} is not between {low} and {high}")
        return value

    parse.__name__ = "number"
    return parse


def check_text(text: object, what: str, *, limit: int = MAX_ARGUMENT_CHARS) -> str:
    """A free-text argument: one string (argparse hands over a list for some odd uses of ``--``), bounded."""
    if not isinstance(text, str):
        raise UsageError(f"{what}: give exactly one value (put it in quotes if it has spaces)")
    if len(text) > limit:
        raise InvalidInput(what=what, why=f"it is longer than {limit} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise InvalidInput(what=what, why="it contains control characters")
    return text


def check_amount_text(text: object) -> str:
    """Length and shape of an amount before ``Money.parse`` (which turns it into minor units)."""
    value = check_text(text, "Amount", limit=MAX_AMOUNT_TEXT)
    return value


def is_member_number(text: str) -> bool:
    return _MEMBER_NUMBER.fullmatch(text) is not None
