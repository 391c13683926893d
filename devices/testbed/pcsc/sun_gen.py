"""NTAG 424 DNA Secure Unique NFC messages as a real tag mirrors them (NXP AN12196), for the virtual SUN card.

Written from the application note rather than borrowed from ``devices.sun``, so the tests check the verifier
against an independent implementation; ``test_sun_generator_matches_an12196`` pins it to the published vector.

Encrypted PICC data variant: ``PICCData = C7 || UID(7) || SDMReadCtr(3, little-endian) || 5 random bytes``
encrypted with AES-128-CBC (zero IV) under the SDM meta read key; the SDMMAC is the AES-CMAC of the (empty)
MAC input under a session key derived from the SDM file read key, truncated to its odd-indexed bytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from Crypto.Cipher import AES
from Crypto.Hash import CMAC

PICC_DATA_TAG = 0xC7  # UID mirrored, counter mirrored, UID length 7


def _cmac(key: bytes, data: bytes) -> bytes:
    mac = CMAC.new(key, ciphermod=AES)
    mac.update(data)
    return mac.digest()


def session_mac_key(file_read_key: bytes, uid: bytes, counter: int) -> bytes:
    """KSesSDMFileReadMAC = CMAC(KSDMFileRead, SV2), SV2 = 3CC3 0001 0080 || UID || SDMReadCtr (LE)."""
    sv2 = bytes.fromhex("3CC300010080") + uid + counter.to_bytes(3, "little")
    return _cmac(file_read_key, sv2)


def truncate_mac(full: bytes) -> bytes:
    """AN12196 truncates a CMAC to the bytes at odd positions (1, 3, ..., 15)."""
    return full[1::2]


def encrypt_picc_data(meta_read_key: bytes, uid: bytes, counter: int, padding: bytes | None = None) -> bytes:
    if len(uid) != 7:
        raise ValueError("an NTAG 424 DNA UID is 7 bytes")
    pad = os.urandom(5) if padding is None else padding
    plain = bytes([PICC_DATA_TAG]) + uid + counter.to_bytes(3, "little") + pad
    return AES.new(meta_read_key, AES.MODE_CBC, iv=bytes(16)).encrypt(plain)


def sdm_mac(file_read_key: bytes, uid: bytes, counter: int, mac_input: bytes = b"") -> bytes:
    return truncate_mac(_cmac(session_mac_key(file_read_key, uid, counter), mac_input))


@dataclass(frozen=True)
class SunMessage:
    url: str
    uid: bytes
    counter: int
    picc_enc: bytes
    mac: bytes


def sun_url(
    base: str,
    *,
    meta_read_key: bytes,
    file_read_key: bytes,
    uid: bytes,
    counter: int,
    padding: bytes | None = None,
) -> SunMessage:
    """The URL a tag configured as ``<base>?e=<PICCData>&c=<SDMMAC>`` sends on this tap."""
    enc = encrypt_picc_data(meta_read_key, uid, counter, padding)
    mac = sdm_mac(file_read_key, uid, counter)
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}e={enc.hex().upper()}&c={mac.hex().upper()}"
    return SunMessage(url=url, uid=uid, counter=counter, picc_enc=enc, mac=mac)


def tamper_mac(url: str) -> str:
    """The same URL with one hex digit of the MAC changed (what a forged tag would send)."""
    head, _, mac = url.rpartition("c=")
    flipped = ("0" if mac[0] != "0" else "1") + mac[1:]
    return head + "c=" + flipped
