"""Language and numbers on screen: Qt Linguist catalogues switched at run time, money and points through
QLocale.

The source strings are English; ``resources/translations/till_vi.ts`` holds the Vietnamese (built to
``.qm`` by the install step). Installing or removing a translator makes Qt send every widget a
``LanguageChange`` event, and each view retranslates itself, so switching needs no restart.
"""

from __future__ import annotations

import logging
from pathlib import Path

import phonenumbers
from PySide6.QtCore import QCoreApplication, QLocale, QObject, QTranslator, Signal

from loyalty.money import exponent

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "resources" / "translations"
VIETNAMESE = "vi"
ENGLISH = "en"
LANGUAGES = (VIETNAMESE, ENGLISH)
CURRENCY_SYMBOLS = {"VND": "₫", "USD": "$", "EUR": "€"}


def locale_for(language: str) -> QLocale:
    if language == VIETNAMESE:
        return QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


class Language(QObject):
    """The language of the window: one translator, swapped in and out of the application."""

    changed = Signal(str)

    def __init__(self, directory: Path = TRANSLATIONS_DIR, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.directory = directory
        self.code = ENGLISH
        self._translator: QTranslator | None = None

    def set(self, code: str) -> bool:
        """Switch to ``code`` ('vi' or 'en'). False when its catalogue is missing (the window stays in
        English and the log says why)."""
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {code!r}")
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("create the QApplication first")
        translator: QTranslator | None = None
        if code != ENGLISH:
            translator = QTranslator(self)
            path = self.directory / f"till_{code}.qm"
            if not translator.load(str(path)):
                log.warning("translation %s is missing (run make): the window stays in English", path)
                return False
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
            self._translator.deleteLater()
        self._translator = translator
        QLocale.setDefault(locale_for(code))
        self.code = code
        if translator is not None:
            QCoreApplication.installTranslator(translator)
        self.changed.emit(code)
        return True

    def release(self) -> None:
        """Take this language's translator out of the application (the window is closing)."""
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
            self._translator = None

    def toggle(self) -> bool:
        return self.set(ENGLISH if self.code == VIETNAMESE else VIETNAMESE)


def points(value: int) -> str:
    """Points in the window's locale: 1.250 in Vietnamese, 1,250 in English."""
    return QLocale().toString(value)


def money(amount: int, currency: str = "VND") -> str:
    """An amount in minor units, exactly (no floats): 1.250.000 ₫ in Vietnamese."""
    loc = QLocale()
    places = exponent(currency)
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10**places) if places else (abs(amount), 0)
    text = loc.toString(whole)
    if places:
        text += loc.decimalPoint() + str(frac).rjust(places, "0")
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return f"{sign}{text} {symbol}"


def parse_points(text: str) -> int | None:
    """Digits typed by a cashier, with or without grouping (1.000 or 1,000); None when it is not a count."""
    cleaned = text.strip().replace(".", "").replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > 9:
        return None
    return int(cleaned)


def phone(e164: str | None, region: str) -> str:
    """A stored (E.164) number as people of the store's country write it: 0901 234 567 in Vietnam."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def amount_text(amount: int, currency: str) -> str:
    """An amount as the cashier would type it (no currency sign): 450.000 in Vietnamese, 450,000 in
    English; two-decimal currencies as 12.50."""
    places = exponent(currency)
    if places == 0:
        return QLocale().toString(amount)
    whole, frac = divmod(amount, 10**places)
    return f"{whole}.{str(frac).rjust(places, '0')}"
