"""Vietnamese names for generated members, with rough real-world frequencies.

Family names follow the commonly cited shares (Nguyễn about 38 %, Trần 11 %, Lê 9.5 %, ...); middle and given
names are common ones by gender. ``NamePicker`` draws from precomputed tables and keeps the folded form of each
part next to it, so a million names cost a million table look-ups rather than a million ``fold()`` calls.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from loyalty.text import fold

FAMILY: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 4.0),
    ("Huỳnh", 3.0),
    ("Phan", 4.5),
    ("Vũ", 2.0),
    ("Võ", 2.0),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.6),
    ("Trương", 0.6),
    ("Lâm", 0.4),
    ("Mai", 0.4),
    ("Đào", 0.4),
    ("Cao", 0.3),
    ("Hà", 0.3),
    ("Tô", 0.2),
    ("Tạ", 0.2),
    ("Lương", 0.3),
    ("Trịnh", 0.4),
    ("Châu", 0.2),
    ("Quách", 0.1),
    ("Kiều", 0.1),
)

MIDDLE_F: tuple[tuple[str, float], ...] = (
    ("Thị", 40.0),
    ("Ngọc", 8.0),
    ("Thu", 5.0),
    ("Thanh", 5.0),
    ("Minh", 3.0),
    ("Bảo", 3.0),
    ("Phương", 3.0),
    ("Thùy", 3.0),
    ("Kim", 3.0),
    ("Hồng", 3.0),
    ("Mỹ", 2.0),
    ("Diệu", 1.0),
    ("Khánh", 2.0),
    ("Hoài", 1.0),
    ("Như", 2.0),
    ("Quỳnh", 2.0),
)
MIDDLE_M: tuple[tuple[str, float], ...] = (
    ("Văn", 35.0),
    ("Hữu", 6.0),
    ("Đức", 6.0),
    ("Minh", 6.0),
    ("Quốc", 5.0),
    ("Thành", 4.0),
    ("Gia", 3.0),
    ("Công", 4.0),
    ("Trọng", 3.0),
    ("Xuân", 3.0),
    ("Hoàng", 3.0),
    ("Tuấn", 2.0),
    ("Anh", 2.0),
    ("Đình", 4.0),
    ("Quang", 4.0),
)
GIVEN_F = [
    "Lan",
    "Hoa",
    "Mai",
    "Hương",
    "Trang",
    "Linh",
    "Ngân",
    "Thảo",
    "Vy",
    "Yến",
    "Hạnh",
    "Anh",
    "Châu",
    "Nhung",
    "Hằng",
    "Phương",
    "Thủy",
    "Hà",
    "Giang",
    "Nga",
    "Loan",
    "Oanh",
    "Tuyết",
    "Nhi",
    "My",
    "Ngọc",
    "Quyên",
    "Uyên",
    "Diễm",
    "Trinh",
    "Hiền",
    "Dung",
    "Liên",
    "Thu",
    "Trâm",
    "Xuân",
    "Huyền",
    "Ly",
    "Tâm",
    "Khánh",
]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khoa",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Tuấn",
    "Thắng",
    "Trung",
    "Việt",
    "Huy",
    "Hoàng",
    "Đạt",
    "Hiếu",
    "Kiên",
    "Lộc",
    "Minh",
    "Nghĩa",
    "Phong",
    "Quang",
    "Tài",
    "Thành",
    "Thịnh",
    "Toàn",
    "Trí",
    "Vinh",
    "Vũ",
    "Bảo",
    "Duy",
    "Đức",
    "Hưng",
    "Khải",
    "Lâm",
]

EMAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com", "icloud.com")

_TABLE_BITS = 12


def _table(weighted: tuple[tuple[str, float], ...] | list[str]) -> list[tuple[str, str]]:
    """4096 (name, folded) slots filled in proportion to the weights, for O(1) weighted draws."""
    pairs = [(w, 1.0) for w in weighted] if isinstance(weighted, list) else list(weighted)
    total = sum(weight for _, weight in pairs)
    size = 1 << _TABLE_BITS
    slots: list[tuple[str, str]] = []
    acc = 0.0
    for name, weight in pairs:
        acc += weight
        while len(slots) < round(acc / total * size):
            slots.append((name, fold(name)))
    while len(slots) < size:
        slots.append((pairs[-1][0], fold(pairs[-1][0])))
    return slots


@dataclass(frozen=True)
class Name:
    full: str
    folded: str
    given_folded: str
    family_folded: str


class NamePicker:
    def __init__(self, rng: random.Random) -> None:
        self._bits = rng.getrandbits
        self._random = rng.random
        self._family = _table(FAMILY)
        self._middle = (_table(MIDDLE_F), _table(MIDDLE_M))
        self._given = (_table(GIVEN_F), _table(GIVEN_M))

    def pick(self) -> Name:
        bits = self._bits
        male = self._random() < 0.45
        family, family_f = self._family[bits(_TABLE_BITS)]
        middle, middle_f = self._middle[male][bits(_TABLE_BITS)]
        if middle == family:  # "Hoàng Hoàng ..." exists but reads like a typo
            middle, middle_f = self._middle[male][bits(_TABLE_BITS)]
        given, given_f = self._given[male][bits(_TABLE_BITS)]
        if self._random() < 0.15:
            # Four-word names ("Nguyễn Thị Ngọc Anh") are common too.
            second, second_f = self._middle[male][bits(_TABLE_BITS)]
            if second != middle:
                return Name(
                    f"{family} {middle} {second} {given}",
                    f"{family_f} {middle_f} {second_f} {given_f}",
                    given_f,
                    family_f,
                )
        return Name(f"{family} {middle} {given}", f"{family_f} {middle_f} {given_f}", given_f, family_f)
