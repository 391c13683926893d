"""What every view of the window shares: the services, the op runner, the active program."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.services import Actor, TillServices
from app.ui.ops import OpRunner
from loyalty.program import Program


@dataclass
class TillContext:
    svc: TillServices
    ops: OpRunner
    program: Program
    store_name: str
    actor: Actor | None = None
    staff_code: str | None = None
    languages: tuple[str, ...] = field(default=("vi", "en"))

    @property
    def currency(self) -> str:
        return self.program.currency
