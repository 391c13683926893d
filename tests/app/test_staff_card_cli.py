"""``python -m app staff card link|unlink|list`` as a script runs it: a real process over a real till, a tap
read from the simulated reader or a UID given with ``--uid``."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from app.services import Permission, TillServices
from app.store.db import open_store
from tests.app.test_cli import run
from tests.services.conftest import Till, make_till

MANAGER = {"LOYALTY_PIN": "9999"}


@pytest.fixture
def till(tmp_path: Path) -> Till:
    made = make_till(tmp_path)  # staff 1001 Mai (cashier, PIN 1111) and 9001 Lan (manager, PIN 9999)
    made.store.close()
    return made


def _audit(path: Path, action: str) -> list[dict[str, object]]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT staff_id, details FROM audit_log WHERE action = ?", (action,)).fetchall()
    return [{"by": staff, **json.loads(details)} for staff, details in rows]


def test_a_manager_links_a_card_from_a_tap_and_it_then_approves(till: Till, tmp_path: Path) -> None:
    script = tmp_path / "tap.json"
    script.write_text(json.dumps([{"after": 0.1, "uid": "04C0FFEE000001"}]))
    linked = run(
        tmp_path, "--staff", "9001", "--reader", f"sim:{script}", "staff", "card", "link", "9001", env=MANAGER
    )
    assert linked.returncode == 0, linked.stderr
    assert "Tap the card for staff 9001" in linked.stdout
    assert "Linked card …0001 to 9001 Lan (manager)." in linked.stdout
    [record] = _audit(till.path, "staff_card.link")
    assert record == {"by": till.manager.staff_id, "staff": "9001", "label": "…0001"}
    listed = run(tmp_path, "--staff", "9001", "staff", "card", "list", env=MANAGER)
    assert listed.returncode == 0 and "9001" in listed.stdout and "…0001" in listed.stdout
    # The card linked from the command line is the card the window's approval takes.
    with open_store(till.path) as store:
        svc = TillServices.open(store)
        token = svc.cards.ref_for_uid("04C0FFEE000001").token
        assert svc.staff_cards.approve_by_card(token, Permission.LARGE_REDEMPTION).name == "Lan"


def test_uid_for_scripts_unlink_with_a_reason_and_refusals_in_one_sentence(
    till: Till, tmp_path: Path
) -> None:
    ok = run(
        tmp_path, "--staff", "9001", "staff", "card", "link", "1001", "--uid", "04C0FFEE000002", env=MANAGER
    )
    assert ok.returncode == 0 and "Linked card …0002 to 1001 Mai (cashier)." in ok.stdout
    cashier = run(tmp_path, "--staff", "1001", "staff", "card", "list", env={"LOYALTY_PIN": "1111"})
    assert cashier.returncode == 2
    assert cashier.stderr.strip() == "error: Only a manager can manage staff. Ask a manager to sign in."
    taken = run(
        tmp_path, "--staff", "9001", "staff", "card", "link", "9001", "--uid", "04C0FFEE000002", env=MANAGER
    )
    assert (
        taken.returncode == 2 and taken.stderr.strip() == "error: This card is already the staff card of Mai."
    )
    no_reason = run(tmp_path, "--staff", "9001", "staff", "card", "unlink", "1001", env=MANAGER)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    unlinked = run(
        tmp_path, "--staff", "9001", "staff", "card", "unlink", "1001", "--reason", "lost", env=MANAGER
    )
    assert unlinked.returncode == 0 and "Unlinked card …0002 of 1001 Mai." in unlinked.stdout
    assert [r["reason"] for r in _audit(till.path, "staff_card.unlink")] == ["lost"]
    every = run(tmp_path, "--staff", "9001", "staff", "card", "list", "--all", env=MANAGER)
    assert "unlinked" in every.stdout
    bad_uid = run(tmp_path, "--staff", "9001", "staff", "card", "link", "9001", "--uid", "XYZ", env=MANAGER)
    assert bad_uid.returncode == 2 and "Card UID is not valid" in bad_uid.stderr
    with closing(sqlite3.connect(till.path)) as conn:
        dump = "\n".join(conn.iterdump()).upper()
    assert "04C0FFEE000002" not in dump  # only the keyed hash is kept


def test_no_tap_within_the_wait_links_nothing(till: Till, tmp_path: Path) -> None:
    script = tmp_path / "none.json"
    script.write_text("[]")
    waited = run(
        tmp_path,
        "--staff",
        "9001",
        "--reader",
        f"sim:{script}",
        "staff",
        "card",
        "link",
        "9001",
        "--wait",
        "1",
        env=MANAGER,
    )
    assert waited.returncode == 2
    assert waited.stderr.strip() == "error: no card was tapped within 1 s: nothing was linked"
    assert _audit(till.path, "staff_card.link") == []
