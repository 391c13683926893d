"""The simulated reader: scripted taps, for ``make run`` without hardware, demos and tests.

``sim`` starts idle and taps whatever ``SimReader.tap`` is given; ``sim:demo`` taps a few demo cards in a
loop; ``sim:<file.json>`` plays a script — a JSON list of steps
``{"after": seconds, "uid": "04A1...", "uri": "...", "text": "...", "hold": seconds}``.
It goes through the same event path as a real reader (member reference, SUN checks), so what the till does
with a simulated tap is what it does with a real one.
"""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

from devices.base import ReaderConfig, ThreadedReader
from devices.errors import BadCardData
from devices.events import CardRemoved, CardTech, NdefRecord, ReaderAdded, ReaderLost
from devices.identity import card_presented
from devices.ndef import encode_ndef_message, parse_ndef_message
from devices.registry import register


@dataclass(frozen=True)
class SimTap:
    uid: str | None = None
    ndef: tuple[NdefRecord, ...] = ()
    tag_type: str = "Type2"
    product: str | None = "NTAG213"
    after: float = 0.0  # seconds to wait before the tap
    hold: float = 0.3  # seconds the card stays on the reader


def text_record(kind: str, value: str) -> NdefRecord:
    """An NDEF record exactly as a reader would report it: encoded as on a card, then parsed back."""
    return parse_ndef_message(encode_ndef_message([(kind, value)]))[0]


DEMO_SCRIPT = (
    SimTap(uid="04A1B2C3D4E580", after=2.0),
    SimTap(
        ndef=(text_record("uri", "https://loyalty.example/m/0010100000081"),), uid="04112233445566", after=6.0
    ),
    SimTap(uid="08A1B2C3", tag_type="ISO14443-4", product="phone", after=6.0),
)


def load_script(path: Path) -> tuple[SimTap, ...]:
    try:
        steps = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise BadCardData(f"cannot read the simulator script {path.name}: {err}") from None
    if not isinstance(steps, list):
        raise BadCardData("a simulator script is a JSON list of taps")
    taps = []
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            raise BadCardData(f"step {i} of the simulator script is not an object")
        records = []
        if "uri" in step:
            records.append(text_record("uri", str(step["uri"])))
        if "text" in step:
            records.append(text_record("text", str(step["text"])))
        taps.append(
            SimTap(
                uid=step.get("uid"),
                ndef=tuple(records),
                tag_type=str(step.get("tag_type", "Type2")),
                product=step.get("product"),
                after=float(step.get("after", 0.0)),
                hold=float(step.get("hold", 0.3)),
            )
        )
    return tuple(taps)


class SimReader(ThreadedReader):
    def __init__(
        self, uri: str, config: ReaderConfig, script: tuple[SimTap, ...] = (), loop: bool = False
    ) -> None:
        super().__init__(uri, config)
        self.script = script
        self.loop = loop
        self._taps: queue.Queue[SimTap] = queue.Queue()

    def tap(self, tap: SimTap) -> None:
        """Put a card on the reader (thread-safe; from tests, a demo button, the keyboard)."""
        self._taps.put(tap)

    def run(self, stop: threading.Event) -> None:
        self.emit(ReaderAdded(self.uri, "Simulated reader"))
        try:
            while not stop.is_set():
                for step in self.script:
                    if stop.wait(step.after):
                        return
                    self._present(step, stop)
                if not self.loop:
                    break
            while not stop.is_set():
                try:
                    step = self._taps.get(timeout=0.1)
                except queue.Empty:
                    continue
                if stop.wait(step.after):
                    return
                self._present(step, stop)
        finally:
            self.emit(ReaderLost(self.uri, "Simulated reader", "stopped"))

    def _present(self, step: SimTap, stop: threading.Event) -> None:
        tech = CardTech(tag_type=step.tag_type, product=step.product)
        self.emit(card_presented(self.uri, step.uid, tech, step.ndef, self.config))
        stop.wait(step.hold)
        self.emit(CardRemoved(self.uri, step.uid))


def _factory(uri: str, config: ReaderConfig) -> SimReader:
    arg = uri.split(":", 1)[1] if ":" in uri else ""
    if arg == "demo":
        return SimReader(uri, config, DEMO_SCRIPT, loop=True)
    if arg:
        return SimReader(uri, config, load_script(Path(arg)))
    return SimReader(uri, config)


register("sim", _factory, description="simulated reader (scripted taps)")
