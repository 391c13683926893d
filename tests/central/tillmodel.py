"""A model till for the central's tests: members and ledger entries made as the till makes them (a per-till
hash chain, UUIDv7 ids), numbered into push items, sent through ``sync.client.CentralClient`` over any ``httpx.Client`` (the in-process
TestClient, or a real client against a process)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from loyalty.audit import GENESIS_HASH
from loyalty.ids import new_id
from loyalty.ledger import EntryKind
from sync.client import CentralClient
from sync.protocol import (
    CardPayload,
    EnrollResponse,
    EntryPayload,
    ItemKind,
    ItemPayload,
    MemberEditPayload,
    MemberPayload,
    MergePayload,
    PushItem,
    PushRequest,
    PushResponse,
    format_utc,
    make_item,
)

_numbers = itertools.count(100_000)
_clock = itertools.count()
T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def stamp() -> str:
    return format_utc(T0 + timedelta(seconds=next(_clock)))


@dataclass
class Till:
    enrollment: EnrollResponse
    outbox: list[PushItem] = field(default_factory=list)
    ledger_seq: int = 0
    head: str = GENESIS_HASH
    epoch: int = 0
    cursor: str = ""

    def __post_init__(self) -> None:
        self.epoch = self.enrollment.epoch

    @property
    def id(self) -> str:
        return self.enrollment.till_id

    @property
    def store_id(self) -> str:
        return self.enrollment.store_id

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.enrollment.token}"}

    def _queue(self, kind: ItemKind, payload: ItemPayload, item_id: str) -> PushItem:
        item = make_item(len(self.outbox) + 1, kind, payload, item_id)
        self.outbox.append(item)
        return item

    def edit(self, member_id: str, at: str | None = None, **changes: Any) -> PushItem:
        """A ``member_edit`` of only the given fields, at ``at`` (default: now on the test clock)."""
        edit = MemberEditPayload(
            member_id=member_id, store_id=self.store_id, changes=changes, edited_at=at or stamp()
        )
        return self._queue(ItemKind.MEMBER_EDIT, edit, new_id())

    def merge(self, source_id: str, target_id: str) -> PushItem:
        merge = MergePayload(
            source_id=source_id, target_id=target_id, store_id=self.store_id, merged_at=stamp()
        )
        return self._queue(ItemKind.MERGE, merge, new_id())

    def card(
        self, member_id: str, token: str, status: str = "active", card_id: str | None = None, **extra: Any
    ) -> CardPayload:
        card = CardPayload(
            id=card_id or new_id(),
            store_id=self.store_id,
            member_id=member_id,
            token=token,
            kind="uid",
            status=status,  # type: ignore[arg-type]
            changed_at=stamp(),
            **extra,
        )
        self._queue(ItemKind.CARD, card, new_id())
        return card

    def redeem(self, member_id: str, points: int) -> PushItem:
        return self.entry(member_id, -points, EntryKind.REDEEM)

    def new_member(self, name: str = "Nguyễn Thị Lan", number: str | None = None) -> MemberPayload:
        member = MemberPayload(
            id=new_id(),
            member_number=number or f"M{next(_numbers)}",
            full_name=name,
            store_id=self.store_id,
            updated_at=stamp(),
        )
        self._queue(ItemKind.MEMBER, member, new_id())
        return member

    def entry(self, member_id: str, points: int, kind: EntryKind = EntryKind.EARN, **extra: Any) -> PushItem:
        self.ledger_seq += 1
        fields: dict[str, Any] = {
            "id": new_id(),
            "member_id": member_id,
            "kind": kind,
            "points": points,
            "amount_minor": points * 1000 if kind is EntryKind.EARN else None,
            "currency": "VND" if kind is EntryKind.EARN else None,
            "receipt_ref": f"R{self.ledger_seq}",
            "store_id": self.store_id,
            "till_id": self.id,
            "seq": self.ledger_seq,
            "staff_id": None,
            "reason": None,
            "action_code": None,
            "program_version": "2026.1",
            "reverses_id": None,
            "channel": "till",
            "created_at": stamp(),
            "details": None,
            "expires_at": None,
            "prev_hash": self.head,
        }
        fields.update(extra)
        payload = EntryPayload(**fields)
        item = self._queue(ItemKind.LEDGER_ENTRY, payload, payload.id)
        self.head = item.hash
        return item

    def batch(self, items: list[PushItem]) -> dict[str, Any]:
        return PushRequest(till_id=self.id, epoch=self.epoch, items=items).model_dump(mode="json")

    def central(self, client: httpx.Client) -> CentralClient:
        return CentralClient(client, self.enrollment.token)

    def push(self, client: httpx.Client, items: list[PushItem]) -> PushResponse:
        return self.central(client).push(PushRequest(till_id=self.id, epoch=self.epoch, items=items))

    def pull_all(self, client: httpx.Client, limit: int = 200) -> list[dict[str, Any]]:
        """Pull until nothing more waits; returns the changes seen."""
        seen: list[dict[str, Any]] = []
        while True:
            page = self.central(client).pull(self.cursor, limit)
            seen.extend(change.model_dump(mode="json") for change in page.changes)
            self.cursor = page.next_cursor
            if not page.more:
                return seen


def enroll(client: httpx.Client, code: str, name: str = "Quầy 1", previous: str | None = None) -> Till:
    return Till(CentralClient(client).enroll(code, name, previous))


def statuses(response: PushResponse) -> list[str]:
    return [result.status.value for result in response.results]
