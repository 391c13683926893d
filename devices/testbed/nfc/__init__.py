"""Contactless tags simulated in this project, spoken to through nfcpy's UDP driver (``udp:<host>:<port>``).

nfcpy's UDP driver sends each frame as one datagram, ``b"<brty> <hex>"`` — the bit rate and technology
(``106A``, ``212F``, ``424F``) and the frame as hex, without CRC — and reads the answer the same way. It
opens a fresh socket for every discovery round and, when it had talked to someone, says ``RFOFF`` before
closing it: the field went off. A simulator is whatever answers those datagrams like a card would:

- ``UdpField`` is the space in front of the reader: a UDP server on 127.0.0.1 with at most one tag in it,
  which tests place and remove while the reader polls (``field.py``);
- ``Ntag213`` (Type 2), ``MifareClassic`` (UID only) and ``Type4Tag`` (ISO-DEP, NDEF application, an
  NTAG 424 DNA with SUN when asked) are tags written here (``type2.py``, ``type4.py``) on a shared
  ISO 14443-3A anticollision core (``type_a.py``);
- ``Disappearing`` wraps a tag that leaves the field after N commands, ``StallingType4Tag`` never finishes
  sending its NDEF message (``faults.py``);
- ``FelicaLiteS`` is a Type 3 tag emulated by nfcpy itself (card mode over its UDP driver, ``type3.py``).
"""

from devices.testbed.nfc.faults import Disappearing, StallingType4Tag
from devices.testbed.nfc.field import UdpField
from devices.testbed.nfc.sun import sun_url
from devices.testbed.nfc.type2 import MifareClassic, Ntag213, ntag213_memory
from devices.testbed.nfc.type3 import FelicaLiteS
from devices.testbed.nfc.type4 import Type4Tag

__all__ = [
    "Disappearing",
    "FelicaLiteS",
    "MifareClassic",
    "Ntag213",
    "StallingType4Tag",
    "Type4Tag",
    "UdpField",
    "ntag213_memory",
    "sun_url",
]
