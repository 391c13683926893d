"""What an erased member is called everywhere (tills and the central): its own module, so that the till's
privacy service can name it without loading the whole protocol at start."""

from __future__ import annotations

ERASED_NAME = "—"
"""The name of an erased member, everywhere: no letters, so no name index holds a term for it."""
