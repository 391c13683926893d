"""SUN URLs as an NTAG 424 DNA writes them (NXP AN12196): what the Type 4 simulator mirrors into its NDEF URL.

The tag encrypts PICCData = ``C7 || UID || SDMReadCtr (LSB first) || 5 random bytes`` with the SDM meta read
key (AES-128-CBC, zero IV) and MACs the mirrored text (empty here: the MAC input starts right at the MAC) with
the session key derived from the SDM file read key. The session key and MAC truncation are the till's own
(``devices.sun.session_keys``/``sdm_mac``); the encryption is the tag's side, which the till never does, and
is written here. ``tests/devices/test_nfc_sim.py`` checks it against AN12196's published example.
"""

from __future__ import annotations

import os

from Crypto.Cipher import AES

from devices.base import SunKeys
from devices.sun import UID_SIZE, sdm_mac, session_keys

PICC_DATA_TAG = 0xC7  # UID mirrored, counter mirrored, UID length 7


def encrypt_picc_data(uid: bytes, counter: int, meta_read_key: bytes, padding: bytes | None = None) -> bytes:
    if len(uid) != UID_SIZE:
        raise ValueError("an NTAG 424 DNA UID is 7 bytes")
    pad = os.urandom(5) if padding is None else padding
    plain = bytes([PICC_DATA_TAG]) + uid + counter.to_bytes(3, "little") + pad
    return AES.new(meta_read_key, AES.MODE_CBC, iv=bytes(16)).encrypt(plain)


def sun_url(base: str, uid: bytes, counter: int, keys: SunKeys, *, padding: bytes | None = None) -> str:
    """``<base>?e=<PICCENCData>&c=<SDMMAC>`` (upper-case hex, as the tag mirrors it)."""
    picc = encrypt_picc_data(uid, counter, keys.meta_read_key, padding)
    _, mac_key = session_keys(keys.file_read_key, uid, counter)
    mac = sdm_mac(mac_key, b"")
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}e={picc.hex().upper()}&c={mac.hex().upper()}"
