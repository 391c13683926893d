"""ISO/IEC 14443-3 Type A activation, shared by the Type 2 and Type 4 simulators.

The reader (nfcpy's ``sense_tta``) sends SENS_REQ (``26``), then per cascade level SDD_REQ (``93 20``,
``95 20``, ``97 20``) and SEL_REQ (``93 70`` + the five bytes the tag answered), or, when it re-selects a tag
it knows, SEL_REQ straight away. The tag answers SENS_RES (ATQA), its UID part per level (with the cascade tag
``88`` when more follows, and the BCC) and SEL_RES (SAK: bit 3 "UID not complete", bit 6 "ISO 14443-4").
"""

from __future__ import annotations

import functools
import operator

CASCADE_TAG = 0x88
SEL_CMDS = (0x93, 0x95, 0x97)
SAK_UID_INCOMPLETE = 0x04


def bcc(data: bytes) -> int:
    return functools.reduce(operator.xor, data, 0)


def cascade_levels(uid: bytes) -> list[bytes]:
    """The 5-byte SDD_RES of each cascade level for a 4, 7 or 10-byte UID."""
    if len(uid) not in (4, 7, 10):
        raise ValueError(f"an ISO 14443-3A UID is 4, 7 or 10 bytes, not {len(uid)}")
    parts: list[bytes] = []
    rest = uid
    while len(rest) > 4:
        parts.append(bytes([CASCADE_TAG]) + rest[:3])
        rest = rest[3:]
    parts.append(rest)
    return [part + bytes([bcc(part)]) for part in parts]


class TypeATag:
    """A tag's Type A layer: idle until SENS_REQ, then anticollision and select; once selected, every frame
    goes to ``command`` (the tag's own protocol). Subclasses set ``sens_res`` and ``sel_res``."""

    technology = "A"

    def __init__(self, uid: bytes, *, sens_res: bytes, sel_res: int) -> None:
        self.uid = bytes(uid)
        self.sens_res = bytes(sens_res)
        self.sel_res = sel_res
        self._levels = cascade_levels(self.uid)
        self.state = "idle"  # idle -> ready (anticollision) -> active (selected) ; halt after HLTA
        self.commands = 0  # frames handled while selected, for faults and tests
        self.selections = 0  # times the tag was selected, for tests

    @property
    def present(self) -> bool:
        return True

    @property
    def selected(self) -> bool:
        return self.state == "active"

    def reset(self) -> None:
        self.state = "idle"

    def handle(self, frame: bytes) -> bytes | None:
        if (frame == b"\x26" and self.state != "halt") or frame == b"\x52":  # REQA wakes only idle tags
            self.state = "ready"
            return self.sens_res
        if self.state == "ready":
            return self._anticollision(frame)
        if self.state == "active":
            if frame == b"\x50\x00":  # HLTA
                self.state = "halt"
                return None
            self.commands += 1
            return self.command(frame)
        return None

    def _anticollision(self, frame: bytes) -> bytes | None:
        if len(frame) >= 2 and frame[0] in SEL_CMDS:
            level = SEL_CMDS.index(frame[0])
            if level >= len(self._levels):
                return None
            if frame[1] == 0x20:  # SDD_REQ: our UID part at this level
                return self._levels[level]
            if frame[1] == 0x70 and frame[2:] == self._levels[level]:  # SEL_REQ for us
                if level < len(self._levels) - 1:
                    return bytes([SAK_UID_INCOMPLETE])
                self.state = "active"
                self.selections += 1
                self.selected_now()
                return bytes([self.sel_res])
        self.state = "idle"  # anything else during anticollision: the tag drops out
        return None

    def selected_now(self) -> None:
        """Hook: the tag was just selected (Type 4 resets its ISO-DEP state here)."""

    def command(self, frame: bytes) -> bytes | None:
        raise NotImplementedError

    def mute(self) -> None:
        """What a Type A tag does after a command it does not support: back to idle, deaf until REQA."""
        self.state = "idle"
