"""Device tests share one private pcscd (tests/devices/rig/).

libpcsclite reads PCSCLITE_CSOCK_NAME once per process, the first time anything talks PC/SC (even a
``discover()`` in an unrelated test), so the rig's socket path is claimed here, while pytest collects and
before any test runs. Every PC/SC client of the session — pyscard in this process and ``python -m devices``
subprocesses — then talks to the rig's daemon, never to a system pcscd or a real reader.
"""

from __future__ import annotations

from tests.devices.rig.pcscd import claim_client_socket

claim_client_socket()

from tests.devices.rig.fixtures import pcsc_rig, pcsc_session  # noqa: E402, F401 - fixtures, after the claim
