"""Members' referral codes: eight signs read aloud at the counter, unique in the store.

Kept beside the store rather than with the members' service because the store makes them too: a first pull
builds the members' unique indexes after the fact (``app.store.deferred_indexes``) and gives a member whose
code another member drew first a new one.
"""

from __future__ import annotations

import secrets
from typing import cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from app.store import models as m
from app.store.lookup import held

REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the counter
assert len(REFERRAL_ALPHABET) == 32

_SIGNS = bytes(ord(REFERRAL_ALPHABET[byte & 31]) for byte in range(256))
"""Each random byte's sign: its low five bits pick one of the 32."""

_REFERRAL_CODE = cast(Table, m.Member.__table__).c.referral_code


def random_referral_codes(n: int) -> list[str]:
    """``n`` codes of eight letters and digits from ``REFERRAL_ALPHABET`` (not yet checked against the store):
    five random bits each, since the alphabet has 32 signs. From one call to the system's random source: a
    first pull makes a million of them, and a call per code was a twentieth of its time at the till."""
    signs = secrets.token_bytes(8 * n).translate(_SIGNS).decode("ascii")
    return [signs[i : i + 8] for i in range(0, 8 * n, 8)]


def new_referral_codes(session: Session, n: int, *, check: bool = True) -> list[str]:
    """``n`` referral codes no member here holds, nor each other (one query per round, however many).

    ``check=False`` leaves out the look-up in the store: for a first pull while the code's unique index waits
    to be built, which gives any code drawn twice a new one (two draws in a million meet about once in two
    first pulls of a million members)."""
    codes: set[str] = set()
    while len(codes) < n:
        fresh = set(random_referral_codes(n - len(codes))) - codes
        codes |= fresh - held(session, _REFERRAL_CODE, fresh) if check else fresh
    return sorted(codes)
