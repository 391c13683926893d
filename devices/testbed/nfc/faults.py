"""Tags that misbehave the way real ones do at a counter."""

from __future__ import annotations

from devices.testbed.nfc.type4 import NDEF_FID, SW_OK, Type4Tag
from devices.testbed.nfc.type_a import TypeATag


class Disappearing:
    """A tag pulled away mid-read: it answers normally until it has handled ``after`` commands once
    selected, then falls silent for good — the frame that crosses the line gets no answer, and the field
    is empty from then on."""

    def __init__(self, tag: TypeATag, *, after: int) -> None:
        self.inner = tag
        self.after = after
        self.technology = tag.technology
        self.gone = False

    @property
    def present(self) -> bool:
        return not self.gone

    def reset(self) -> None:
        self.inner.reset()

    def handle(self, frame: bytes) -> bytes | None:
        if self.gone:
            return None
        if self.inner.selected and self.inner.commands >= self.after:
            self.gone = True
            return None
        return self.inner.handle(frame)


class StallingType4Tag(Type4Tag):
    """A Type 4 tag that announces an NDEF message and then answers every READ BINARY of it with no data and
    "success" (90 00). nfcpy keeps asking for the rest for as long as the tag keeps answering: without a bound
    on the read, the reader thread would never come back."""

    def _read_binary(self, p1: int, p2: int, le: int | None) -> bytes:
        if self.file == NDEF_FID and (p1 << 8 | p2) >= 2:
            return SW_OK
        return super()._read_binary(p1, p2, le)
