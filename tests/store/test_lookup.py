"""``app.store.lookup.held``: which of many values a column already holds, in one statement."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table

from app.store.db import Store
from app.store.lookup import held
from app.store.models import Member

from .factories import make_member

MEMBERS = cast(Table, Member.__table__)


def test_held_values_are_those_some_row_holds(store: Store) -> None:
    """Exactly the values some member holds, compared as stored (case and accents count); none asked, none
    held; quotes, accents and a thousand values at once go through the one JSON parameter unharmed."""
    with store.write() as session:
        make_member(session, phone="+84901234567", email="o'brien\"x@example.vn")
        make_member(session, full_name="Lê Thị Ánh", phone="+84907654321", email="anh@example.vn")
    with store.read() as session:
        asked = ["+84901234567", "+84900000000", "+84907654321"] + [f"+8491{n:07d}" for n in range(1000)]
        assert held(session, MEMBERS.c.phone, asked) == {"+84901234567", "+84907654321"}
        assert held(session, MEMBERS.c.email, ["o'brien\"x@example.vn", "ANH@example.vn"]) == {
            "o'brien\"x@example.vn"
        }
        assert held(session, MEMBERS.c.full_name, ["Lê Thị Ánh", "Le Thi Anh"]) == {"Lê Thị Ánh"}
        assert held(session, MEMBERS.c.phone, []) == set()
