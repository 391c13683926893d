"""Other channels: online orders earn by the same rules as a till sale of the same basket, non-purchase actions
within their caps, one answer per idempotency key, and the tills see both at the next pull."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from central import channels, service
from loyalty.chain import GENESIS_HASH
from loyalty.ledger import EntryKind
from loyalty.money import Money
from loyalty.program import Program, load_program
from loyalty.quote import Basket, BasketLine, quote
from loyalty.tiers import replay
from sync.protocol import ItemKind, OrderResponse, format_utc, item_hash, parse_payload, parse_utc
from tests.programs import steady

from .process import central_process
from .tillmodel import Till, enroll

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "resources" / "programs" / "default.toml"
_refs = itertools.count(1)


def _channel(engine: Engine, store: str, name: str = "web") -> dict[str, str]:
    with Session(engine) as session, session.begin():
        _, token = channels.create_channel(session, store, name)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def program(engine: Engine) -> Program:
    found = steady(load_program(PROGRAM))
    with Session(engine) as session, session.begin():
        service.install_program(session, found)
    return found


@pytest.fixture
def shop(
    client: TestClient, engine: Engine, new_code: Callable[[str], str], program: Program
) -> Iterator[Any]:
    """A store with a till, a member Lan (M-WEB, pushed by the till) and a web channel."""
    till = enroll(client, new_code("W1"))
    lan = till.new_member(number="M-WEB")
    till.push(client, till.outbox)

    class Shop:
        pass

    shop = Shop()
    shop.till, shop.lan, shop.web = till, lan, _channel(engine, "W1")  # type: ignore[attr-defined]
    yield shop


def _order(client: TestClient, auth: dict[str, str], key: str | None = None, **body: Any) -> httpx.Response:
    payload = {"member_number": "M-WEB", "order_ref": f"WEB-{next(_refs)}", "currency": "VND", **body}
    if "lines" not in payload and "total" not in payload:
        payload["total"] = 250_000
    headers = dict(auth)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/v1/orders", json=payload, headers=headers)


def _off_hours() -> str:
    """A time the demo program's happy hour (14:00 to 17:00 on weekdays, shop time) leaves alone: yesterday at
    08:00 in the shop (01:00 UTC). For a test that installs the program file itself (``steady`` is for the
    others) and expects a fixed number of points."""
    day = datetime.now(UTC).date() - timedelta(days=1)
    return format_utc(datetime.combine(day, time(1, 0), tzinfo=UTC))


def _key() -> str:
    return f"key-{next(_refs):06d}"


# The categories and SKUs the default program treats differently, and some it does not know.
_LINE = st.fixed_dictionaries(
    {
        "amount": st.integers(1_000, 3_000_000),
        "category": st.sampled_from([None, "fresh", "bakery", "tobacco", "gift_card", "household"]),
        "sku": st.sampled_from([None, "8934563138165", "8930000000017"]),
        "quantity": st.integers(1, 5),
    }
)


def test_a_web_order_earns_what_a_till_sale_of_the_same_basket_earns(
    client: TestClient, engine: Engine, shop: Any, program: Program
) -> None:
    """For any basket and any time of the last weeks (promotions follow the clock), the central's points for
    an order are the points ``loyalty.quote`` gives a till sale of that basket at that time, at the tier the
    member's purchases earn: a till's sale that made Lan silver, then the orders themselves (gold comes)."""
    till: Till = shop.till
    assert program.tiers is not None
    bought = till.entry(shop.lan.id, 6_000, amount_minor=6_000_000)  # silver needs 5.000.000 ₫
    till.push(client, till.outbox)
    spends = [(parse_utc(bought.payload["created_at"]), 6_000_000)]
    now = datetime.now(UTC)
    tiers_seen: set[str] = set()

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(lines=st.lists(_LINE, min_size=1, max_size=6), hours_ago=st.integers(0, 24 * 30))
    def same_points(lines: list[dict[str, Any]], hours_ago: int) -> None:
        at = (now - timedelta(hours=hours_ago)).replace(microsecond=0)
        response = _order(client, shop.web, _key(), lines=lines, ordered_at=format_utc(at))
        assert response.status_code == 200, response.text
        order = OrderResponse.model_validate_json(response.text)
        basket = Basket.of(
            BasketLine(Money(ln["amount"], "VND"), ln["category"], ln["sku"], ln["quantity"]) for ln in lines
        )
        assert program.tiers is not None
        tier = replay(program.tiers, sorted(spends), at, start=spends[0][0]).code
        tiers_seen.add(tier)
        at_till = quote(program, basket, at=at, tier_code=tier)
        assert order.points == at_till.points
        assert [(c.rule, c.points) for c in order.components] == [
            (c.rule, c.points) for c in at_till.components
        ]
        spends.append((at, basket.total.amount))

    same_points()
    assert "silver" in tiers_seen


def test_a_tier_earned_at_a_till_prices_the_web_order(
    client: TestClient, engine: Engine, shop: Any, program: Program
) -> None:
    """Lan bought 25.000.000 ₫ at the till: gold there, and gold for the web shop and a look-up. A year after
    her review date with nothing bought since, she is back at the first tier everywhere."""
    till: Till = shop.till
    till.entry(shop.lan.id, 25_000, amount_minor=25_000_000)
    till.push(client, till.outbox)
    basket = Basket.of_total(Money(1_000_000, "VND"))
    at = datetime.now(UTC).replace(microsecond=0)
    response = _order(client, shop.web, _key(), total=1_000_000, ordered_at=format_utc(at))
    assert response.status_code == 200, response.text
    gold = quote(program, basket, at=at, tier_code="gold")
    assert response.json()["points"] == gold.points
    assert gold.points > quote(program, basket, at=at, tier_code="member").points
    assert client.get("/v1/members/M-WEB", headers=till.auth).json()["tier_code"] == "gold"
    with Session(engine) as session:  # what `python -m central member` prints
        assert [row["tier"] for row in service.members_by_number(session, "M-WEB", None)] == ["gold"]


def test_a_lapsed_tier_is_not_priced(client: TestClient, shop: Any, program: Program) -> None:
    """Gold bought two years ago and nothing since: the review a year after the upgrade took it away."""
    till: Till = shop.till
    long_ago = format_utc(datetime.now(UTC) - timedelta(days=2 * 366))
    till.entry(shop.lan.id, 25_000, amount_minor=25_000_000, created_at=long_ago)
    till.push(client, till.outbox)
    at = datetime.now(UTC).replace(microsecond=0)
    response = _order(client, shop.web, _key(), total=1_000_000, ordered_at=format_utc(at))
    assert response.status_code == 200, response.text
    basket = Basket.of_total(Money(1_000_000, "VND"))
    assert response.json()["points"] == quote(program, basket, at=at, tier_code="member").points
    assert client.get("/v1/members/M-WEB", headers=till.auth).json()["tier_code"] == "member"


def test_one_answer_per_idempotency_key(client: TestClient, shop: Any) -> None:
    key = _key()
    body = {"order_ref": "WEB-IDEM", "lines": [{"amount": 120_000, "category": "fresh"}]}
    first = _order(client, shop.web, key, **body)
    assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    again = _order(client, shop.web, key, **body)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert client.get("/v1/members/M-WEB", headers=shop.till.auth).json()["balance"] == first.json()["points"]
    other_body = _order(client, shop.web, key, order_ref="WEB-IDEM", total=1_000_000)
    assert other_body.status_code == 409 and "different request" in other_body.json()["detail"]
    other_key = _order(client, shop.web, _key(), **body)
    assert other_key.status_code == 409 and "WEB-IDEM was recorded before" in other_key.json()["detail"]
    no_key = _order(client, shop.web, None, total=10_000)
    assert no_key.status_code == 422 and "Idempotency-Key" in no_key.text
    for bad in ("x" * 129, "with space", "-leading"):
        assert _order(client, shop.web, bad, total=10_000).status_code == 422
    # A refused request stores nothing: once the member exists, the same key and body go through.
    early = _order(
        client, shop.web, "late-member", member_number="M-LATE", order_ref="WEB-LATE", total=90_000
    )
    assert early.status_code == 404 and "M-LATE" in early.json()["detail"]
    shop.till.new_member(number="M-LATE")
    shop.till.push(client, shop.till.outbox)
    late = _order(client, shop.web, "late-member", member_number="M-LATE", order_ref="WEB-LATE", total=90_000)
    assert late.status_code == 200 and late.json()["points"] == 9


def test_actions_keep_to_their_cap_across_tills_and_channels(client: TestClient, shop: Any) -> None:
    till: Till = shop.till
    till.entry(
        shop.lan.id,
        10,
        EntryKind.ACTION,
        action_code="review",
        amount_minor=None,
        currency=None,
        created_at=format_utc(datetime.now(UTC)),  # in this month: it counts against the cap
    )
    till.push(client, till.outbox)

    def review(key: str) -> httpx.Response:
        return client.post(
            "/v1/actions",
            json={"member_number": "M-WEB", "action": "review", "reference": "review 77"},
            headers={**shop.web, "Idempotency-Key": key},
        )

    second = review("review-2")
    assert second.status_code == 200, second.text
    assert (second.json()["used"], second.json()["cap"], second.json()["points"]) == (2, 2, 10)
    assert review("review-2").json() == second.json()  # the same request again: the same answer
    third = review("review-3")
    assert third.status_code == 409 and "cap of 2 per month" in third.json()["detail"]
    unknown = client.post(
        "/v1/actions",
        json={"member_number": "M-WEB", "action": "karaoke"},
        headers={**shop.web, "Idempotency-Key": "k-1"},
    )
    assert unknown.status_code == 404 and "review" in unknown.json()["detail"]
    future = client.post(
        "/v1/actions",
        json={
            "member_number": "M-WEB",
            "action": "survey",
            "done_at": format_utc(datetime.now(UTC) + timedelta(days=2)),
        },
        headers={**shop.web, "Idempotency-Key": "k-2"},
    )
    assert future.status_code == 422 and "future" in future.json()["detail"]


def test_tills_see_orders_and_actions_at_the_next_pull(
    client: TestClient, engine: Engine, shop: Any, new_code: Callable[[str], str]
) -> None:
    other_till = enroll(client, new_code("W1"), "Quầy 2")
    other_till.pull_all(client)
    order = _order(client, shop.web, _key(), total=500_000).json()
    action = client.post(
        "/v1/actions",
        json={"member_number": "M-WEB", "action": "survey"},
        headers={**shop.web, "Idempotency-Key": _key()},
    ).json()
    for till in (shop.till, other_till):
        seen = till.pull_all(client)
        assert [c["kind"] for c in seen] == ["entry", "balance", "entry", "balance"]
        entries = [
            parse_payload(ItemKind.LEDGER_ENTRY, {k: v for k, v in c["body"].items() if k != "epoch"})
            for c in seen[::2]
        ]
        assert [(e.id, e.kind, e.points, e.channel) for e in entries] == [
            (order["entry_id"], EntryKind.EARN, 50, "web"),
            (action["entry_id"], EntryKind.ACTION, 20, "web"),
        ]
        assert seen[-1]["body"]["balance"] == 70
        # The channel's entries are a hash chain of their own, as a till's are.
        assert entries[0].prev_hash == GENESIS_HASH and [e.seq for e in entries] == [1, 2]
        assert entries[1].prev_hash == item_hash(ItemKind.LEDGER_ENTRY, entries[0])
        assert entries[0].till_id == entries[1].till_id not in (shop.till.id, other_till.id)
    mine = client.get(f"/v1/orders/{order['order_ref']}", headers=shop.web)
    assert mine.status_code == 200 and mine.json()["id"] == order["entry_id"]


def test_channel_names_are_codes(engine: Engine, new_code: Callable[[str], str]) -> None:
    new_code("N1")
    for name, problem in (("a b", "letters, digits"), ("x" * 65, "1 to 64"), ("till", "reserved")):
        with Session(engine) as session, session.begin(), pytest.raises(service.ServiceError, match=problem):
            channels.create_channel(session, "N1", name)
    with Session(engine) as session, session.begin(), pytest.raises(service.NotFound, match="no store"):
        channels.create_channel(session, "NOWHERE", "web")


def test_tokens_open_only_their_own_doors(client: TestClient, engine: Engine, shop: Any) -> None:
    assert _order(client, shop.till.auth, _key()).status_code == 403
    assert client.get("/v1/pull", headers=shop.web).status_code == 403
    assert client.get("/v1/inbox", headers=shop.web).status_code == 403
    assert (
        client.post("/v1/push", json=shop.till.batch(shop.till.outbox), headers=shop.web).status_code == 403
    )
    with Session(engine) as session, session.begin():
        channel_id = service.authenticate(session, shop.web["Authorization"][7:]).till_id
        assert not service.revoke_till(session, channel_id)  # a channel is not revoked as a till ...
        assert service.revoke_till(session, channel_id, kind="channel")  # ... but as a channel
    revoked = _order(client, shop.web, _key())
    assert revoked.status_code == 403 and "channel has been revoked" in revoked.json()["detail"]


def test_orders_are_validated_strictly(client: TestClient, shop: Any) -> None:
    line = {"amount": 10_000}
    for body in (
        {"lines": [line], "total": 10_000},  # both
        {"lines": []},
        {"lines": [line] * 101},
        {"lines": [{"amount": 0}]},
        {"lines": [{"amount": "10000"}]},
        {"lines": [{"amount": 10_000, "quantity": 0}]},
        {"total": 10**16},
        {"total": 1000, "currency": "vnd"},
        {"total": 1000, "order_ref": ""},
        {"total": 1000, "ordered_at": "yesterday"},
        {"total": 1000, "extra": True},
    ):
        response = _order(client, shop.web, _key(), **body)
        assert response.status_code == 422, (body, response.text)
    usd = _order(client, shop.web, _key(), total=1000, currency="USD")
    assert usd.status_code == 422 and "VND" in usd.json()["detail"]
    old = _order(
        client, shop.web, _key(), total=1000, ordered_at=format_utc(datetime.now(UTC) - timedelta(days=120))
    )
    assert old.status_code == 422 and "90 days" in old.json()["detail"]


# -- the real process --------------------------------------------------------------------------------------


def central(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "central", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_a_channel_created_by_command_records_an_order(db_url: str) -> None:
    code = central("enrollment-code", "--db", db_url, "--store", "HCM1", "--new-store", "Quận 1")
    assert code.returncode == 0, code.stderr
    assert central("program", "install", str(PROGRAM), "--db", db_url).returncode == 0
    created = central("channel", "create", "--db", db_url, "--store", "HCM1", "--name", "web")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert len(token) >= 43 and "channel web of store HCM1" in created.stderr
    refused = central("channel", "create", "--db", db_url, "--store", "HCM1", "--name", "central")
    assert refused.returncode == 1 and "reserved" in refused.stderr
    assert central("channel", "create", "--db", db_url, "--store", "HCM1", "--name", "a b").returncode == 2
    with central_process(db_url) as base, httpx.Client(base_url=base, timeout=180) as http:
        till = enroll(http, code.stdout.strip())
        till.new_member(number="M-1")
        till.push(http, till.outbox)
        web = {"Authorization": f"Bearer {token}", "Idempotency-Key": "order-1"}
        body = {
            "member_number": "M-1",
            "order_ref": "A-1",
            "currency": "VND",
            "total": 300_000,
            "ordered_at": _off_hours(),
        }
        first = http.post("/v1/orders", json=body, headers=web)
        assert first.status_code == 200 and first.json()["points"] == 30
        assert http.post("/v1/orders", json=body, headers=web).json() == first.json()
        assert [c["kind"] for c in till.pull_all(http)] == ["program", "entry", "balance"]
        channel_id = http.get("/v1/orders/A-1", headers=web).json()["till_id"]
        assert central("channel", "revoke", channel_id, "--db", db_url).returncode == 0
        assert http.post("/v1/orders", json=body, headers=web).status_code == 403


@pytest.mark.slow
def test_concurrent_requests_keep_keys_orders_and_caps(db_url: str) -> None:
    """Fourteen clients at once: the same key sent four times answers once, four orders each earn once, and of
    six reviews under a cap of two, two pass. The channel's chain stays one line."""
    code = central("enrollment-code", "--db", db_url, "--store", "HCM1", "--new-store", "Quận 1")
    assert central("program", "install", str(PROGRAM), "--db", db_url).returncode == 0
    token = central("channel", "create", "--db", db_url, "--store", "HCM1", "--name", "app").stdout.strip()
    with central_process(db_url) as base, httpx.Client(base_url=base, timeout=180) as http:
        till = enroll(http, code.stdout.strip())
        till.new_member(number="M-1")
        till.push(http, till.outbox)
        off_hours = _off_hours()  # the installed program is the demo's, happy hour and all
        requests: list[tuple[str, str, dict[str, Any]]] = [
            (
                "/v1/orders",
                "same-key",
                {
                    "member_number": "M-1",
                    "order_ref": "O-0",
                    "currency": "VND",
                    "total": 100_000,
                    "ordered_at": off_hours,
                },
            )
        ] * 4
        requests += [
            (
                "/v1/orders",
                f"k-{n}",
                {
                    "member_number": "M-1",
                    "order_ref": f"O-{n}",
                    "currency": "VND",
                    "total": 200_000,
                    "ordered_at": off_hours,
                },
            )
            for n in range(1, 5)
        ]
        requests += [
            ("/v1/actions", f"r-{n}", {"member_number": "M-1", "action": "review"}) for n in range(6)
        ]
        answers: list[httpx.Response] = []

        def send(path: str, key: str, body: dict[str, Any]) -> None:
            with httpx.Client(base_url=base, timeout=180) as client:
                headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
                answers.append(client.post(path, json=body, headers=headers))

        threads = [threading.Thread(target=send, args=request) for request in requests]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert sorted(a.status_code for a in answers) == [200] * 10 + [409] * 4
        same = [a.json() for a in answers if a.status_code == 200 and a.json().get("order_ref") == "O-0"]
        assert len(same) == 4 and all(s == same[0] for s in same)
        assert sum("cap of 2" in a.json().get("detail", "") for a in answers) == 4
        member = http.get("/v1/members/M-1", headers=till.auth).json()
        assert (member["balance"], member["entry_count"]) == (10 + 4 * 20 + 2 * 10, 7)
        entries = [c["body"] for c in till.pull_all(http) if c["kind"] == "entry"]
        assert sorted(e["seq"] for e in entries) == list(range(1, 8))
        by_seq = sorted(entries, key=lambda e: e["seq"])
        for before, after in itertools.pairwise(by_seq):
            entry = parse_payload(ItemKind.LEDGER_ENTRY, {k: v for k, v in before.items() if k != "epoch"})
            assert after["prev_hash"] == item_hash(ItemKind.LEDGER_ENTRY, entry)
