"""Sealing of numbers (no database): round trip, tampering, keys and blind indexes."""

import base64
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.core import sealing

OLD = "old-data-key-for-tests-only-0123456789abcdef"
NEW = "new-data-key-for-tests-only-0123456789abcdef"
COLUMN = "people.resident.doc_number"


def ring(current: str = NEW, old: str = "") -> sealing.Keyring:
    return sealing.Keyring(
        sealing.DataKey.from_secret(current), sealing.DataKey.from_secret(old) if old else None
    )


@given(st.text(min_size=7, max_size=40))
def test_a_sealed_value_opens_to_itself_and_does_not_contain_it(value):
    keys = ring()
    stored = keys.seal(value, COLUMN)
    assert keys.open(stored, COLUMN) == value
    assert value not in stored
    assert stored != keys.seal(value, COLUMN)  # a fresh nonce every time


def test_empty_stays_empty():
    assert ring().seal("", COLUMN) == "" and ring().open("", COLUMN) == ""


def test_a_changed_byte_is_refused():
    keys = ring()
    raw = bytearray(base64.b64decode(keys.seal("110101199003074518", COLUMN)))
    for position in (1, 13, len(raw) - 1):  # nonce, ciphertext, tag
        changed = bytearray(raw)
        changed[position] ^= 1
        with pytest.raises(sealing.SealError):
            keys.open(base64.b64encode(bytes(changed)).decode(), COLUMN)
    with pytest.raises(sealing.SealError):
        keys.open("not a sealed value", COLUMN)
    with pytest.raises(sealing.SealError):
        keys.open(base64.b64encode(bytes(raw[:20])).decode(), COLUMN)


def test_a_value_moved_to_another_column_is_refused():
    keys = ring()
    stored = keys.seal("13800138000", "people.resident.phone")
    with pytest.raises(sealing.SealError):
        keys.open(stored, COLUMN)


def test_the_key_id_byte_picks_the_key_so_old_and_new_values_coexist():
    before = ring(OLD).seal("110101199003074518", COLUMN)
    during = ring(NEW, OLD)
    after = during.seal("110101199003074519", COLUMN)
    assert sealing.key_id_of(before) == ring(OLD).current.id
    assert sealing.key_id_of(after) == ring(NEW).current.id != ring(OLD).current.id
    assert during.open(before, COLUMN) == "110101199003074518"
    assert during.open(after, COLUMN) == "110101199003074519"
    with pytest.raises(sealing.SealError):  # the old key gone, its values no longer open
        ring(NEW).open(before, COLUMN)


def test_the_blind_index_is_keyed_per_kind_and_both_are_tried_during_a_rotation():
    value = "13800138000"
    new, old = ring(NEW).index(sealing.PHONE, value), ring(OLD).index(sealing.PHONE, value)
    assert new != old and len(new) == 32 and value not in new
    assert ring(NEW).index(sealing.PHONE, value) == new  # deterministic
    assert ring(NEW).index(sealing.DOCUMENT, value) != new  # another purpose
    assert ring(NEW, OLD).indexes(sealing.PHONE, value) == [new, old]


@given(st.text(max_size=40))
def test_the_blind_index_is_hmac_sha256(value):
    key = sealing.DataKey.from_secret(NEW)
    mac = hmac.new(key.index_key, f"phone\0{value}".encode(), hashlib.sha256).hexdigest()
    assert sealing.blind_index(key, "phone", value) == mac[:32]


def test_the_index_key_is_not_the_encryption_key():
    key = sealing.DataKey.from_secret(NEW)
    assert sealing._derive(NEW, b"encryption") != key.index_key


def test_a_short_key_is_refused():
    with pytest.raises(ValueError):
        sealing.DataKey.from_secret("short")
