"""The till window (PySide6): views over small view-models, service calls through one op runner.

``app.ui.launch.run_window`` is what ``python -m app`` opens; nothing else of the project imports Qt.
"""
