"""Exactly once, as a hypothesis state machine over the protocol at the app level (no network).

Two tills of one store make members and entries offline and push them in any order: batches of any size,
replays of acknowledged items, batches that skip ahead (gaps), replies lost after the central committed, and
pulls in between. Whatever the interleaving:

- the central's balance and entry count of every member are the sum of exactly the entries before each
  till's ``next_seq`` — nothing counted twice, nothing after a gap counted, nothing before it lost;
- the central reports an item ``applied`` at most once, ever;
- once quiet (everything pushed, both tills pulled), every till shows the central's balance for every member.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from central import models as m
from central import service
from loyalty.ledger import EntryKind
from sync.protocol import ItemKind, ItemStatus, PushResponse

from .tillmodel import Till, enroll

_stores = itertools.count()


class Node:
    """A till as the machine sees it: its outbox, what a reply acknowledged, and what it pulled."""

    def __init__(self, till: Till) -> None:
        self.till = till
        self.acked = 0  # items 1..acked are acknowledged by a reply the till received
        self.members: list[str] = []
        self.balances: dict[str, int] = {}


def make_machine(client: TestClient, engine: Engine) -> type[RuleBasedStateMachine]:
    class ExactlyOnce(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            store = f"EO{next(_stores)}"
            with Session(engine) as session, session.begin():
                found = service.create_store(session, store, store)
                codes = [service.new_enrollment_code(session, found) for _ in range(2)]
            self.nodes = [Node(enroll(client, code, f"T{i}")) for i, code in enumerate(codes)]
            self.store_id = self.nodes[0].till.store_id
            for node in self.nodes:
                node.members.append(node.till.new_member().id)
            self.applied: set[str] = set()

        # -- what a till does -------------------------------------------------------------------------------
        @rule(
            which=st.integers(0, 1),
            pick=st.integers(0, 3),
            points=st.integers(-40, 200).filter(bool),
        )
        def make_entry(self, which: int, pick: int, points: int) -> None:
            node = self.nodes[which]
            member = node.members[pick % len(node.members)]
            node.till.entry(member, points, EntryKind.EARN if points > 0 else EntryKind.ADJUST)

        def _send(self, node: Node, start: int, size: int, lose_reply: bool) -> None:
            items = node.till.outbox[start : start + size]
            if not items:
                return
            response = node.till.push(client, items)
            self._check(response)
            if not lose_reply:
                node.acked = max(node.acked, response.next_seq - 1)

        @rule(which=st.integers(0, 1), size=st.integers(1, 6), lose_reply=st.booleans())
        def push(self, which: int, size: int, lose_reply: bool) -> None:
            node = self.nodes[which]
            self._send(node, node.acked, size, lose_reply)

        @rule(
            which=st.integers(0, 1), back=st.integers(1, 5), size=st.integers(1, 8), lose_reply=st.booleans()
        )
        def replay(self, which: int, back: int, size: int, lose_reply: bool) -> None:
            node = self.nodes[which]
            self._send(node, max(0, node.acked - back), size, lose_reply)

        @rule(which=st.integers(0, 1), skip=st.integers(1, 3), size=st.integers(1, 4))
        def skip_ahead(self, which: int, skip: int, size: int) -> None:
            node = self.nodes[which]
            self._send(node, node.acked + skip, size, lose_reply=False)

        @rule(which=st.integers(0, 1), limit=st.integers(1, 7))
        def pull(self, which: int, limit: int) -> None:
            node = self.nodes[which]
            for change in node.till.pull_all(client, limit=limit):
                body = change["body"]
                if change["kind"] == "member" and body["id"] not in node.members:
                    node.members.append(body["id"])
                elif change["kind"] == "balance":
                    node.balances[body["member_id"]] = body["balance"]

        def _check(self, response: PushResponse) -> None:
            for result in response.results:
                assert result.status is not ItemStatus.REJECTED, result
                assert result.status is not ItemStatus.CONFLICT, result
                if result.status is ItemStatus.APPLIED:
                    assert result.id not in self.applied, f"{result.id} applied twice"
                    self.applied.add(result.id)

        # -- what must always hold ----------------------------------------------------------------------------
        def _central(self) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
            with Session(engine) as session:
                next_seq = dict(
                    session.execute(
                        select(m.Till.id, m.Till.next_seq).where(m.Till.store_id == self.store_id)
                    ).all()
                )
                members = {
                    row.id: (row.balance, row.entry_count)
                    for row in session.execute(
                        select(m.Member.id, m.Member.balance, m.Member.entry_count).where(
                            m.Member.store_id == self.store_id
                        )
                    )
                }
            return next_seq, members

        @invariant()
        def counted_exactly_once(self) -> None:
            next_seq, members = self._central()
            expected: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for node in self.nodes:
                done = next_seq[node.till.id] - 1
                assert node.acked <= done
                for item in node.till.outbox[:done]:
                    if item.kind is ItemKind.LEDGER_ENTRY:
                        entry = expected[str(item.payload["member_id"])]
                        entry[0] += int(str(item.payload["points"]))
                        entry[1] += 1
            for member_id, (balance, count) in members.items():
                assert (balance, count) == tuple(expected[member_id]), member_id
            assert set(expected) <= set(members)

        def teardown(self) -> None:
            # Quiet: every till sends what is left (from the central's next_seq), then both pull.
            for node in self.nodes:
                for _ in range(100):
                    if node.acked >= len(node.till.outbox):
                        break
                    self._send(node, node.acked, 10, lose_reply=False)
            for which in range(2):
                self.pull(which, 50)
            _, members = self._central()
            total = sum(
                int(str(item.payload["points"]))
                for node in self.nodes
                for item in node.till.outbox
                if item.kind is ItemKind.LEDGER_ENTRY
            )
            assert sum(balance for balance, _ in members.values()) == total
            for node in self.nodes:
                assert node.acked == len(node.till.outbox)
                shown = {member_id: node.balances.get(member_id, 0) for member_id in members}
                assert shown == {member_id: balance for member_id, (balance, _) in members.items()}

    return ExactlyOnce


def test_any_interleaving_counts_every_entry_exactly_once(client: TestClient, engine: Engine) -> None:
    run_state_machine_as_test(
        make_machine(client, engine),
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
