"""Device tests share one private pcscd (the PC/SC rig of devices/testbed/pcsc/).

libpcsclite reads PCSCLITE_CSOCK_NAME once per process, the first time anything talks PC/SC (even a
``discover()`` in an unrelated test), so the rig's socket path is claimed here, while pytest collects and
before any test runs. Every PC/SC client of the session — pyscard in this process and ``python -m devices``
subprocesses — then talks to the rig's daemon, never to a system pcscd or a real reader.

``pcsc_session`` runs one private pcscd for the whole session; ``pcsc_rig`` hands it to a test with no card on
any reader and the daemon running, and puts it back that way afterwards (a test may stop or kill pcscd).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from devices.testbed.pcsc.pcscd import SOCKET_ENV, PcscdDaemon, PcscRig, SystemParts, claim_client_socket

claim_client_socket()


@pytest.fixture(scope="session")
def pcsc_session() -> Iterator[PcscRig]:
    parts = SystemParts.find()
    missing = parts.missing()
    if missing:
        hint = f"missing {', '.join(missing)}: run `make system-deps` as root (apt-get install {' '.join(missing)})"
        if os.geteuid() != 0:
            pytest.skip(f"PC/SC rig unavailable, {hint}")
        pytest.fail(f"PC/SC rig: {hint}")
    rig_dir = claim_client_socket()
    daemon = PcscdDaemon(parts, rig_dir, debug=bool(os.environ.get("PCSC_RIG_DEBUG")))
    if os.environ.get(SOCKET_ENV) != str(daemon.socket_path):
        pytest.fail(f"{SOCKET_ENV} does not point at the rig's pcscd; was it changed after collection?")
    rig = PcscRig(daemon)
    rig.start_pcscd()
    try:
        yield rig
    finally:
        rig.close()


@pytest.fixture
def pcsc_rig(pcsc_session: PcscRig) -> Iterator[PcscRig]:
    pcsc_session.remove_all()
    pcsc_session.start_pcscd()
    yield pcsc_session
    pcsc_session.remove_all()
    pcsc_session.start_pcscd()
