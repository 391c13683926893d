"""Looking for a short secret (a PIN) in stored text without tripping over hashes.

A four-digit PIN turns up inside a random hex digest or referral code about once in a
thousand runs, so "not in" alone makes a test that fails by chance. A leaked PIN would be
stored as its own value, so it is looked for only where letters and digits do not run on
either side of it.
"""

from __future__ import annotations

import re


def holds(text: str, secret: str) -> bool:
    """Whether `secret` appears in `text` as a value of its own, not inside a longer token."""
    return re.search(rf"(?<![0-9A-Za-z+/]){re.escape(secret)}(?![0-9A-Za-z+/])", text) is not None
