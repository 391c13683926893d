"""The look: a high-contrast style sheet (``resources/themes``) and a font that has Vietnamese glyphs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

THEMES_DIR = Path(__file__).resolve().parents[2] / "resources" / "themes"
HIGH_CONTRAST = THEMES_DIR / "high_contrast.qss"
# Fonts that cover Vietnamese (Latin Extended Additional: ạ ả ấ ầ ẩ ẫ ậ … ỹ), best first.
VIETNAMESE_FONTS = ("Noto Sans", "DejaVu Sans", "Liberation Sans", "Segoe UI", "Arial")


def apply_theme(app: QApplication, path: Path = HIGH_CONTRAST) -> None:
    families = set(QFontDatabase.families())
    for family in VIETNAMESE_FONTS:
        if family in families:
            font = QFont(family)
            font.setPointSize(13)
            app.setFont(font)
            break
    app.setStyleSheet(path.read_text(encoding="utf-8"))


def set_property(widget: QWidget, name: str, value: object) -> None:
    """Change a dynamic property the style sheet reads, and let the style see it."""
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
