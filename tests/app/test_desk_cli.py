"""``python -m app cards link|block|replace|list`` and ``python -m app members export|erase`` as a script runs
them: a real process over a real till, with the desk's permissions (a cashier links and blocks, a manager
replaces, exports and erases) and every refusal one sentence with exit status 2."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from app.services.views import MemberView
from tests.app.test_cli import run
from tests.services.conftest import Till, make_till

MANAGER = {"LOYALTY_PIN": "9999"}
CASHIER = {"LOYALTY_PIN": "1111"}


@pytest.fixture
def till(tmp_path: Path) -> Till:
    made = make_till(tmp_path)  # staff 1001 Mai (cashier, PIN 1111) and 9001 Lan (manager, PIN 9999)
    return made


@pytest.fixture
def member(till: Till) -> MemberView:
    enrolled = till.svc.members.enroll(till.cashier, "Trần Thị Lan", phone="0901234567").member
    till.store.close()
    return enrolled


def _actions(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [row[0] for row in conn.execute("SELECT action FROM audit_log ORDER BY seq")]


def _cards(path: Path) -> list[tuple[str, str, str | None]]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT id, status, status_reason FROM cards ORDER BY created_at, id")
        return [(row[0], row[1], row[2]) for row in rows.fetchall()]


def test_a_cashier_links_and_blocks_a_manager_replaces_and_the_list_shows_it(
    till: Till, member: MemberView, tmp_path: Path
) -> None:
    number = member.member_number
    linked = run(tmp_path, "--staff", "1001", "cards", "link", number, "--uid", "04A1B2C3D4E5F6", env=CASHIER)
    assert linked.returncode == 0, linked.stderr
    assert linked.stdout.strip() == f"Linked card …E5F6 to {number} Trần Thị Lan."
    listed = run(tmp_path, "cards", "list", "0901234567")  # reading needs no sign-in, as members show
    assert listed.returncode == 0
    [(card_id, status, _reason)] = _cards(till.path)
    assert status == "active" and card_id in listed.stdout and "…E5F6" in listed.stdout

    no_reason = run(tmp_path, "--staff", "1001", "cards", "block", card_id, env=CASHIER)
    assert no_reason.returncode == 2
    assert no_reason.stderr.strip() == "error: cards block: give --reason (lost, stolen, damaged...)"
    blocked = run(
        tmp_path, "--staff", "1001", "cards", "block", card_id, "--reason", "lost at the market", env=CASHIER
    )
    assert blocked.returncode == 0 and blocked.stdout.startswith("Blocked card …E5F6")

    replace = [
        "cards",
        "replace",
        "--uid",
        "04A1B2C3D4E5F6",
        "--new-uid",
        "04A1B2C3D4E5F7",
        "--reason",
        "lost",
    ]
    cashier = run(tmp_path, "--staff", "1001", *replace, env=CASHIER)
    assert cashier.returncode == 2
    assert cashier.stderr.strip() == "error: Only a manager can replace a card. Ask a manager to sign in."
    replaced = run(tmp_path, "--staff", "9001", *replace, env=MANAGER)
    assert replaced.returncode == 0, replaced.stderr
    assert replaced.stdout.startswith("Replaced card …E5F6 by card …E5F7")
    assert [(s, r) for _id, s, r in _cards(till.path)] == [("replaced", "lost"), ("active", None)]
    assert _actions(till.path).count("card.replace") == 1

    unknown = run(
        tmp_path, "--staff", "9001", "cards", "block", "no-such-card", "--reason", "lost", env=MANAGER
    )
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == (
        "error: no card has the id 'no-such-card' ('cards list MEMBER' shows them): nothing was changed"
    )
    both = run(
        tmp_path, "--staff", "9001", "cards", "block", card_id, "--uid", "04A1", "--reason", "x", env=MANAGER
    )
    assert both.returncode == 2 and "not both" in both.stderr
    with closing(sqlite3.connect(till.path)) as conn:
        dump = "\n".join(conn.iterdump()).upper()
    assert "04A1B2C3D4E5F6" not in dump  # only the keyed hash


def test_a_manager_exports_as_json_and_pdf_a_cashier_is_refused(
    till: Till, member: MemberView, tmp_path: Path
) -> None:
    number = member.member_number
    refused = run(tmp_path, "--staff", "1001", "members", "export", number, env=CASHIER)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "error: Only a manager can export or erase a member's personal data. Ask a manager to sign in."
    )
    out = tmp_path / "requests"
    done = run(
        tmp_path, "--staff", "9001", "members", "export", number, "--to", str(out), "--pdf", env=MANAGER
    )
    assert done.returncode == 0, done.stderr
    [json_file] = out.glob("*.json")
    [pdf_file] = out.glob("*.pdf")
    assert json_file.name.startswith(number) and str(json_file) in done.stdout
    data = json.loads(json_file.read_text(encoding="utf-8"))
    assert "Trần Thị Lan" in json.dumps(data, ensure_ascii=False)
    assert pdf_file.read_bytes().startswith(b"%PDF")
    assert "not deleted by a later erasure" in done.stdout
    into_till = run(tmp_path, "--staff", "9001", "members", "export", "0901234567", env=MANAGER)
    assert into_till.returncode == 0 and "exports" in into_till.stdout
    assert _actions(till.path).count("member.export") == 2


def test_erasure_needs_the_number_a_reason_and_yes_then_the_person_is_gone(
    till: Till, member: MemberView, tmp_path: Path
) -> None:
    number = member.member_number
    by_search = run(
        tmp_path, "--staff", "9001", "members", "erase", "0901234567", "--reason", "asked", "--yes"
    )
    assert by_search.returncode == 2
    assert by_search.stderr.strip() == (
        "error: members erase: give the member number (an erasure never goes by a search)"
    )
    no_reason = run(tmp_path, "--staff", "9001", "members", "erase", number, "--yes", env=MANAGER)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    no_yes = run(tmp_path, "--staff", "9001", "members", "erase", number, "--reason", "asked", env=MANAGER)
    assert no_yes.returncode == 2
    assert (
        no_yes.stderr.strip()
        == "error: members erase: give --yes to erase without a question (nothing was erased)"
    )
    cashier = run(
        tmp_path, "--staff", "1001", "members", "erase", number, "--reason", "asked", "--yes", env=CASHIER
    )
    assert cashier.returncode == 2 and "Only a manager" in cashier.stderr
    assert "member.erase" not in _actions(till.path)
    erased = run(
        tmp_path,
        "--staff",
        "9001",
        "members",
        "erase",
        number,
        "--reason",
        "the customer asked",
        "--yes",
        env=MANAGER,
    )
    assert erased.returncode == 0, erased.stderr
    assert erased.stdout.startswith(f"Erased the personal data of member {number}")
    with closing(sqlite3.connect(till.path)) as conn:
        dump = "\n".join(conn.iterdump())
    assert "Trần Thị Lan" not in dump and "901234567" not in dump
    twice = run(
        tmp_path, "--staff", "9001", "members", "erase", number, "--reason", "again", "--yes", env=MANAGER
    )
    assert (
        twice.returncode == 2
        and twice.stderr.strip() == "error: Member is not valid: its personal data is erased"
    )
    checked = run(tmp_path, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_new_card_of_a_link_is_read_from_a_tap(till: Till, member: MemberView, tmp_path: Path) -> None:
    script = tmp_path / "tap.json"
    script.write_text(json.dumps([{"after": 0.1, "uid": "04C0FFEE0000AA"}]))
    number = member.member_number
    linked = run(
        tmp_path, "--staff", "1001", "--reader", f"sim:{script}", "cards", "link", number, env=CASHIER
    )
    assert linked.returncode == 0, linked.stderr
    assert "Tap the new card for Trần Thị Lan on the reader" in linked.stdout
    assert f"Linked card …00AA to {number} Trần Thị Lan." in linked.stdout
    from app.services import TillServices
    from app.store.db import open_store

    with open_store(till.path) as store:
        svc = TillServices.open(store)
        assert svc.cards.identify(svc.cards.ref_for_uid("04C0FFEE0000AA").token).id == member.id
