"""Questions to the cashier. Qt has no Vietnamese catalogue for its standard buttons (Yes, No, Cancel), so
every dialog names its buttons itself, with the action they take, through our own translations."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget


def confirm(parent: QWidget, title: str, text: str, yes: str, no: str) -> bool:
    """Ask; True when the cashier chose ``yes``. Enter and Esc both mean ``no``: the safe answer."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    yes_button: QPushButton = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button: QPushButton = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    yes_button.setAccessibleName(yes)
    no_button.setAccessibleName(no)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
