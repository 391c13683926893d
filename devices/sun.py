"""NTAG 424 DNA Secure Unique NFC (SUN) messages, verified as NXP AN12196 describes.

At each tap the tag writes into its NDEF URL either encrypted PICC data (UID and read counter, AES-128-CBC
with the SDM meta read key) or the plain UID and counter, and a MAC (SDMMAC) made with a session key derived
from the SDM file read key, the UID and the counter. The till decrypts, recomputes the MAC, and refuses a
counter it has already seen for that card — so a copied URL or a cloned card is refused.

URL layouts understood (parameter names are case-insensitive, hex either case):

- ``?e=<PICCENCData>&c=<SDMMAC>`` or ``?picc_data=…&cmac=…`` — encrypted PICC data (32 hex);
- ``?picc_data=…&enc=<encrypted file data>&cmac=…`` — plus encrypted file data (a multiple of 32 hex);
  the MAC then covers the text from the file data up to the MAC (``"<enc>&cmac="``);
- ``?uid=<14 hex>&ctr=<6 hex, MSB first>&cmac=…`` — plain mirroring.

The counter is little-endian inside the cryptography (PICC data, session vectors) and big-endian when
mirrored in plain as text.
"""

from __future__ import annotations

import hmac
import json
import os
import re
from dataclasses import dataclass, replace

from devices.base import ReaderConfig, SunKeys
from devices.errors import BadCardData, DeviceError
from devices.events import SunResult

KEY_SIZE = 16
UID_SIZE = 7
COUNTER_SIZE = 3
MAC_SIZE = 8

# AN12196 §3.3: session vector prefixes for the SDM file read ENC and MAC session keys.
_SV1_PREFIX = bytes.fromhex("C33C00010080")
_SV2_PREFIX = bytes.fromhex("3CC300010080")

_PICC_UID_MIRRORED = 0x80
_PICC_CTR_MIRRORED = 0x40
_PICC_RFU = 0x30

_HEX = re.compile(r"[0-9A-Fa-f]*")

_PICC_NAMES = ("e", "picc_data")
_MAC_NAMES = ("c", "cmac")

MSG_VALID = "secure card verified"
MSG_BAD_MAC = "this card's secure message failed verification: a forged or damaged card, or the wrong keys"
MSG_REPLAYED = "this card's tap was seen before: a copied or replayed card"
MSG_NO_KEYS = "secure (SUN) cards cannot be checked: no SUN keys are set up on this till"


@dataclass(frozen=True, slots=True)
class SunMessage:
    """What a SUN URL carries, before any cryptography."""

    picc_enc_data: bytes | None  # encrypted layout
    uid: bytes | None  # plain layout
    counter: int | None  # plain layout
    enc_file_data: bytes | None
    mac: bytes
    mac_input: str  # the mirrored text the MAC covers, as derived from the URL layout


@dataclass(frozen=True, slots=True)
class PiccData:
    """Decrypted PICC data."""

    tag: int  # PICCDataTag
    uid: bytes | None
    counter: int | None
    raw: bytes  # the 16 decrypted bytes (the last ones are random padding)


# --- the URL ------------------------------------------------------------------------------------------------


def _query(url: str) -> list[tuple[str, str, int]]:
    """(lower-case name, value, index of the value in ``url``) for each query parameter."""
    end = url.find("#")
    if end < 0:
        end = len(url)
    mark = url.find("?", 0, end)
    if mark < 0:
        return []
    params: list[tuple[str, str, int]] = []
    pos = mark + 1
    while pos <= end:
        amp = url.find("&", pos, end)
        stop = end if amp < 0 else amp
        name, eq, value = url[pos:stop].partition("=")
        if name:
            params.append((name.lower(), value if eq else "", pos + len(name) + len(eq)))
        pos = stop + 1
    return params


def _hex(value: str, what: str, *, size: int | None = None, block: int | None = None) -> bytes:
    if not value.isascii() or _HEX.fullmatch(value) is None or len(value) % 2:
        raise BadCardData(f"this card's secure message is damaged: {what} is not hex")
    data = bytes.fromhex(value)
    if size is not None and len(data) != size:
        raise BadCardData(f"this card's secure message is damaged: {what} is {len(data)} bytes, not {size}")
    if block is not None and (not data or len(data) % block):
        raise BadCardData(f"this card's secure message is damaged: {what} is not whole {block}-byte blocks")
    return data


def looks_like_sun(url: str) -> bool:
    """Whether a URL carries a SUN message (encrypted PICC data or plain UID and counter, and a MAC)."""
    names = {name for name, _, _ in _query(url)}
    has_mac = any(n in names for n in _MAC_NAMES)
    return has_mac and (any(n in names for n in _PICC_NAMES) or {"uid", "ctr"} <= names)


def parse_sun_url(url: str) -> SunMessage:
    """The parts of a SUN URL. Raises ``BadCardData`` when a part is missing, repeated or not hex."""
    found: dict[str, tuple[str, int]] = {}
    for name, value, index in _query(url):
        key = "picc" if name in _PICC_NAMES else "mac" if name in _MAC_NAMES else name
        if key not in ("picc", "mac", "enc", "uid", "ctr"):
            continue
        if key in found:
            raise BadCardData(f"this card's secure message is damaged: {name!r} appears twice")
        found[key] = (value, index)
    if "mac" not in found:
        raise BadCardData("this card's secure message is incomplete: it has no MAC ('c' or 'cmac')")
    mac = _hex(found["mac"][0], "the MAC", size=MAC_SIZE)
    picc_enc: bytes | None = None
    uid: bytes | None = None
    counter: int | None = None
    if "picc" in found:
        if "uid" in found or "ctr" in found:
            raise BadCardData("this card's secure message is damaged: it mixes encrypted and plain UID")
        picc_enc = _hex(found["picc"][0], "the encrypted PICC data", size=16)
    elif "uid" in found and "ctr" in found:
        uid = _hex(found["uid"][0], "the UID", size=UID_SIZE)
        counter = int.from_bytes(_hex(found["ctr"][0], "the counter", size=COUNTER_SIZE), "big")
    else:
        raise BadCardData(
            "this card's secure message is incomplete: it has neither encrypted PICC data ('e' or 'picc_data') "
            "nor a plain 'uid' and 'ctr'"
        )
    enc: bytes | None = None
    mac_input = ""
    if "enc" in found:
        enc_value, enc_index = found["enc"]
        enc = _hex(enc_value, "the encrypted file data", block=16)
        mac_index = found["mac"][1]
        if enc_index < mac_index:
            mac_input = url[enc_index:mac_index]
    return SunMessage(picc_enc, uid, counter, enc, mac, mac_input)


# --- the cryptography ---------------------------------------------------------------------------------------
# pycryptodome is imported where a secure card is checked, not with the module: it loads a C parser that costs
# about a tenth of a second of every till start, and most taps never need it.


def _cmac(key: bytes, message: bytes) -> bytes:
    from Crypto.Cipher import AES
    from Crypto.Hash import CMAC

    mac = CMAC.new(key, ciphermod=AES)
    mac.update(message)
    return mac.digest()


def _check_key(key: bytes, what: str) -> None:
    if len(key) != KEY_SIZE:
        raise BadCardData(f"the {what} is {len(key)} bytes, not a 16-byte AES key")


def decrypt_picc_data(picc_enc_data: bytes, meta_read_key: bytes) -> PiccData:
    """Decrypt PICCENCData (AES-128-CBC, zero IV). Raises ``BadCardData`` when the result is not PICC data
    (wrong key or tampered data)."""
    _check_key(meta_read_key, "SDM meta read key")
    if len(picc_enc_data) != 16:
        raise BadCardData(f"encrypted PICC data is {len(picc_enc_data)} bytes, not 16")
    from Crypto.Cipher import AES

    raw = AES.new(meta_read_key, AES.MODE_CBC, iv=bytes(16)).decrypt(picc_enc_data)
    tag = raw[0]
    uid_len = tag & 0x0F
    uid_mirrored = bool(tag & _PICC_UID_MIRRORED)
    if tag & _PICC_RFU or uid_len != (UID_SIZE if uid_mirrored else 0):
        raise BadCardData("the encrypted PICC data does not decrypt to PICC data (wrong key or tampered)")
    pos = 1
    uid = None
    if uid_mirrored:
        uid = raw[pos : pos + UID_SIZE]
        pos += UID_SIZE
    counter = None
    if tag & _PICC_CTR_MIRRORED:
        counter = int.from_bytes(raw[pos : pos + COUNTER_SIZE], "little")
    return PiccData(tag, uid, counter, raw)


def _session_vector(prefix: bytes, uid: bytes, counter: int) -> bytes:
    if len(uid) != UID_SIZE:
        raise BadCardData(f"a UID of {len(uid)} bytes cannot be used: NTAG 424 DNA UIDs are 7 bytes")
    if not 0 <= counter <= 0xFFFFFF:
        raise BadCardData(f"a read counter of {counter} is impossible")
    vector = prefix + uid + counter.to_bytes(COUNTER_SIZE, "little")
    return vector + bytes(-len(vector) % 16)  # zero padding to a whole block (a no-op with UID and counter)


def session_keys(file_read_key: bytes, uid: bytes, counter: int) -> tuple[bytes, bytes]:
    """(SesSDMFileReadENCKey, SesSDMFileReadMACKey) = CMAC(SDMFileReadKey, SV1 / SV2)."""
    _check_key(file_read_key, "SDM file read key")
    return (
        _cmac(file_read_key, _session_vector(_SV1_PREFIX, uid, counter)),
        _cmac(file_read_key, _session_vector(_SV2_PREFIX, uid, counter)),
    )


def sdm_mac(session_mac_key: bytes, mac_input: bytes) -> bytes:
    """SDMMAC: the CMAC of the mirrored text, truncated to its bytes at odd indexes (1, 3, …, 15)."""
    return _cmac(session_mac_key, mac_input)[1::2]


def decrypt_file_data(enc_file_data: bytes, file_read_key: bytes, uid: bytes, counter: int) -> bytes:
    """Decrypt SDMENCFileData: AES-128-CBC with SesSDMFileReadENCKey and IV = AES-ECB(that key,
    SDMReadCtr (LSB first) || 13 zero bytes). Raises ``BadCardData`` on bad lengths."""
    if not enc_file_data or len(enc_file_data) % 16:
        raise BadCardData(f"encrypted file data of {len(enc_file_data)} bytes is not whole 16-byte blocks")
    enc_key, _ = session_keys(file_read_key, uid, counter)
    from Crypto.Cipher import AES

    iv = AES.new(enc_key, AES.MODE_ECB).encrypt(counter.to_bytes(COUNTER_SIZE, "little") + bytes(13))
    return AES.new(enc_key, AES.MODE_CBC, iv=iv).decrypt(enc_file_data)


# --- verification -------------------------------------------------------------------------------------------


def _verify(url: str, keys: SunKeys | None, mac_input: str | None) -> tuple[SunResult, SunMessage | None]:
    try:
        message = parse_sun_url(url)
    except BadCardData as err:
        return SunResult("malformed", err.message), None
    if keys is None:
        return SunResult("no_keys", MSG_NO_KEYS), None
    if len(keys.meta_read_key) != KEY_SIZE or len(keys.file_read_key) != KEY_SIZE:
        return SunResult("no_keys", "the till's SUN keys are not 16-byte AES keys: check the key file"), None
    if message.picc_enc_data is not None:
        try:
            picc = decrypt_picc_data(message.picc_enc_data, keys.meta_read_key)
        except BadCardData:
            return SunResult("bad_mac", MSG_BAD_MAC), None
        uid, counter = picc.uid, picc.counter
    else:
        uid, counter = message.uid, message.counter
    if uid is None or counter is None:
        return SunResult(
            "malformed", "this card's secure message has no UID or tap counter, so it cannot be checked"
        ), None
    text = message.mac_input if mac_input is None else mac_input
    try:
        data = text.encode("ascii")
    except UnicodeEncodeError:
        return SunResult(
            "malformed", "this card's secure message is damaged: the MAC input is not ASCII"
        ), None
    _, mac_key = session_keys(keys.file_read_key, uid, counter)
    if not hmac.compare_digest(sdm_mac(mac_key, data), message.mac):
        return SunResult("bad_mac", MSG_BAD_MAC), None
    return SunResult("valid", f"{MSG_VALID} (tap {counter})", uid.hex().upper(), counter), message


def verify_sun(url: str, keys: SunKeys | None, *, mac_input: str | None = None) -> SunResult:
    """Verify a SUN URL: ``valid`` (with the UID, upper-case hex, and the read counter), ``bad_mac``,
    ``malformed`` or ``no_keys`` (``keys`` is None or not 16-byte keys). Never raises for any text.

    ``mac_input`` overrides the text the MAC covers; by default it is derived from the layout: empty, or
    ``"<enc>&cmac="`` (the URL text from the file data up to the MAC) when encrypted file data precedes the
    MAC. The text is used as the URL has it (the tag mirrors upper-case hex).

    This does not look at the counter history: see ``check_counter`` / ``check_sun``.
    """
    return _verify(url, keys, mac_input)[0]


def sun_file_data(url: str, keys: SunKeys, *, mac_input: str | None = None) -> bytes:
    """The decrypted file data of a verified SUN URL that carries ``enc``. Raises ``BadCardData`` when the
    URL does not verify or carries no encrypted file data."""
    result, message = _verify(url, keys, mac_input)
    if message is None or result.uid is None or result.counter is None:
        raise BadCardData(result.message)
    if message.enc_file_data is None:
        raise BadCardData("this card's secure message carries no encrypted file data")
    return decrypt_file_data(
        message.enc_file_data, keys.file_read_key, bytes.fromhex(result.uid), result.counter
    )


def check_counter(result: SunResult, config: ReaderConfig) -> SunResult:
    """Refuse a replay: a valid result whose counter is not greater than the last one seen for that card
    becomes ``replayed``; otherwise the counter is remembered. Other results are returned unchanged."""
    if result.status != "valid":
        return result
    if result.uid is None or result.counter is None:
        return replace(result, status="malformed", message="a verified SUN result without UID or counter")
    with config.sun_lock:
        last = config.sun_counters.get(result.uid)
        if last is not None and result.counter <= last:
            return replace(
                result,
                status="replayed",
                message=f"{MSG_REPLAYED} (tap {result.counter}, already saw tap {last})",
            )
        config.sun_counters[result.uid] = result.counter
    return result


def check_sun(url: str, config: ReaderConfig, *, mac_input: str | None = None) -> SunResult:
    """``verify_sun`` with the till's keys, then ``check_counter``; ``no_keys`` when the till has none."""
    if config.sun_keys is None:
        return SunResult("no_keys", MSG_NO_KEYS)
    return check_counter(verify_sun(url, config.sun_keys, mac_input=mac_input), config)


# --- keys ---------------------------------------------------------------------------------------------------


def load_sun_keys(path: str | os.PathLike[str]) -> SunKeys:
    """SUN keys from a JSON file ``{"meta_read_key": "<32 hex>", "file_read_key": "<32 hex>"}``.

    Raises ``DeviceError`` (code ``bad_config``) with a message naming what is wrong.
    """
    where = os.fspath(path)
    try:
        with open(where, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as err:
        raise DeviceError(
            f"cannot read the SUN key file {where}: {err.strerror or err}", code="bad_config"
        ) from err
    except (ValueError, UnicodeDecodeError) as err:
        raise DeviceError(f"the SUN key file {where} is not valid JSON: {err}", code="bad_config") from err
    if not isinstance(document, dict):
        raise DeviceError(f"the SUN key file {where} must hold a JSON object", code="bad_config")
    keys: dict[str, bytes] = {}
    for name in ("meta_read_key", "file_read_key"):
        value = document.get(name)
        if not isinstance(value, str):
            raise DeviceError(f"the SUN key file {where} has no {name!r} (32 hex digits)", code="bad_config")
        text = value.strip()
        if len(text) != 2 * KEY_SIZE or not text.isascii() or _HEX.fullmatch(text) is None:
            raise DeviceError(
                f"the SUN key file {where}: {name!r} must be 32 hex digits (a 16-byte AES key)",
                code="bad_config",
            )
        keys[name] = bytes.fromhex(text)
    return SunKeys(meta_read_key=keys["meta_read_key"], file_read_key=keys["file_read_key"])
