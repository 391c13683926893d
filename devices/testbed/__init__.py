"""Test beds for the card readers: what the device tests and the reader benchmarks tap cards on.

- ``pcsc``: the PC/SC rig, a private pcscd with vsmartcard's virtual reader and virtual cards written here;
- ``nfc``: contactless tags simulated here, spoken to through nfcpy's UDP driver.

Only tests/ and bench/ import this package (an import-linter contract in pyproject.toml holds the rest of the
project to that): nothing of the till depends on it. It ships with the package so that ``loyalty-bench``
can measure the readers outside a source checkout; the rig still needs the system's pcscd and vsmartcard.
"""
