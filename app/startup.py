"""The cyclic garbage collector while the till starts.

``python -m app`` makes some 160,000 objects that live as long as the process (SQLAlchemy's and pydantic's
classes, the Qt bindings, the window's widgets), and the collector walked them again and again while they were
being made: a fifth of a two-second start, for a few hundred objects of garbage. ``app.__main__`` imports this
module before anything else of the till: when it is the program being run, the collector stays off until the
window is up (``app.ui.launch`` calls ``collector_back`` after the first paint; ``app.__main__`` calls it at
once for every other command, and before work that makes garbage, such as seeding the demo store). The objects
made by then are set aside (``gc.freeze``), so later collections, during a sale, never walk them either.

Imported any other way (tests, tools), it changes nothing.
"""

from __future__ import annotations

import gc
import sys


def _is_the_program() -> bool:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return spec is not None and spec.name == "app.__main__"


_paused = {"collector": _is_the_program()}
if _paused["collector"]:
    gc.disable()


def collector_paused() -> bool:
    return _paused["collector"]


def collector_back() -> None:
    """The collector on again, if this module turned it off (later calls do nothing)."""
    if not _paused["collector"]:
        return
    _paused["collector"] = False
    gc.freeze()
    gc.enable()
