"""NTAG 424 DNA SUN verification against the published AN12196 vectors (a copy lives next to this file)."""

from __future__ import annotations

import contextlib
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from Crypto.Cipher import AES
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.base import ReaderConfig, SunKeys
from devices.errors import BadCardData, DeviceError
from devices.events import SunResult
from devices.sun import (
    check_counter,
    check_sun,
    decrypt_file_data,
    decrypt_picc_data,
    load_sun_keys,
    looks_like_sun,
    parse_sun_url,
    sdm_mac,
    session_keys,
    sun_file_data,
    verify_sun,
)

VECTORS_FILE = Path(__file__).parent / "vectors" / "an12196_sun.json"
DOCUMENT = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
VECTORS: dict[str, dict[str, Any]] = {v["name"]: v for v in DOCUMENT["vectors"]}
ZERO_KEYS = SunKeys(meta_read_key=bytes(16), file_read_key=bytes(16))

V_PICC = VECTORS["sun_encrypted_picc_data"]
V_FILE = VECTORS["sun_encrypted_picc_data_and_file_data"]
V_PLAIN = VECTORS["sun_plain_mirroring"]
V_KEYS = VECTORS["session_key_derivation"]

# The vectors give a URL for the first example only; the others are laid out as AN12196 shows them.
URL_PICC = V_PICC["url"]
URL_FILE = (
    f"https://www.example.com/?picc_data={V_FILE['picc_enc_data']}"
    f"&enc={V_FILE['enc_file_data']}&cmac={V_FILE['sdmmac']}"
)
URL_PLAIN = (
    f"https://www.example.com/?uid={V_PLAIN['uid']}"
    f"&ctr={V_PLAIN['read_counter_hex_msb_first']}&cmac={V_PLAIN['sdmmac']}"
)
VALID_URLS = [URL_PICC, URL_FILE, URL_PLAIN]


def keys_of(vector: dict[str, Any]) -> SunKeys:
    return SunKeys(
        meta_read_key=bytes.fromhex(vector.get("sdm_meta_read_key", "00" * 16)),
        file_read_key=bytes.fromhex(vector["sdm_file_read_key"]),
    )


def flip_hex_bit(url: str, value: str, bit: int) -> str:
    """``url`` with one bit of the hex ``value`` (which it contains) flipped."""
    data = bytearray.fromhex(value)
    data[bit // 8] ^= 1 << (bit % 8)
    return url.replace(value, data.hex().upper())


def make_url(keys: SunKeys, uid: bytes, counter: int) -> str:
    """A SUN URL as a tag would write it (encrypted PICC data, empty MAC input)."""
    picc = bytes([0xC7]) + uid + counter.to_bytes(3, "little") + bytes(5)
    enc = AES.new(keys.meta_read_key, AES.MODE_CBC, iv=bytes(16)).encrypt(picc)
    _, mac_key = session_keys(keys.file_read_key, uid, counter)
    return f"https://t.example/?e={enc.hex().upper()}&c={sdm_mac(mac_key, b'').hex().upper()}"


# --- the vectors file -----------------------------------------------------------------------------------------


def test_vectors_copy_keeps_its_source_and_notes() -> None:
    assert "AN12196" in DOCUMENT["source"]
    assert "little-endian" in DOCUMENT["note"]
    assert len(DOCUMENT["vectors"]) == 4


# --- each published vector -----------------------------------------------------------------------------------


def test_encrypted_picc_data_decrypts_as_published() -> None:
    picc = decrypt_picc_data(bytes.fromhex(V_PICC["picc_enc_data"]), bytes(16))
    expect = V_PICC["expect"]
    assert picc.raw.hex().upper() == expect["decrypted_picc_data"]
    assert f"{picc.tag:02X}" == expect["picc_data_tag"]
    assert picc.uid is not None
    assert picc.uid.hex().upper() == expect["uid"]
    assert picc.counter == expect["read_counter"]


def test_encrypted_picc_data_session_key_and_mac() -> None:
    expect = V_PICC["expect"]
    _, mac_key = session_keys(bytes(16), bytes.fromhex(expect["uid"]), expect["read_counter"])
    assert mac_key.hex().upper() == expect["session_mac_key"]
    assert sdm_mac(mac_key, V_PICC["mac_input_ascii"].encode()).hex().upper() == V_PICC["sdmmac"]


def test_encrypted_picc_data_url_verifies() -> None:
    result = verify_sun(URL_PICC, keys_of(V_PICC))
    assert result == SunResult(
        "valid", result.message, V_PICC["expect"]["uid"], V_PICC["expect"]["read_counter"]
    )
    assert "61" in result.message


def test_hex_case_does_not_matter_for_picc_data_and_mac() -> None:
    result = verify_sun(URL_PICC.lower(), ZERO_KEYS)
    assert result.status == "valid"
    assert result.uid == "04DE5F1EACC040"


def test_file_data_vector_mac_input_is_derived_from_the_url() -> None:
    message = parse_sun_url(URL_FILE)
    assert message.mac_input == V_FILE["mac_input_ascii"]
    assert message.enc_file_data == bytes.fromhex(V_FILE["enc_file_data"])


def test_file_data_vector_verifies_and_decrypts() -> None:
    expect = V_FILE["expect"]
    result = verify_sun(URL_FILE, keys_of(V_FILE))
    assert (result.status, result.uid, result.counter) == ("valid", expect["uid"], expect["read_counter"])
    _, mac_key = session_keys(bytes(16), bytes.fromhex(expect["uid"]), expect["read_counter"])
    assert mac_key.hex().upper() == expect["session_mac_key"]
    assert sun_file_data(URL_FILE, keys_of(V_FILE)).decode("ascii") == expect["file_data_ascii"]
    plain = decrypt_file_data(
        bytes.fromhex(V_FILE["enc_file_data"]),
        bytes(16),
        bytes.fromhex(expect["uid"]),
        expect["read_counter"],
    )
    assert plain.decode("ascii") == expect["file_data_ascii"]


def test_file_data_vector_with_explicit_mac_input() -> None:
    assert verify_sun(URL_FILE, ZERO_KEYS, mac_input=V_FILE["mac_input_ascii"]).status == "valid"
    assert verify_sun(URL_FILE, ZERO_KEYS, mac_input="").status == "bad_mac"


def test_file_data_after_the_mac_is_not_covered() -> None:
    """When ``enc`` follows the MAC the derived MAC input is empty, so this URL no longer verifies."""
    swapped = (
        f"https://www.example.com/?picc_data={V_FILE['picc_enc_data']}"
        f"&cmac={V_FILE['sdmmac']}&enc={V_FILE['enc_file_data']}"
    )
    assert parse_sun_url(swapped).mac_input == ""
    assert verify_sun(swapped, ZERO_KEYS).status == "bad_mac"


def test_plain_mirroring_vector_verifies() -> None:
    result = verify_sun(URL_PLAIN, keys_of(V_PLAIN))
    assert V_PLAIN["expect"]["valid"] is True
    assert (result.status, result.uid, result.counter) == ("valid", V_PLAIN["uid"], 6)


def test_plain_counter_is_msb_first_in_the_url() -> None:
    message = parse_sun_url(URL_PLAIN)
    assert message.counter == int(V_PLAIN["read_counter_hex_msb_first"], 16)
    reversed_ctr = URL_PLAIN.replace("ctr=000006", "ctr=060000")
    assert verify_sun(reversed_ctr, ZERO_KEYS).status == "bad_mac"


def test_session_key_derivation_vector() -> None:
    counter = int.from_bytes(bytes.fromhex(V_KEYS["read_counter_hex_lsb_first"]), "little")
    enc_key, mac_key = session_keys(
        bytes.fromhex(V_KEYS["sdm_file_read_key"]), bytes.fromhex(V_KEYS["uid"]), counter
    )
    assert enc_key.hex().upper() == V_KEYS["expect"]["session_enc_key"]
    assert mac_key.hex().upper() == V_KEYS["expect"]["session_mac_key"]


@pytest.mark.parametrize("name", [v["name"] for v in DOCUMENT["vectors"] if "sdmmac" in v])
def test_every_mac_vector_matches(name: str) -> None:
    vector = VECTORS[name]
    if "picc_enc_data" in vector:
        picc = decrypt_picc_data(bytes.fromhex(vector["picc_enc_data"]), keys_of(vector).meta_read_key)
        assert picc.uid is not None
        assert picc.counter is not None
        uid, counter = picc.uid, picc.counter
    else:
        uid, counter = bytes.fromhex(vector["uid"]), int(vector["read_counter_hex_msb_first"], 16)
    _, mac_key = session_keys(keys_of(vector).file_read_key, uid, counter)
    assert sdm_mac(mac_key, vector["mac_input_ascii"].encode("ascii")).hex().upper() == vector["sdmmac"]


# --- tampering ------------------------------------------------------------------------------------------------


@given(bit=st.integers(0, 63), which=st.sampled_from(VALID_URLS))
def test_any_flipped_mac_bit_is_a_bad_mac(bit: int, which: str) -> None:
    mac = parse_sun_url(which).mac.hex().upper()
    assert verify_sun(flip_hex_bit(which, mac, bit), ZERO_KEYS).status == "bad_mac"


@given(bit=st.integers(0, 127), which=st.sampled_from([URL_PICC, URL_FILE]))
def test_any_flipped_picc_data_bit_is_refused(bit: int, which: str) -> None:
    picc = parse_sun_url(which).picc_enc_data
    assert picc is not None
    result = verify_sun(flip_hex_bit(which, picc.hex().upper(), bit), ZERO_KEYS)
    assert result.status in ("bad_mac", "malformed")
    assert result.uid is None


@given(bit=st.integers(0, 127))
def test_any_flipped_file_data_bit_is_a_bad_mac(bit: int) -> None:
    assert verify_sun(flip_hex_bit(URL_FILE, V_FILE["enc_file_data"], bit), ZERO_KEYS).status == "bad_mac"


@given(bit=st.integers(0, 55 + 24))
def test_any_flipped_plain_uid_or_counter_bit_is_a_bad_mac(bit: int) -> None:
    value = V_PLAIN["uid"] if bit < 56 else V_PLAIN["read_counter_hex_msb_first"]
    assert verify_sun(flip_hex_bit(URL_PLAIN, value, bit % 56), ZERO_KEYS).status == "bad_mac"


def test_wrong_keys_are_refused() -> None:
    other = SunKeys(meta_read_key=bytes(16), file_read_key=b"\x01" * 16)
    assert verify_sun(URL_PICC, other).status == "bad_mac"
    other_meta = SunKeys(meta_read_key=b"\x01" * 16, file_read_key=bytes(16))
    assert verify_sun(URL_PICC, other_meta).status in ("bad_mac", "malformed")


# --- malformed and missing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://ntag.nxp.com/424",
        "https://ntag.nxp.com/424?",
        "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88",
        "https://ntag.nxp.com/424?c=94EED9EE65337086",
        "https://ntag.nxp.com/424?e=&c=94EED9EE65337086",
        "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E&c=94EED9EE65337086",
        "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88&c=94EED9EE653370",
        "https://ntag.nxp.com/424?e=ZZ963FF7828658A599F3041510671E88&c=94EED9EE65337086",
        "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E8 &c=94EED9EE65337086",
        "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086&c=94EED9EE65337086",
        "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88&cmac=94EED9EE65337086&c=94EED9EE65337086",
        "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88&uid=04DE5F1EACC040&c=94EED9EE65337086",
        "https://x.example/?uid=041E3C8A2D6B80&cmac=4B00064004B0B3D3",
        "https://x.example/?ctr=000006&cmac=4B00064004B0B3D3",
        "https://x.example/?uid=041E3C8A2D6B&ctr=000006&cmac=4B00064004B0B3D3",
        "https://x.example/?uid=041E3C8A2D6B80&ctr=0006&cmac=4B00064004B0B3D3",
        "https://x.example/?picc_data=FD91EC264309878BE6345CBE53BADF40&enc=CEE9&cmac=ECC1E7F6C6C73BF6",
        "https://x.example/#?e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086",
    ],
)
def test_missing_or_damaged_parameters_are_malformed(url: str) -> None:
    result = verify_sun(url, ZERO_KEYS)
    assert result.status == "malformed"
    assert result.uid is None
    assert result.message
    with pytest.raises(BadCardData):
        parse_sun_url(url)


def test_non_ascii_digits_are_not_hex() -> None:
    # '٠' (Arabic-Indic zero) is a digit to Python but not hex to a tag.
    url = URL_PICC.replace("EF96", "EF9\u0660")
    assert verify_sun(url, ZERO_KEYS).status == "malformed"


def test_fragment_is_not_part_of_the_query() -> None:
    assert verify_sun(URL_PICC + "#c=00", ZERO_KEYS).status == "valid"


def test_parameter_names_are_case_insensitive() -> None:
    assert verify_sun(URL_PICC.replace("?e=", "?E=").replace("&c=", "&C="), ZERO_KEYS).status == "valid"


def test_non_ascii_mac_input_is_malformed() -> None:
    assert verify_sun(URL_PICC, ZERO_KEYS, mac_input="é").status == "malformed"


def test_looks_like_sun() -> None:
    assert all(looks_like_sun(url) for url in VALID_URLS)
    assert not looks_like_sun("https://loyalty.example/m/0010100000081")
    assert not looks_like_sun("https://x.example/?e=00")


def test_file_data_of_a_url_without_enc_or_not_valid() -> None:
    with pytest.raises(BadCardData):
        sun_file_data(URL_PICC, ZERO_KEYS)
    with pytest.raises(BadCardData):
        sun_file_data(URL_FILE, SunKeys(bytes(16), b"\x02" * 16))


# --- keys -----------------------------------------------------------------------------------------------------


def test_no_keys() -> None:
    assert verify_sun(URL_PICC, None).status == "no_keys"
    assert check_sun(URL_PICC, ReaderConfig()).status == "no_keys"
    assert verify_sun(URL_PICC, SunKeys(b"short", bytes(16))).status == "no_keys"


def test_load_sun_keys(tmp_path: Path) -> None:
    path = tmp_path / "sun.json"
    path.write_text(
        json.dumps({"meta_read_key": "00" * 16, "file_read_key": " 5ace7e50ab65d5d51fd5bf5a16b8205b "})
    )
    keys = load_sun_keys(path)
    assert keys == SunKeys(bytes(16), bytes.fromhex("5ACE7E50AB65D5D51FD5BF5A16B8205B"))
    assert load_sun_keys(str(path)) == keys


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "cannot read"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        (json.dumps({"meta_read_key": "00" * 16}), "'file_read_key'"),
        (json.dumps({"meta_read_key": "00" * 16, "file_read_key": 5}), "'file_read_key'"),
        (json.dumps({"meta_read_key": "00" * 15, "file_read_key": "00" * 16}), "32 hex digits"),
        (json.dumps({"meta_read_key": "zz" * 16, "file_read_key": "00" * 16}), "32 hex digits"),
    ],
)
def test_load_sun_keys_errors(tmp_path: Path, content: str | None, words: str) -> None:
    path = tmp_path / "sun.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(DeviceError) as info:
        load_sun_keys(path)
    assert words in info.value.message
    assert info.value.code == "bad_config"


# --- replay ---------------------------------------------------------------------------------------------------


def config_with_zero_keys() -> ReaderConfig:
    return ReaderConfig(sun_keys=ZERO_KEYS)


def test_same_tap_twice_is_a_replay() -> None:
    config = config_with_zero_keys()
    first = check_sun(URL_PICC, config)
    assert first.status == "valid"
    assert config.sun_counters == {"04DE5F1EACC040": 61}
    second = check_sun(URL_PICC, config)
    assert second.status == "replayed"
    assert second.message.startswith("this card's tap was seen before: a copied or replayed card")
    assert (second.uid, second.counter) == ("04DE5F1EACC040", 61)


def test_lower_counter_is_a_replay_higher_is_valid() -> None:
    config = config_with_zero_keys()
    uid = bytes.fromhex("04A1B2C3D4E5F6")
    assert check_sun(make_url(ZERO_KEYS, uid, 10), config).status == "valid"
    assert check_sun(make_url(ZERO_KEYS, uid, 9), config).status == "replayed"
    assert check_sun(make_url(ZERO_KEYS, uid, 10), config).status == "replayed"
    assert check_sun(make_url(ZERO_KEYS, uid, 11), config).status == "valid"
    assert config.sun_counters["04A1B2C3D4E5F6"] == 11


def test_counters_are_per_card() -> None:
    config = config_with_zero_keys()
    assert check_sun(make_url(ZERO_KEYS, bytes.fromhex("04000000000001"), 5), config).status == "valid"
    assert check_sun(make_url(ZERO_KEYS, bytes.fromhex("04000000000002"), 5), config).status == "valid"


def test_failed_results_do_not_touch_the_counters() -> None:
    config = config_with_zero_keys()
    for result in (SunResult("bad_mac", "x"), SunResult("malformed", "x"), SunResult("no_keys", "x")):
        assert check_counter(result, config) is result
    assert config.sun_counters == {}
    assert check_counter(SunResult("valid", "x"), config).status == "malformed"


def test_concurrent_taps_of_one_message_pass_once() -> None:
    config = config_with_zero_keys()
    result = verify_sun(URL_PICC, ZERO_KEYS)
    statuses: list[str] = []
    barrier = threading.Barrier(8)

    def tap() -> None:
        barrier.wait()
        statuses.append(check_counter(result, config).status)

    threads = [threading.Thread(target=tap) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == ["replayed"] * 7 + ["valid"]


# --- never an exception ---------------------------------------------------------------------------------------

_HEXCHARS = "0123456789ABCDEFabcdef"
_values = st.one_of(st.text(alphabet=_HEXCHARS, max_size=40), st.text(max_size=10))
_names = st.sampled_from(["e", "picc_data", "c", "cmac", "enc", "uid", "ctr", "E", "x", ""])


@settings(max_examples=300)
@given(url=st.text(max_size=200), mac_input=st.none() | st.text(max_size=20))
def test_arbitrary_text_gives_a_result(url: str, mac_input: str | None) -> None:
    result = verify_sun(url, ZERO_KEYS, mac_input=mac_input)
    assert result.status in ("valid", "bad_mac", "malformed")
    looks_like_sun(url)


@settings(max_examples=300)
@given(params=st.lists(st.tuples(_names, _values), max_size=6), sep=st.sampled_from(["?", "/?", "#"]))
def test_arbitrary_query_gives_a_result(params: list[tuple[str, str]], sep: str) -> None:
    url = "https://t.example" + sep + "&".join(f"{n}={v}" for n, v in params)
    result = verify_sun(url, ZERO_KEYS)
    assert result.status in ("bad_mac", "malformed")
    assert check_counter(result, config_with_zero_keys()) is result
    with contextlib.suppress(BadCardData):
        parse_sun_url(url)
