"""Card readers as Qt signals: the readers of ``devices`` run on their own threads and hand their events
to a sink; the hub re-emits each as a Qt signal, which Qt delivers on the UI thread."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, Signal

from devices.base import Reader, ReaderConfig
from devices.errors import DeviceError
from devices.events import CardPresented, MemberRef, ReaderEvent
from devices.registry import open_reader, scheme_of
from loyalty.identity import CardKind, CardRef

log = logging.getLogger(__name__)


class ReaderHub(QObject):
    received = Signal(object)  # a devices.events.ReaderEvent, on the UI thread

    def __init__(self, config: ReaderConfig, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.readers: list[Reader] = []

    def _sink(self, event: ReaderEvent) -> None:
        # Called on a reader's thread: emitting a signal of an object living on the UI thread queues it.
        self.received.emit(event)

    def start(self, uris: list[str]) -> list[str]:
        """Open and start the readers; returns a sentence for each that could not be opened."""
        problems = []
        for uri in uris:
            try:
                reader = open_reader(uri, self.config)
                reader.start(self._sink)
            except DeviceError as err:
                log.warning("reader %s: %s", uri, err)
                problems.append(f"{uri}: {err}")
                continue
            self.readers.append(reader)
        return problems

    def reader(self, scheme: str) -> Reader | None:
        return next((r for r in self.readers if scheme_of(r.uri) == scheme), None)

    def stop(self) -> None:
        for reader in self.readers:
            reader.stop()
        self.readers.clear()


def refusal(event: CardPresented) -> str | None:
    """A sentence when a card cannot identify anyone, before any look-up; None when it can be looked up."""
    sun = event.sun
    if sun is not None and sun.status != "valid":
        if sun.status == "replayed":
            return QCoreApplication.translate(
                "Readers",
                "Refused: this secure card was copied or its tap was replayed. "
                "Ask for another card or look the customer up by phone.",
            )
        if sun.status == "bad_mac":
            return QCoreApplication.translate(
                "Readers",
                "Refused: this card failed its security check (it may be fake). "
                "Look the customer up by phone.",
            )
        if sun.status == "no_keys":
            return QCoreApplication.translate(
                "Readers",
                "This secure card cannot be checked: the till has no keys for it. Look the customer up by phone.",
            )
        return QCoreApplication.translate(
            "Readers", "This card's secure message could not be read. Tap it again."
        )
    if event.member_ref is None:
        return QCoreApplication.translate(
            "Readers",
            "This card or phone carries no member identity. Look the customer up by name or phone.",
        )
    return None


def card_ref(ref: MemberRef) -> CardRef | None:
    """The card a reference stands for, as the card service links it; None for a member number (a printed
    or scanned code names its member: there is no card to link)."""
    if ref.kind == "number":
        return None
    return CardRef(ref.value, CardKind.SUN if ref.kind == "sun" else CardKind.UID, ref.label)


def card_digits(label: str) -> str:
    """The end of a card's label a cashier compares with the card in hand: ····5E80."""
    return "····" + label[-4:]
