"""The words printed on a receipt, in Vietnamese and English.

The window's own texts go through Qt Linguist (``resources/translations/till_vi.ts``). A receipt's words
live here instead, in one table that all three renderers share, because the ESC/POS printer runs on its
own thread with no Qt at all (and tests print without a ``QApplication``): one table means the slip on
screen, the PDF and the paper always say the same thing, and the receipt's language is a value that goes
with it to the printer's thread rather than the window's translator, which can change meanwhile.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

VIETNAMESE: Final = "vi"
ENGLISH: Final = "en"

_VI = {
    "title.sale": "PHIẾU TÍCH ĐIỂM",
    "title.return": "PHIẾU TRẢ HÀNG",
    "title.action": "PHIẾU ĐIỂM THƯỞNG",
    "copy": "BẢN SAO",
    "till": "Quầy",
    "number": "Số phiếu",
    "receipt_ref": "Số hóa đơn",
    "cashier": "Thu ngân",
    "date": "Ngày",
    "member": "Thẻ thành viên",
    "bill": "Tổng hóa đơn",
    "earned": "Điểm tích lũy",
    "rule.base": "Điểm cơ bản",
    "rule.category": "Ngành hàng {name}",
    "rule.sku": "Sản phẩm {name}",
    "rule.tier": "Hạng {name}",
    "rule.promotion": "Khuyến mãi {name}",
    "rule.cap": "Giới hạn mỗi hóa đơn",
    "rule.minimum_spend": "Dưới mức chi tiêu tối thiểu",
    "bonus": "Điểm thưởng giới thiệu",
    "redeemed": "Điểm đã dùng",
    "redeemed_value": "Trừ vào hóa đơn",
    "reward": "Quà đổi điểm",
    "refund": "Tiền hoàn trả",
    "reversed": "Điểm bị thu hồi",
    "restored": "Điểm được hoàn lại",
    "overdraft": "Điểm còn nợ",
    "action": "Hoạt động",
    "action_points": "Điểm thưởng",
    "balance": "Số dư điểm",
    "balance_value": "Trị giá",
    "expiring": "{points} điểm sẽ hết hạn, dùng trước hết ngày {date}",
    "replayed": "Giao dịch đã được ghi nhận trước đó, không ghi thêm.",
    "thanks": "Cảm ơn quý khách!",
}

_EN = {
    "title.sale": "LOYALTY RECEIPT",
    "title.return": "RETURN RECEIPT",
    "title.action": "POINTS SLIP",
    "copy": "COPY",
    "till": "Till",
    "number": "Slip no.",
    "receipt_ref": "Receipt no.",
    "cashier": "Cashier",
    "date": "Date",
    "member": "Member card",
    "bill": "Bill total",
    "earned": "Points earned",
    "rule.base": "Base points",
    "rule.category": "Category {name}",
    "rule.sku": "Product {name}",
    "rule.tier": "Tier {name}",
    "rule.promotion": "Promotion {name}",
    "rule.cap": "Cap per sale",
    "rule.minimum_spend": "Under the minimum spend",
    "bonus": "Referral bonus",
    "redeemed": "Points redeemed",
    "redeemed_value": "Off the bill",
    "reward": "Reward",
    "refund": "Refunded",
    "reversed": "Points taken back",
    "restored": "Points given back",
    "overdraft": "Points owed",
    "action": "Activity",
    "action_points": "Points awarded",
    "balance": "Points balance",
    "balance_value": "Worth",
    "expiring": "{points} points expire: use them by {date}",
    "replayed": "Already recorded before; nothing new was written.",
    "thanks": "Thank you!",
}

LABELS: Final = MappingProxyType(
    {VIETNAMESE: MappingProxyType(_VI), ENGLISH: MappingProxyType(_EN)},
)
LANGUAGES: Final = tuple(LABELS)


def labels(language: str) -> MappingProxyType[str, str]:
    """The receipt's words in ``language`` ('vi' or 'en'); English for any other."""
    return LABELS.get(language, LABELS[ENGLISH])
