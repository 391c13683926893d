"""Receipts as ESC/POS bytes (python-escpos's Dummy printer), on a file printer, and on a network printer
played by a real TCP socket on 127.0.0.1 that answers the status query like a printer does."""

from __future__ import annotations

import socket
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.receipts.escpos import (
    PrinterProblem,
    PrinterSpec,
    columns,
    parse_printer,
    print_receipt,
    receipt_bytes,
    vietnamese_code_page,
)
from app.receipts.model import EarnLine, Receipt, StoreHeader, build_receipt
from app.receipts.setup import receipt_setup
from app.receipts.vietnamese import fold_ascii, to_cp1258, width
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till

ESC, GS, DLE, EOT = b"\x1b", b"\x1d", b"\x10", b"\x04"
INIT = ESC + b"@"
CP1258_ON_EPSON = ESC + b"t" + bytes([52])  # ESC t n: the slot the Epson profiles give Windows-1258
BOLD, PLAIN = ESC + b"E\x01", ESC + b"E\x00"
CUT = ESC + b"d\x06" + GS + b"V\x00"  # feed six lines, full cut
PAPER_QUERY = DLE + EOT + b"\x04"  # DLE EOT 4: the paper sensor's status
PAPER_OK, PAPER_OUT = b"\x12", b"\x7e"

KNOWN_SALE = Receipt(
    kind="sale",
    store=StoreHeader("Cửa hàng Lan", "till-1"),
    number="000042",
    issued_at=datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    cashier="Mai",
    member_number="•••• 0016",
    currency="VND",
    receipt_ref="HD2001",
    bill=Money(450_000),
    earned=45,
    breakdown=(EarnLine("base", "", 45),),
    balance=95,
    balance_value=Money(95_000),
)


def test_the_bytes_of_a_known_sale_in_vietnamese_on_an_epson_tm_t88v() -> None:
    rule = b"-" * 42 + b"\n"
    expected = b"".join(
        [
            INIT,
            CP1258_ON_EPSON,
            # The store's name: double height, bold, centred on 42 columns; Windows-1258 keeps ử as ư + hook.
            ESC + b"!\x00" + ESC + b"!\x00" + ESC + b"!\x10" + BOLD + ESC + b"a\x00",
            b" " * 15 + b"C\xfd\xd2a h\xe0ng Lan\n",
            ESC + b"!\x00" + ESC + b"!\x00" + ESC + b"!\x00" + PLAIN,
            BOLD + b" " * 13 + b"PHI\xca\xecU T\xcdCH \xd0I\xca\xd2M\n" + PLAIN,  # PHIẾU TÍCH ĐIỂM
            rule,
            b"Qu\xe2\xccy" + b" " * 32 + b"till-1\n",  # Quầy
            b"S\xf4\xec phi\xea\xecu" + b" " * 28 + b"000042\n",  # Số phiếu
            b"S\xf4\xec h\xf3a \xf0\xf5n" + b" " * 26 + b"HD2001\n",  # Số hóa đơn
            b"Ng\xe0y" + b" " * 22 + b"02/03/2026 10:00\n",
            b"Thu ng\xe2n" + b" " * 31 + b"Mai\n",
            b"The\xd2 th\xe0nh vi\xean" + b" " * 19 + b"\x95\x95\x95\x95 0016\n",  # Thẻ thành viên •••• 0016
            rule,
            b"T\xf4\xd2ng h\xf3a \xf0\xf5n" + b" " * 21 + b"450.000 \xfe\n",  # Tổng hóa đơn 450.000 ₫
            BOLD + b"\xd0i\xea\xd2m t\xedch lu\xdey" + b" " * 26 + b"+45\n" + PLAIN,  # Điểm tích lũy
            b"  \xd0i\xea\xd2m c\xf5 ba\xd2n" + b" " * 26 + b"+45\n",  # Điểm cơ bản, indented
            rule,
            BOLD + b"S\xf4\xec d\xfd \xf0i\xea\xd2m" + b" " * 30 + b"95\n" + PLAIN,  # Số dư điểm
            b"Tri\xf2 gi\xe1" + b" " * 27 + b"95.000 \xfe\n",  # Trị giá
            rule,
            b" " * 12 + b"Ca\xd2m \xf5n quy\xec kh\xe1ch!\n",  # Cảm ơn quý khách!
            CUT,
        ]
    )
    assert receipt_bytes(KNOWN_SALE, "vi", "TM-T88V") == expected


def test_the_same_sale_in_english_is_plain_ascii_after_the_code_page() -> None:
    data = receipt_bytes(KNOWN_SALE, "en", "TM-T88V")
    assert data.startswith(INIT + CP1258_ON_EPSON) and data.endswith(CUT)
    assert b"LOYALTY RECEIPT" in data and b"Bill total" + b" " * 23 + b"450,000 \xfe\n" in data
    assert b"C\xfd\xd2a h\xe0ng Lan" in data  # the store's own name stays Vietnamese


def test_the_folded_mode_prints_the_text_without_diacritics() -> None:
    assert vietnamese_code_page("ZJ-5870") is None and columns("ZJ-5870") == 32
    data = receipt_bytes(KNOWN_SALE, "vi", "ZJ-5870", "folded")  # auto would send it as an image
    assert CP1258_ON_EPSON not in data
    text = data.replace(ESC + b"t\x00", b"")  # the profile's first code page, chosen for plain ASCII
    assert all(byte < 0x80 for byte in text)
    assert b"PHIEU TICH DIEM" in data and b"Diem tich luy" in data and b"450.000 d\n" in data
    assert b"**** 0016" in data
    assert all(len(line) <= 32 for line in _text_lines(data))


def _text_lines(data: bytes) -> list[bytes]:
    """The printed lines, with the ESC/GS commands taken out."""
    out = []
    for raw in data.split(b"\n"):
        line = raw
        for command in (
            b"\x1b!\x00",
            b"\x1b!\x10",
            b"\x1bE\x01",
            b"\x1bE\x00",
            b"\x1ba\x00",
            b"\x1b@",
            b"\x1bt\x00",
        ):
            line = line.replace(command, b"")
        out.append(line)
    return out


def test_a_long_line_wraps_within_the_roll() -> None:
    long = replace(
        KNOWN_SALE,
        store=StoreHeader("Siêu thị Thành Viên — Chi nhánh Quận Bình Thạnh, Thành phố Hồ Chí Minh", "till-1"),
        cashier="Nguyễn Thị Phương Thảo Ngọc Bích",
    )
    data = receipt_bytes(long, "vi", "ZJ-5870", "folded")
    assert all(len(line) <= 32 for line in _text_lines(data))
    assert b"Sieu thi Thanh Vien - Chi nhanh\n Quan Binh Thanh," in data  # wrapped, then centred


def test_a_sale_from_the_services_prints_its_numbers(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Nguyễn Thị Lan").member
    award = till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(250_000)), "HD-1")
    program = till.svc.programs.active()
    receipt = build_receipt([award], program=program, store=StoreHeader(program.name, "t1"), cashier="Mai")
    data = receipt_bytes(receipt, "vi")  # the default profile: Epson's, with Windows-1258
    assert data.startswith(INIT + CP1258_ON_EPSON) and data.endswith(CUT)
    assert to_cp1258("Điểm tích lũy").encode("cp1258") in data
    assert b"+25\n" in data and b"250.000 \xfe\n" in data
    assert b" 75\n" in data  # the new balance: 50 welcome + 25
    assert member.member_number.encode() not in data and b"Nguy" not in data


def test_a_file_printer_gets_exactly_the_receipts_bytes(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    spec = parse_printer(f"file:{device}", "TM-T88V")
    sent = print_receipt(spec, KNOWN_SALE, "vi")
    assert device.read_bytes() == sent == receipt_bytes(KNOWN_SALE, "vi", "TM-T88V")


def test_an_unplugged_file_printer_is_unreachable(tmp_path: Path) -> None:
    spec = parse_printer(f"file:{tmp_path / 'gone' / 'lp0'}")
    with pytest.raises(PrinterProblem) as caught:
        print_receipt(spec, KNOWN_SALE, "vi")
    assert caught.value.reason == "unreachable"


def test_a_usb_printer_that_is_not_plugged_in_is_unreachable() -> None:
    spec = parse_printer("usb:04b8:0e15")  # an Epson TM-T20II's ids; no such device on this machine
    with pytest.raises(PrinterProblem) as caught:
        print_receipt(spec, KNOWN_SALE, "vi")
    assert caught.value.reason == "unreachable"


@dataclass
class FakePrinter:
    """A printer's TCP port: answers DLE EOT 4 with ``status`` (or not at all), keeps what it is sent."""

    status: bytes | None
    server: socket.socket = field(default_factory=lambda: socket.create_server(("127.0.0.1", 0)))
    received: bytearray = field(default_factory=bytearray)
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def port(self) -> int:
        return int(self.server.getsockname()[1])

    def serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            while chunk := conn.recv(4096):
                self.received += chunk
                if chunk.endswith(PAPER_QUERY) and self.status is not None:
                    conn.sendall(self.status)
        self.done.set()


@pytest.fixture
def printer_port() -> Iterator[list[FakePrinter]]:
    started: list[FakePrinter] = []
    yield started
    for printer in started:
        printer.server.close()


def _start(started: list[FakePrinter], status: bytes | None) -> FakePrinter:
    printer = FakePrinter(status)
    threading.Thread(target=printer.serve, daemon=True).start()
    started.append(printer)
    return printer


def test_a_network_printer_is_asked_for_paper_then_gets_the_receipt(printer_port: list[FakePrinter]) -> None:
    printer = _start(printer_port, PAPER_OK)
    sent = print_receipt(parse_printer(f"network:127.0.0.1:{printer.port}"), KNOWN_SALE, "vi")
    assert printer.done.wait(30)
    assert bytes(printer.received) == PAPER_QUERY + sent


def test_a_network_printer_out_of_paper_gets_nothing_to_print(printer_port: list[FakePrinter]) -> None:
    printer = _start(printer_port, PAPER_OUT)
    with pytest.raises(PrinterProblem) as caught:
        print_receipt(parse_printer(f"network:127.0.0.1:{printer.port}"), KNOWN_SALE, "vi")
    assert caught.value.reason == "paper_out"
    assert printer.done.wait(30)
    assert bytes(printer.received) == PAPER_QUERY


def test_a_printer_that_does_not_report_its_paper_still_prints(printer_port: list[FakePrinter]) -> None:
    printer = _start(printer_port, None)
    spec = replace(parse_printer(f"network:127.0.0.1:{printer.port}"), timeout=0.5)
    sent = print_receipt(spec, KNOWN_SALE, "vi")
    assert printer.done.wait(30)
    assert bytes(printer.received) == PAPER_QUERY + sent


def test_a_switched_off_network_printer_is_unreachable() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    with pytest.raises(PrinterProblem) as caught:
        print_receipt(parse_printer(f"network:127.0.0.1:{port}"), KNOWN_SALE, "vi")
    assert caught.value.reason == "unreachable"


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("usb:04b8:0202", PrinterSpec("usb:04b8:0202", "usb", vendor_id=0x04B8, product_id=0x0202)),
        ("network:192.168.1.50", PrinterSpec("network:192.168.1.50", "network", host="192.168.1.50")),
        (
            "network:printer.local:9101",
            PrinterSpec("network:printer.local:9101", "network", host="printer.local", port=9101),
        ),
        ("network:[::1]:9100", PrinterSpec("network:[::1]:9100", "network", host="::1")),
        ("file:/dev/usb/lp0", PrinterSpec("file:/dev/usb/lp0", "file", path="/dev/usb/lp0")),
    ],
)
def test_printer_uris(uri: str, expected: PrinterSpec) -> None:
    assert parse_printer(uri) == expected


@pytest.mark.parametrize(
    "uri", ["lp0", "usb:04b8", "usb:0:0", "network:", "network:host:99999", "file:", "serial:COM1"]
)
def test_what_is_not_a_printer_is_said(uri: str) -> None:
    with pytest.raises(ValueError, match=r"printer|port|ids"):
        parse_printer(uri)


def test_an_unknown_profile_is_said() -> None:
    with pytest.raises(ValueError, match="profile"):
        parse_printer("file:/dev/usb/lp0", "TM-NOPE")


def test_the_setup_comes_from_the_command_line_else_the_environment() -> None:
    env = {
        "LOYALTY_PRINTER": "network:10.0.0.9",
        "LOYALTY_PRINTER_PROFILE": "TM-T20II",
        "LOYALTY_STORE_ADDRESS": "12 Lê Lợi, Quận 1; TP. Hồ Chí Minh",
    }
    setup = receipt_setup(environ=env)
    assert setup.printer == PrinterSpec("network:10.0.0.9", "network", host="10.0.0.9", profile="TM-T20II")
    assert setup.address == ("12 Lê Lợi, Quận 1", "TP. Hồ Chí Minh")
    chosen = receipt_setup("file:/dev/usb/lp1", "default", environ=env)
    assert chosen.printer is not None and chosen.printer.path == "/dev/usb/lp1"
    assert chosen.printer.profile == "default"
    assert receipt_setup(environ={}).printer is None
    with pytest.raises(ValueError, match="LOYALTY_STORE_ADDRESS"):
        receipt_setup(environ={"LOYALTY_STORE_ADDRESS": ";".join(["x"] * 5)})


# -- Vietnamese on paper -----------------------------------------------------------------------------------
VIETNAMESE_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy" + "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
VIETNAMESE_TEXT = st.text(
    alphabet=VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + " 0123456789.,:", max_size=60
)


@given(VIETNAMESE_TEXT)
def test_vietnamese_round_trips_through_windows_1258(text: str) -> None:
    encoded = to_cp1258(text).encode("cp1258")  # never raises: every letter has a form in the code page
    assert unicodedata.normalize("NFC", encoded.decode("cp1258")) == unicodedata.normalize("NFC", text)
    assert width(to_cp1258(text)) == len(unicodedata.normalize("NFC", text))


@given(VIETNAMESE_TEXT)
def test_the_fallback_keeps_every_letter_without_its_marks(text: str) -> None:
    folded = fold_ascii(text)
    assert folded.isascii() and "?" not in folded
    assert len(folded) == len(unicodedata.normalize("NFC", text))


def test_known_words_in_both_forms() -> None:
    assert to_cp1258("Điểm").encode("cp1258") == b"\xd0i\xea\xd2m"  # Đ, i, ê + hook above, m
    assert (
        fold_ascii("Nguyễn Thị Lan — 1.250.000\u00a0₫ •••• 0016") == "Nguyen Thi Lan - 1.250.000 d **** 0016"
    )
