"""The receipt as a Qt document: the HTML the on-screen slip shows, and the same page as a PDF.

Both draw the rows of ``app.receipts.layout`` with the window's number formats (QLocale), so the slip,
the PDF and the paper say the same thing. The PDF uses Qt's own PDF writer, which embeds the glyphs it
draws: the font is one that has Vietnamese (DejaVu Sans, which ``make`` installs, or Noto Sans).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QDate, QDateTime, QIODevice, QLocale, QMarginsF, QSizeF, QTime
from PySide6.QtGui import QFont, QFontDatabase, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from app.receipts.labels import ENGLISH, VIETNAMESE
from app.receipts.layout import Row, receipt_rows
from app.receipts.model import Receipt
from app.ui.i18n import money, points
from app.ui.theme import VIETNAMESE_FONTS
from loyalty.money import Money

PAPER_WIDTH_MM = 80.0  # the common receipt roll
MARGIN_MM = 4.0
PDF_DPI = 300
SCREEN_DPI = 96.0  # the document is laid out in these pixels, then scaled to the writer's resolution
PDF_FONT_POINTS = 8.5


def window_language() -> str:
    """The receipt language that follows the window's: its locale is set with its translator."""
    return VIETNAMESE if QLocale().language() == QLocale.Language.Vietnamese else ENGLISH


@dataclass(frozen=True, slots=True)
class QtFormats:
    """Money, points and dates as the window writes them (``app.ui.i18n``, QLocale)."""

    def money(self, value: Money) -> str:
        return money(value.amount, value.currency)

    def points(self, value: int) -> str:
        return points(value)

    def date(self, value: date) -> str:
        return QLocale().toString(QDate(value.year, value.month, value.day), "dd/MM/yyyy")

    def datetime(self, value: datetime) -> str:
        moment = QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute))
        return QLocale().toString(moment, "dd/MM/yyyy HH:mm")


def receipt_font_family() -> str:
    """A family that has Vietnamese glyphs: the theme's first choice that is installed, else any."""
    vietnamese = set(QFontDatabase.families(QFontDatabase.WritingSystem.Vietnamese))
    for family in VIETNAMESE_FONTS:
        if family in vietnamese:
            return family
    return sorted(vietnamese)[0] if vietnamese else QFont().family()


def _cell(text: str) -> str:
    return html.escape(text, quote=False)


def receipt_html(rows: list[Row]) -> str:
    """The rows as a narrow HTML page: a table of label and value, rules between the parts."""
    out = ["<table width='100%' cellspacing='0' cellpadding='1'>"]
    for row in rows:
        left, right = _cell(row.left), _cell(row.right)
        if row.style == "title":
            out.append(f"<tr><td colspan='2' align='center' style='font-size:large'><b>{left}</b></td></tr>")
        elif row.style == "heading":
            out.append(f"<tr><td colspan='2' align='center'><b>{left}</b></td></tr>")
        elif row.style == "center":
            out.append(f"<tr><td colspan='2' align='center'>{left}</td></tr>")
        elif row.style == "note":
            out.append(f"<tr><td colspan='2'><i>{left}</i></td></tr>")
        elif row.style == "rule":
            out.append("<tr><td colspan='2'><hr/></td></tr>")
        elif row.style == "total":
            out.append(f"<tr><td><b>{left}</b></td><td align='right'><b>{right}</b></td></tr>")
        elif row.style == "detail":
            out.append(f"<tr><td style='padding-left:12px'>{left}</td><td align='right'>{right}</td></tr>")
        else:
            out.append(f"<tr><td>{left}</td><td align='right'>{right}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _document(receipt: Receipt, language: str, width_px: float) -> QTextDocument:
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    font = QFont(receipt_font_family())
    font.setPointSizeF(PDF_FONT_POINTS)
    doc.setDefaultFont(font)
    doc.setHtml(receipt_html(receipt_rows(receipt, language, QtFormats())))
    doc.setTextWidth(width_px)
    return doc


def render_pdf(receipt: Receipt, language: str) -> bytes:
    """One page as wide as a receipt roll and as tall as the receipt. Drawing only (UI thread); the
    caller writes the bytes to disk elsewhere."""
    mm_to_px = SCREEN_DPI / 25.4
    doc = _document(receipt, language, (PAPER_WIDTH_MM - 2 * MARGIN_MM) * mm_to_px)
    height_mm = doc.size().height() / mm_to_px + 2 * MARGIN_MM
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(receipt.store.name)
    writer.setCreator("Loyalty Till")
    writer.setResolution(PDF_DPI)
    writer.setPageSize(QPageSize(QSizeF(PAPER_WIDTH_MM, height_mm), QPageSize.Unit.Millimeter, "receipt"))
    writer.setPageMargins(QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter)
    painter = QPainter(writer)
    try:
        scale = PDF_DPI / SCREEN_DPI
        painter.scale(scale, scale)
        doc.drawContents(painter)
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def pdf_name(receipt: Receipt) -> str:
    """``20260302-1000-till-1-000042.pdf``: sorts by time, one file per receipt (saved again, replaced)."""
    till = "".join(c if c.isalnum() or c in "-_" else "_" for c in receipt.store.till)
    return f"{receipt.issued_at:%Y%m%d-%H%M}-{till}-{receipt.number}.pdf"


def write_pdf(folder: Path, name: str, data: bytes) -> Path:
    """Write the PDF (any thread): to a temporary name first, so a half-written file never looks done."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    partial = path.with_suffix(".pdf.part")
    partial.write_bytes(data)
    partial.replace(path)
    return path
