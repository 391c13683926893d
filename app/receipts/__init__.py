"""Receipts: one model of what a customer takes away after a sale, a return or an action, rendered three
ways (the slip on screen and the PDF in ``app.ui``, ESC/POS paper here).

Nothing in this package imports Qt: the model, the labels, the row layout and the printer code run in
tests and on the printer's thread without a ``QApplication``.
"""
