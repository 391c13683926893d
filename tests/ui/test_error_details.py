"""The details of an error reach the cashier in the window's language, not only its sentence.

An error's template is translated, and so is each word it is filled with: what is wrong ("Phone number")
and why ("it is empty"). A detail with numbers in it is a ``Detail`` (an English text plus its values), not
an f-string, which no catalogue could hold. The source of the domain, the services and the store is read
here (not run), so a new raise site with an English detail and no Vietnamese fails this test.
"""

from __future__ import annotations

import ast
import importlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest
from pytestqt.qtbot import QtBot

from app.services.context import Permission
from app.store.models import CARD_STATUSES, MEMBER_STATUSES
from app.ui.error_details import DETAILS
from app.ui.errors import CONTEXT, TEMPLATES, WORDS, sentence
from app.ui.i18n import TRANSLATIONS_DIR, Language
from loyalty.errors import (
    ActionCapReached,
    Detail,
    InvalidAmount,
    InvalidInput,
    LoyaltyError,
    MemberInactive,
    RedemptionNotAllowed,
)
from loyalty.money import Money, check_sale_amount
from loyalty.program import Period
from loyalty.returns import plan_return
from loyalty.text import normalize_phone

ROOT = Path(__file__).resolve().parents[2]
# Where errors the window shows are raised. The analytics only advise (they never refuse a cashier).
SOURCES = ("loyalty", "app/services", "app/store", "app/receipts")
EXCLUDED = ("loyalty/analytics",)
LISTED = set(TEMPLATES) | set(WORDS) | set(DETAILS)  # what `make translations-update` keeps in the .ts


def _source_files() -> list[Path]:
    files: list[Path] = []
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if not any(rel.startswith(skip + "/") for skip in EXCLUDED):
                files.append(path)
    return files


def _error_classes(trees: dict[Path, ast.Module]) -> dict[str, type[LoyaltyError]]:
    """The LoyaltyError subclasses those files define, by name (their modules imported to read templates)."""
    names = {"LoyaltyError"}
    homes: dict[str, Path] = {}
    grew = True
    while grew:
        grew = False
        for path, tree in trees.items():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {_name(base) for base in node.bases}
                    if bases & names:
                        names.add(node.name)
                        homes[node.name] = path
                        grew = True
    classes: dict[str, type[LoyaltyError]] = {"LoyaltyError": LoyaltyError}
    for name, path in homes.items():
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        classes[name] = getattr(module, name)
    return classes


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _details(
    tree: ast.Module, classes: dict[str, type[LoyaltyError]], what_at: dict[str, int]
) -> tuple[set[str], list[str]]:
    """English texts a cashier can read in ``tree`` (details of errors the window shows, every ``Detail``
    text, words given to a function that puts them in an error as its ``what``), and the places where a
    detail cannot be translated."""
    texts: set[str] = set()
    untranslatable: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = _name(node.func)
        where = f"line {node.lineno}: {ast.unparse(node)[:100]}"
        if called == "Detail":
            text = _literal(node.args[0]) if node.args else None
            if text is None:
                untranslatable.append(f"{where} (a Detail's text must be a string literal)")
            else:
                texts.add(text)
            values = node.keywords
        elif called in classes:
            template = _literal(node.args[0]) if node.args else None
            if (template or classes[called].template) not in TEMPLATES:
                continue  # the window never shows it (the catalogue test lists which errors those are)
            values = node.keywords
        elif called in what_at:
            index = what_at[called]
            values = [kw for kw in node.keywords if kw.arg == "what"]
            if len(node.args) > index:
                values.append(ast.keyword(arg="what", value=node.args[index]))
        else:
            continue
        for keyword in values:
            if isinstance(keyword.value, ast.JoinedStr):
                untranslatable.append(f"{where} (an f-string: make it a Detail)")
            elif text := _literal(keyword.value):
                texts.add(text)
    return texts, untranslatable


def _what_parameters(tree: ast.Module) -> tuple[dict[str, int], set[str]]:
    """Functions that take a ``what`` word to put in an error (e.g. ``Money.require_positive``): where
    that parameter is among the arguments a caller passes, and its literal default."""
    positions: dict[str, int] = {}
    defaults: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            positional = node.args.posonlyargs + node.args.args
            names = [a.arg for a in positional if a.arg not in ("self", "cls")]
            if "what" in names:
                positions[node.name] = names.index("what")
                with_default = positional[len(positional) - len(node.args.defaults) :]
                for arg, default in zip(with_default, node.args.defaults, strict=True):
                    if arg.arg == "what" and (text := _literal(default)):
                        defaults.add(text)
    return positions, defaults


def _catalogue() -> dict[str, ET.Element]:
    root = ET.parse(TRANSLATIONS_DIR / "till_vi.ts").getroot()
    for context in root.iter("context"):
        if context.findtext("name") == CONTEXT:
            return {m.findtext("source") or "": m for m in context.iter("message")}
    raise AssertionError(f"no {CONTEXT} context in till_vi.ts")


def _missing(texts: set[str]) -> list[str]:
    """Texts without a finished Vietnamese translation, or not listed for Qt Linguist in app/ui."""
    catalogue = _catalogue()
    missing = []
    for text in sorted(texts):
        message = catalogue.get(text)
        translation = message.find("translation") if message is not None else None
        finished = translation is not None and translation.get("type") is None and bool(translation.text)
        if not finished or text not in LISTED:
            missing.append(text)
    return missing


def _scan() -> tuple[set[str], list[str]]:
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in _source_files()}
    classes = _error_classes(trees)
    what_at: dict[str, int] = {}
    texts: set[str] = set()
    for tree in trees.values():
        positions, defaults = _what_parameters(tree)
        what_at |= positions
        texts |= defaults
    untranslatable: list[str] = []
    for path, tree in trees.items():
        found, bad = _details(tree, classes, what_at)
        texts |= found
        untranslatable += [f"{path.relative_to(ROOT)}: {b}" for b in bad]
    return texts, untranslatable


def test_every_detail_an_error_gives_the_cashier_has_vietnamese() -> None:
    texts, untranslatable = _scan()
    assert {"Phone number", "it is empty", "it is longer than {limit} characters"} <= texts  # the scan sees
    assert untranslatable == []
    assert _missing(texts) == []


def test_words_that_come_from_the_data_have_vietnamese() -> None:
    """Statuses and periods are filled in from the database and the program, not written at a raise site
    (names of tiers, rewards and actions are the store's own words and stay as written)."""
    words = {s for s in MEMBER_STATUSES + CARD_STATUSES if s != "active"}
    words |= set(get_args(Period)) | {p.value for p in Permission}
    assert _missing(words) == []


def test_the_scan_refuses_an_f_string_and_an_untranslated_detail() -> None:
    tree = ast.parse(
        "def check(n: int) -> None:\n"
        "    raise InvalidInput(what='Phone number', why=f'it is longer than {n} characters')\n"
        "def other() -> None:\n"
        "    raise InvalidInput(what='Shoe size', why=Detail('it is {n} sizes too big', n=2))\n"
    )
    texts, untranslatable = _details(tree, {"InvalidInput": InvalidInput}, {})
    assert len(untranslatable) == 1 and "f-string" in untranslatable[0]
    assert _missing(texts) == ["Shoe size", "it is {n} sizes too big"]


def test_a_detail_reads_in_english_as_the_f_string_did() -> None:
    with pytest.raises(InvalidInput) as phone:
        normalize_phone("0" * 40)
    assert phone.value.message == "Phone number is not valid: it is longer than 32 characters"
    with pytest.raises(InvalidAmount) as zero:
        check_sale_amount(Money(0), "VND")
    assert zero.value.message == "The amount 0 is not valid: the sale amount must be more than zero"
    assert str(Detail("{region} is not a country code such as VN", region=repr("XX"))) == (
        "'XX' is not a country code such as VN"
    )
    assert Detail("a {x}", x=1) == Detail("a {x}", x=1) != Detail("a {x}", x=2)


@pytest.fixture
def vietnamese(qtbot: QtBot) -> Iterator[Language]:
    lang = Language()
    assert lang.set("vi")
    yield lang
    lang.set("en")
    lang.release()


def test_the_cashier_reads_the_whole_sentence_in_vietnamese(vietnamese: Language) -> None:
    with pytest.raises(InvalidInput) as phone:
        normalize_phone("0" * 40)
    assert sentence(phone.value) == "Số điện thoại không hợp lệ: dài quá 32 ký tự"
    with pytest.raises(InvalidAmount) as zero:
        check_sale_amount(Money(0), "VND")
    assert sentence(zero.value) == "Số tiền 0 không hợp lệ: số tiền bán hàng phải lớn hơn 0"
    with pytest.raises(LoyaltyError) as refund:
        plan_return(
            sale_amount=100_000,
            earned_points=100,
            redeemed_points=0,
            refunded_before=60_000,
            refund_now=50_000,
            restore_redeemed=False,
        )
    assert sentence(refund.value) == (
        "Không thể xử lý trả hàng này: hóa đơn này chỉ còn được hoàn tối đa 40000"
    )
    share = Detail(
        "points may pay at most {percent}% of this bill, {limit} ({paid} already paid with points)",
        percent=50,
        limit=62500,
        paid=10000,
    )
    assert sentence(RedemptionNotAllowed(why=share)) == (
        "Không thể đổi số điểm này: điểm chỉ được trả tối đa 50% hóa đơn này, tức 62500 "
        "(đã trả 10000 bằng điểm)"
    )
    assert sentence(MemberInactive(member="1000017", status="merged")) == (
        "Hội viên 1000017 đã được gộp vào hội viên khác, không thể tích hay dùng điểm."
    )
    assert sentence(ActionCapReached(action="Survey", count=1, period="ever", cap=1)) == (
        "Survey đã ghi nhận 1 lần từ trước đến nay; giới hạn là 1."
    )


def test_a_detail_without_vietnamese_falls_back_to_its_english_values(vietnamese: Language) -> None:
    err = InvalidInput(what="Phone number", why=Detail("it has {n} stray marks", n=3))
    assert sentence(err) == "Số điện thoại không hợp lệ: it has 3 stray marks"
