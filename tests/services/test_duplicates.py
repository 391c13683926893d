"""Likely duplicates through the real services and a real SQLite file: the blocks find every pair that
shares a phone number once normalised (a property), an e-mail in any case, or a birthday and a similar
name; the merge preview is the merge itself; the merge keeps every point and the stricter consent."""

from __future__ import annotations

import contextlib
import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text, update

from app.services import ConsentInput
from app.services import duplicates as dup_module
from app.services.duplicates import DuplicateService, similar_names
from app.store import models as m
from loyalty.errors import InvalidInput, MemberInactive, PermissionDenied
from loyalty.money import Money
from loyalty.quote import Basket
from loyalty.text import fold, normalize_phone
from tests.services.conftest import Till

# Vietnamese mobile prefixes (the two digits after the trunk 0) and ways people write one number.
PREFIXES = ("90", "91", "93", "94", "96", "97", "98", "32", "35", "39", "70", "77", "81", "86", "88", "89")
FORMATS = (
    lambda n: "0" + n,
    lambda n: "+84" + n,
    lambda n: "84" + n,
    lambda n: f"+84 {n[:2]} {n[2:5]} {n[5:]}",
    lambda n: f"0{n[:3]}-{n[3:6]}-{n[6:]}",
    lambda n: f"(+84) {n}",
    lambda n: f"+84 (0) {n}",
    lambda n: "0084" + n,
    lambda n: f" 0{n[:2]}.{n[2:5]}.{n[5:]} ",
)
_serial = itertools.count(1)


def _insert(till: Till, name: str, *, phone: str | None = None, birthday: date | None = None) -> str:
    """A member written as an older till or an import might have left them (the phone as typed)."""
    n = next(_serial)
    with till.store.write() as s:
        member = m.Member(
            member_number=f"9{n:012d}",
            full_name=name,
            phone=None,
            birthday=birthday,
            referral_code=f"R{n:09d}",
            status="active",
            balance=0,
        )
        s.add(member)
        s.flush()
        if phone is not None:
            s.execute(update(m.Member).where(m.Member.id == member.id).values(phone=phone))
        return member.id


def _found(till: Till, reason: str) -> set[tuple[str, str]]:
    findings = DuplicateService(till.svc.core).find(till.cashier, limit=100_000)
    return {tuple(sorted((p.keep.id, p.merge.id))) for p in findings.pairs if reason in p.reasons}  # type: ignore[misc]


number = st.tuples(st.sampled_from(PREFIXES), st.integers(0, 9_999_999)).map(lambda t: t[0] + f"{t[1]:07d}")
written = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, len(FORMATS) - 1), st.booleans()), min_size=2, max_size=10
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(numbers=st.lists(number, min_size=4, max_size=4), members=written)
def test_every_pair_sharing_a_normalised_phone_is_found(
    till: Till, numbers: list[str], members: list[tuple[int, int, bool]]
) -> None:
    ids: dict[str, str] = {}  # member id -> the number as written
    try:
        _check_phone_pairs(till, numbers, members, ids)
    finally:
        with till.store.write() as s:  # the next example starts without these members
            s.execute(update(m.Member).where(m.Member.id.in_(ids)).values(status="erased", phone=None))


def _check_phone_pairs(
    till: Till, numbers: list[str], members: list[tuple[int, int, bool]], ids: dict[str, str]
) -> None:
    used: set[str] = set()
    for which, fmt, taken_away in members:
        raw = FORMATS[fmt](numbers[which])
        if taken_away:
            # The phone clean-up took it away (the column is unique) and kept it in member_duplicates.
            member_id = _insert(till, "Khách")
            with till.store.write() as s:
                s.add(m.MemberDuplicate(member_id=member_id, reason="phone", value=None, old_value=raw))
        elif raw in used:
            continue  # the column is unique as written
        else:
            used.add(raw)
            member_id = _insert(till, "Khách", phone=raw)
        ids[member_id] = raw
    by_number: dict[str, list[str]] = {}
    for member_id, raw in ids.items():
        with contextlib.suppress(InvalidInput):  # a prefix nobody uses is no number: it matches nothing
            by_number.setdefault(normalize_phone(raw), []).append(member_id)
    expected = {
        tuple(sorted(pair)) for group in by_number.values() for pair in itertools.combinations(group, 2)
    }
    found = {pair for pair in _found(till, "phone") if pair[0] in ids and pair[1] in ids}
    assert found == expected


def test_an_email_in_another_case_and_a_similar_name_born_the_same_day(till: Till) -> None:
    a = till.svc.members.enroll(
        till.cashier, "Nguyễn Thị Lan", email="lan@example.vn", birthday=date(1990, 5, 17)
    )
    b_id = _insert(till, "Lan Nguyen Thi", birthday=date(1990, 5, 17))
    with till.store.write() as s:  # as an import wrote it: another case, spaces around
        s.execute(text("UPDATE members SET email = ' LAN@Example.VN' WHERE id = :id"), {"id": b_id})
    _insert(till, "Nguyễn Thị Lan", birthday=date(1991, 5, 17))  # another day: someone else
    _insert(till, "Trần Văn Hùng", birthday=date(1990, 5, 17))  # the same day, another name
    findings = DuplicateService(till.svc.core).find(till.cashier)
    assert findings.total == 1
    (pair,) = findings.pairs
    assert {pair.keep.id, pair.merge.id} == {a.member.id, b_id}
    assert pair.keep.id == a.member.id  # enrolled first: the one kept
    assert pair.reasons == ("email", "name_birthday")
    assert pair.email == "lan@example.vn" and pair.name_score == 100


def test_names_are_compared_accent_folded_and_in_any_order() -> None:
    names = [
        ("a", fold("Nguyễn Thị Lan")),
        ("b", fold("NGUYEN THI LANH")),
        ("c", fold("Thị Lan Nguyễn")),
        ("d", fold("Phạm Văn Đức")),
    ]
    pairs = dict(similar_names(names))
    assert pairs[("a", "c")] == 100
    assert pairs[("a", "b")] >= 90 and pairs[("b", "c")] >= 90
    assert not any("d" in ids for ids in pairs)


def test_a_crowded_birthday_is_split_by_given_name(till: Till, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dup_module, "LARGE_BLOCK", 3)
    day = date(1970, 1, 1)  # the birthday typed when nobody asked
    lan = _insert(till, "Nguyễn Thị Lan", birthday=day)
    lan2 = _insert(till, "Nguyen Thi Lan", birthday=day)
    for name in ("Trần Văn An", "Lê Thị Hoa", "Phạm Văn Bình"):
        _insert(till, name, birthday=day)
    assert _found(till, "name_birthday") == {tuple(sorted((lan, lan2)))}


def test_the_phone_clean_up_list_names_both_members(till: Till) -> None:
    keep = till.svc.members.enroll(till.cashier, "Võ Thị Mai", phone="0901234567").member
    dup = till.svc.members.enroll(till.cashier, "Vo Thi Mai").member
    bad = till.svc.members.enroll(till.cashier, "Đặng Văn Tú").member
    with till.store.write() as s:
        s.add(
            m.MemberDuplicate(
                member_id=dup.id,
                duplicate_of_id=keep.id,
                reason="phone",
                value="+84901234567",
                old_value="090 123 4567",
            )
        )
        s.add(m.MemberDuplicate(member_id=bad.id, reason="invalid_phone", old_value="0901 23"))
    rows = DuplicateService(till.svc.core).cleanup_list(till.cashier)
    assert [(r.member.id, r.duplicate_of.id if r.duplicate_of else None, r.reason) for r in rows] == [
        (dup.id, keep.id, "phone"),
        (bad.id, None, "invalid_phone"),
    ]
    assert (min(keep.id, dup.id), max(keep.id, dup.id)) in _found(till, "phone")  # the finder sees it too
    till.svc.members.merge(till.manager, dup.id, keep.id, "same person")
    rows = DuplicateService(till.svc.core).cleanup_list(till.cashier)
    assert [r.member.id for r in rows] == [bad.id]  # the merge settled its row
    with till.store.read() as s:
        settled = s.scalar(select(m.MemberDuplicate.resolved_at).where(m.MemberDuplicate.member_id == dup.id))
    assert settled == till.clock.now


def _consents(till: Till, member_id: str) -> dict[str, tuple[bool, str]]:
    with till.store.read() as s:
        rows = s.scalars(select(m.Consent).where(m.Consent.member_id == member_id).order_by(m.Consent.id))
        return {c.purpose: (c.granted, c.text_version) for c in rows}


def test_the_preview_is_what_the_merge_does(till: Till) -> None:
    keep = till.svc.members.enroll(
        till.cashier,
        "Hồ Văn Long",
        phone="0912000001",
        consents=(
            ConsentInput("marketing", True, "2026-01"),
            ConsentInput("personalisation", True, "2025-06"),
        ),
    ).member
    dup = till.svc.members.enroll(
        till.cashier,
        "Ho Van Long",
        email="long@x.vn",
        consents=(
            ConsentInput("marketing", False, "2025-06"),
            ConsentInput("personalisation", True, "2026-01"),
        ),
    ).member
    till.svc.points.award(till.cashier, dup.id, Basket.of_total(Money(1_200_000)), "HD1")
    till.clock.advance(days=40)
    till.svc.points.award(till.cashier, dup.id, Basket.of_total(Money(300_000)), "HD2")
    card = till.svc.cards.link(till.cashier, dup.id, till.svc.cards.ref_for_uid("04AA00BB11CC22"))
    service = DuplicateService(till.svc.core)
    preview = service.preview(till.cashier, dup.id, keep.id)  # a cashier may look

    assert preview.keep.member.balance == 50 and preview.merge.member.balance == 50 + 120 + 30
    assert preview.after.member.balance == preview.keep.member.balance + preview.merge.member.balance
    assert sorted(lot.points for lot in preview.after.lots) == sorted(
        [lot.points for lot in preview.keep.lots] + [lot.points for lot in preview.merge.lots]
    )
    moved = {(lot.points, lot.expires_at) for lot in preview.merge.lots}
    assert moved <= {(lot.points, lot.expires_at) for lot in preview.after.lots}  # each lot keeps its expiry
    assert [c.id for c in preview.after.cards] == [card.id]
    after = {c.purpose: (c.granted, c.text_version) for c in preview.after.consents}
    assert after == {"marketing": (False, "2025-06"), "personalisation": (True, "2026-01")}
    assert _consents(till, keep.id) == {"marketing": (True, "2026-01"), "personalisation": (True, "2025-06")}

    with pytest.raises(PermissionDenied):
        till.svc.members.merge(till.cashier, dup.id, keep.id, "same person")
    change = till.svc.members.merge(till.manager, dup.id, keep.id, "same person")
    assert change.member.balance == preview.after.member.balance
    with till.store.read() as s:
        consents = {
            (c.purpose, c.granted, c.text_version)
            for c in s.scalars(select(m.Consent).where(m.Consent.member_id == keep.id))
        }
        records = s.scalars(select(m.AuditRecord.details).where(m.AuditRecord.action == "member.merge")).all()
    assert ("marketing", False, "2025-06") in consents and (
        "marketing",
        True,
        "2026-01",
    ) in consents  # history
    assert len(records) == 1  # one audited change
    assert '"cards":["' + card.id + '"]' in records[0]
    with pytest.raises(MemberInactive):
        service.preview(till.manager, dup.id, keep.id)
    with pytest.raises(InvalidInput):
        service.preview(till.manager, keep.id, keep.id)


answers = st.one_of(st.none(), st.tuples(st.booleans(), st.sampled_from(("2025-06", "2026-01"))))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    spends=st.tuples(
        st.lists(st.integers(10_000, 5_000_000), max_size=4),
        st.lists(st.integers(10_000, 5_000_000), max_size=4),
    ),
    marketing=st.tuples(answers, answers),
    personalisation=st.tuples(answers, answers),
)
def test_a_merge_keeps_every_point_and_the_stricter_consent(
    till: Till,
    spends: tuple[list[int], list[int]],
    marketing: tuple[tuple[bool, str] | None, tuple[bool, str] | None],
    personalisation: tuple[tuple[bool, str] | None, tuple[bool, str] | None],
) -> None:
    members = []
    for side in (0, 1):
        consents = tuple(
            ConsentInput(purpose, *answer[side])  # type: ignore[misc]
            for purpose, answer in (("marketing", marketing), ("personalisation", personalisation))
            if answer[side] is not None
        )
        member = till.svc.members.enroll(till.cashier, "Khách", consents=consents).member
        for spend in spends[side]:
            till.svc.points.award(
                till.cashier, member.id, Basket.of_total(Money(spend)), f"HDP{next(_serial)}"
            )
        members.append(till.svc.members.get(member.id))
    keep, dup = members
    change = till.svc.members.merge(till.manager, dup.id, keep.id, "same person")
    assert change.member.balance == keep.balance + dup.balance
    assert till.svc.members.get(keep.id).balance == keep.balance + dup.balance
    after = _consents(till, keep.id)
    for purpose, answer in (("marketing", marketing), ("personalisation", personalisation)):
        given_answers = [a for a in answer if a is not None]
        if not given_answers:
            assert purpose not in after
            continue
        granted = all(g for g, _v in given_answers)
        versions = [v for g, v in given_answers if g == granted]
        assert after[purpose] == (granted, max(versions))
