"""A member's exported data as a readable PDF: the same facts as the JSON export, laid out for a person.

Qt's own PDF writer embeds the glyphs it draws, with a font that has Vietnamese (as the receipts do,
``app.ui.receipt_pdf``). The words follow the window's language; money, points and dates its number formats.
Drawing happens on the UI thread; the caller writes the bytes to disk elsewhere.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QBuffer,
    QByteArray,
    QCoreApplication,
    QDate,
    QDateTime,
    QIODevice,
    QLocale,
    QMarginsF,
    QTime,
)
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from app.services.privacy import MemberExport
from app.store.types import parse_utc
from app.ui.i18n import money, points
from app.ui.receipt_pdf import receipt_font_family

CONTEXT = "PrivacyExport"
PDF_DPI = 300
MARGIN_MM = 15.0
FONT_POINTS = 9.0


def _tr(text: str) -> str:
    """A text listed with ``QT_TRANSLATE_NOOP`` (a kind of entry, a status), in the window's language."""
    return QCoreApplication.translate(CONTEXT, text)


def _when(text: str | None, zone: ZoneInfo, with_time: bool = True) -> str:
    if not text:
        return "—"
    local = parse_utc(text).astimezone(zone)
    if not with_time:
        return QLocale().toString(QDate(local.year, local.month, local.day), "dd/MM/yyyy")
    moment = QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
    return QLocale().toString(moment, "dd/MM/yyyy HH:mm")


def _day(text: str | None) -> str:
    if not text:
        return "—"
    year, month, day = (int(p) for p in text.split("-"))
    return QLocale().toString(QDate(year, month, day), "dd/MM/yyyy")


def _cell(value: object) -> str:
    return html.escape("—" if value is None or value == "" else str(value))


def _table(headers: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    head = "".join(f"<th align='left'>{_cell(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table width='100%' border='1' cellspacing='0' cellpadding='3'><tr>{head}</tr>{body}</table>"


def _h1(text: str) -> str:
    return f"<h1>{_cell(text)}</h1>"


def _h2(text: str) -> str:
    return f"<h2>{_cell(text)}</h2>"


def _p(text: str) -> str:
    return f"<p>{_cell(text)}</p>"


def _pairs(rows: Iterable[tuple[str, object]]) -> str:
    body = "".join(f"<tr><td width='35%'><b>{_cell(k)}</b></td><td>{_cell(v)}</td></tr>" for k, v in rows)
    return f"<table width='100%' cellspacing='0' cellpadding='3'>{body}</table>"


def _yes(value: bool) -> str:
    return (
        QCoreApplication.translate("PrivacyExport", "yes")
        if value
        else QCoreApplication.translate("PrivacyExport", "no")
    )


KINDS = {
    "earn": QT_TRANSLATE_NOOP("PrivacyExport", "Purchase"),
    "redeem": QT_TRANSLATE_NOOP("PrivacyExport", "Paid with points"),
    "bonus": QT_TRANSLATE_NOOP("PrivacyExport", "Bonus"),
    "action": QT_TRANSLATE_NOOP("PrivacyExport", "Action"),
    "adjust": QT_TRANSLATE_NOOP("PrivacyExport", "Adjustment"),
    "expire": QT_TRANSLATE_NOOP("PrivacyExport", "Expired"),
    "reverse": QT_TRANSLATE_NOOP("PrivacyExport", "Return"),
    "transfer": QT_TRANSLATE_NOOP("PrivacyExport", "Transfer (merge)"),
}
STATUSES = {
    "active": QT_TRANSLATE_NOOP("PrivacyExport", "active"),
    "merged": QT_TRANSLATE_NOOP("PrivacyExport", "merged into another member"),
    "erased": QT_TRANSLATE_NOOP("PrivacyExport", "personal data erased"),
}
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}  # each language named in itself


def export_html(export: MemberExport, zone: ZoneInfo) -> str:
    """The export as an HTML page (what the PDF draws)."""
    data: dict[str, Any] = export.data
    member = data["member"]
    currency = member["balance_value"]["currency"]
    out = [
        _h1(
            QCoreApplication.translate("PrivacyExport", "Personal data of member {number}").format(
                number=member["member_number"]
            )
        ),
        _p(
            QCoreApplication.translate(
                "PrivacyExport", "Exported on {when} from the loyalty program {program} (version {version})."
            ).format(
                when=_when(data["exported_at"], zone),
                program=data["program"]["name"],
                version=data["program"]["version"],
            )
        ),
        _h2(QCoreApplication.translate("PrivacyExport", "Profile")),
        _pairs(
            [
                (QCoreApplication.translate("PrivacyExport", "Name"), member["full_name"]),
                (QCoreApplication.translate("PrivacyExport", "Member number"), member["member_number"]),
                (QCoreApplication.translate("PrivacyExport", "Phone"), member["phone"]),
                (QCoreApplication.translate("PrivacyExport", "E-mail"), member["email"]),
                (QCoreApplication.translate("PrivacyExport", "Birthday"), _day(member["birthday"])),
                (
                    QCoreApplication.translate("PrivacyExport", "Status"),
                    _tr(str(STATUSES.get(member["status"], member["status"]))),
                ),
                (
                    QCoreApplication.translate("PrivacyExport", "Language"),
                    LANGUAGES.get(member["preferred_language"], member["preferred_language"]),
                ),
                (QCoreApplication.translate("PrivacyExport", "Referral code"), member["referral_code"]),
                (
                    QCoreApplication.translate("PrivacyExport", "Referred by another member"),
                    _yes(member["was_referred"]),
                ),
                (
                    QCoreApplication.translate("PrivacyExport", "Members referred"),
                    points(member["members_referred"]),
                ),
                (
                    QCoreApplication.translate("PrivacyExport", "Member since"),
                    _when(member["created_at"], zone, with_time=False),
                ),
                (
                    QCoreApplication.translate("PrivacyExport", "First purchase"),
                    _when(member["first_purchase_at"], zone, with_time=False),
                ),
            ]
        ),
        _h2(QCoreApplication.translate("PrivacyExport", "Points")),
        _pairs(
            [
                (
                    QCoreApplication.translate("PrivacyExport", "Balance"),
                    QCoreApplication.translate("PrivacyExport", "{points} points").format(
                        points=points(member["balance"])
                    ),
                ),
                (
                    QCoreApplication.translate("PrivacyExport", "Worth"),
                    money(member["balance_value"]["amount"], currency),
                ),
                (
                    QCoreApplication.translate("PrivacyExport", "Tier"),
                    "—"
                    if member["tier"] is None
                    else QCoreApplication.translate(
                        "PrivacyExport", "{name}, since {since}, reviewed on {review}"
                    ).format(
                        name=member["tier"]["name"],
                        since=_when(member["tier"]["since"], zone, with_time=False),
                        review=_when(member["tier"]["review_at"], zone, with_time=False),
                    ),
                ),
            ]
        ),
    ]
    if data["merged_records"]:
        out.append(_h2(QCoreApplication.translate("PrivacyExport", "Records merged into this member")))
        out.append(
            _table(
                [
                    QCoreApplication.translate("PrivacyExport", "Member number"),
                    QCoreApplication.translate("PrivacyExport", "Name"),
                    QCoreApplication.translate("PrivacyExport", "Phone"),
                    QCoreApplication.translate("PrivacyExport", "E-mail"),
                    QCoreApplication.translate("PrivacyExport", "Birthday"),
                ],
                [
                    [r["member_number"], r["full_name"], r["phone"], r["email"], _day(r["birthday"])]
                    for r in data["merged_records"]
                ],
            )
        )
    out.append(_h2(QCoreApplication.translate("PrivacyExport", "Consents")))
    if data["consents"]:
        language = "vi" if QLocale().language() == QLocale.Language.Vietnamese else "en"
        out.append(
            _table(
                [
                    QCoreApplication.translate("PrivacyExport", "When"),
                    QCoreApplication.translate("PrivacyExport", "Purpose"),
                    QCoreApplication.translate("PrivacyExport", "Answer"),
                    QCoreApplication.translate("PrivacyExport", "Text version"),
                    QCoreApplication.translate("PrivacyExport", "The words agreed to"),
                ],
                [
                    [
                        _when(c["recorded_at"], zone),
                        purpose_text(c["purpose"]),
                        QCoreApplication.translate("PrivacyExport", "agreed")
                        if c["granted"]
                        else QCoreApplication.translate("PrivacyExport", "refused or withdrawn"),
                        c["text_version"],
                        (c["text"] or {}).get(language),
                    ]
                    for c in data["consents"]
                ],
            )
        )
    else:
        out.append(_p(QCoreApplication.translate("PrivacyExport", "No consent was asked.")))
    out.append(_h2(QCoreApplication.translate("PrivacyExport", "Cards")))
    out.append(
        _table(
            [
                QCoreApplication.translate("PrivacyExport", "Card"),
                QCoreApplication.translate("PrivacyExport", "Kind"),
                QCoreApplication.translate("PrivacyExport", "Status"),
                QCoreApplication.translate("PrivacyExport", "Linked"),
                QCoreApplication.translate("PrivacyExport", "Changed"),
                QCoreApplication.translate("PrivacyExport", "Reason"),
            ],
            [
                [
                    c["label"],
                    c["kind"],
                    c["status"],
                    _when(c["linked_at"], zone),
                    _when(c["status_changed_at"], zone),
                    c["status_reason"],
                ]
                for c in data["cards"]
            ],
        )
        if data["cards"]
        else _p(QCoreApplication.translate("PrivacyExport", "No card."))
    )
    lots = data["points"]["lots"]
    if lots:
        out.append(_h2(QCoreApplication.translate("PrivacyExport", "Points and when they expire")))
        out.append(
            _table(
                [
                    QCoreApplication.translate("PrivacyExport", "Earned"),
                    QCoreApplication.translate("PrivacyExport", "Points"),
                    QCoreApplication.translate("PrivacyExport", "Left"),
                    QCoreApplication.translate("PrivacyExport", "Expire"),
                ],
                [
                    [
                        _when(lot["earned_at"], zone),
                        points(lot["points"]),
                        points(lot["remaining"]),
                        _when(lot["expires_at"], zone, with_time=False),
                    ]
                    for lot in lots
                ],
            )
        )
    out.append(_h2(QCoreApplication.translate("PrivacyExport", "History of points")))
    out.append(
        _table(
            [
                QCoreApplication.translate("PrivacyExport", "When"),
                QCoreApplication.translate("PrivacyExport", "What"),
                QCoreApplication.translate("PrivacyExport", "Points"),
                QCoreApplication.translate("PrivacyExport", "Amount"),
                QCoreApplication.translate("PrivacyExport", "Receipt"),
                QCoreApplication.translate("PrivacyExport", "Where"),
                QCoreApplication.translate("PrivacyExport", "Why"),
                QCoreApplication.translate("PrivacyExport", "Program"),
            ],
            [
                [
                    _when(e["at"], zone),
                    _tr(str(KINDS.get(e["kind"], e["kind"]))),
                    points(e["points"]),
                    money(e["amount"], e["currency"]) if e["amount"] is not None and e["currency"] else None,
                    e["receipt"],
                    e["channel"]
                    if e["channel"] != "till"
                    else QCoreApplication.translate("PrivacyExport", "store {store}, till {till}").format(
                        store=_short(e["store_id"]), till=_short(e["till_id"])
                    ),
                    e["reason"],
                    e["program_version"],
                ]
                for e in data["history"]
            ],
        )
        if data["history"]
        else _p(QCoreApplication.translate("PrivacyExport", "No points yet."))
    )
    if data["hints"]:
        out.append(_h2(QCoreApplication.translate("PrivacyExport", "Suggestions shown to the cashier")))
        out.append(
            _table(
                [
                    QCoreApplication.translate("PrivacyExport", "When"),
                    QCoreApplication.translate("PrivacyExport", "Suggestion"),
                    QCoreApplication.translate("PrivacyExport", "Used"),
                ],
                [[_when(h["at"], zone), h["hint"], _yes(h["used"])] for h in data["hints"]],
            )
        )
    return "".join(out)


def purpose_text(purpose: str) -> str:
    return {
        "marketing": QCoreApplication.translate("PrivacyExport", "offers and news"),
        "personalisation": QCoreApplication.translate("PrivacyExport", "offers chosen from purchases"),
    }.get(purpose, purpose)


def _short(value: str | None) -> str:
    return (value or "—")[:8]


def render_export_pdf(export: MemberExport, zone: ZoneInfo, title: str) -> bytes:
    """The export as an A4 PDF, paged by Qt (UI thread)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title)
    writer.setCreator("Loyalty Till")
    writer.setResolution(PDF_DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter)
    doc = QTextDocument()
    font = QFont(receipt_font_family())
    font.setPointSizeF(FONT_POINTS)
    doc.setDefaultFont(font)
    doc.setHtml(export_html(export, zone))
    doc.print_(writer)
    buffer.close()
    return bytes(data.data())
