"""Encryption at rest of document and phone numbers, and their keyed blind index.

A value is sealed with AES-256-GCM (authenticated: a changed byte is refused, never read as
another number) under a key derived from `FANGKONG_DATA_KEY`, which is separate from
`SECRET_KEY`. What the database keeps is text:

    base64( key id (1 byte) ‖ nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes) )

The key id lets rows sealed under an old key and under a new one coexist while
`fangkong rotate_data_key` works through a table in batches. The column's name is bound into
the seal as associated data, so a document number's ciphertext copied into a phone column is
refused too.

Exact lookup, the per-township uniqueness and duplicate detection use a blind index:
HMAC-SHA256 of the value under a second key derived from the same data key for that purpose
only. Equal numbers give equal indexes; the index tells nothing else without the key.

Keys come from settings (`DATA_KEY`, and `DATA_KEY_OLD` while a rotation is under way), so
data migrations and commands use the configured ones.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

if TYPE_CHECKING:
    from _hashlib import HASH

NONCE_BYTES = 12
#: shortest acceptable `FANGKONG_DATA_KEY` (characters); `keyfiles` makes 67
MIN_KEY_CHARS = 32


class SealError(ValueError):
    """A stored value that cannot be opened: tampered, truncated, or under an unknown key."""


def _derive(secret: str, purpose: bytes, length: int = 32) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=length, salt=b"fangkong data key", info=purpose
    ).derive(secret.encode())


@dataclass(frozen=True, slots=True)
class DataKey:
    """One data key: its id byte, its cipher, and its blind-index key."""

    id: int
    cipher: AESGCM
    index_key: bytes
    #: HMAC-SHA256 under `index_key`, its inner and outer states computed once (RFC 2104):
    #: copying them is several times quicker than `hmac.new` per value
    hmac_inner: HASH
    hmac_outer: HASH

    @classmethod
    def from_secret(cls, secret: str) -> DataKey:
        if len(secret) < MIN_KEY_CHARS:
            raise ValueError(f"a data key needs at least {MIN_KEY_CHARS} characters")
        index_key = _derive(secret, b"blind index")
        block = index_key.ljust(64, b"\0")  # SHA-256's block; the key is shorter
        return cls(
            id=_derive(secret, b"key id", 1)[0],
            cipher=AESGCM(_derive(secret, b"encryption")),
            index_key=index_key,
            hmac_inner=hashlib.sha256(bytes(b ^ 0x36 for b in block)),
            hmac_outer=hashlib.sha256(bytes(b ^ 0x5C for b in block)),
        )


@dataclass(frozen=True, slots=True)
class Keyring:
    """The key new values are sealed with, and every key a stored value may be under."""

    current: DataKey
    old: DataKey | None = None

    def by_id(self, key_id: int) -> DataKey:
        if key_id == self.current.id:
            return self.current
        if self.old is not None and key_id == self.old.id:
            return self.old
        raise SealError(f"no data key with id {key_id}: set FANGKONG_DATA_KEY_OLD?")

    def seal(self, value: str, column: str) -> str:
        if not value:
            return ""
        key = self.current
        nonce = os.urandom(NONCE_BYTES)
        sealed = key.cipher.encrypt(nonce, value.encode(), column.encode())
        return base64.b64encode(bytes([key.id]) + nonce + sealed).decode("ascii")

    def open(self, stored: str, column: str) -> str:
        if not stored:
            return ""
        try:
            raw = base64.b64decode(stored, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SealError(f"{column}: not a sealed value") from exc
        if len(raw) < 1 + NONCE_BYTES + 16:
            raise SealError(f"{column}: sealed value too short")
        key = self.by_id(raw[0])
        try:
            plain = key.cipher.decrypt(
                raw[1 : 1 + NONCE_BYTES], raw[1 + NONCE_BYTES :], column.encode()
            )
        except Exception as exc:  # cryptography's InvalidTag
            raise SealError(f"{column}: sealed value altered or under another key") from exc
        return plain.decode()

    def indexes(self, kind: str, value: str) -> list[str]:
        """The blind indexes `value` may be stored under: the current key's, then the old's."""
        keys = [self.current] if self.old is None else [self.current, self.old]
        return [blind_index(k, kind, value) for k in keys] if value else [""]

    def index(self, kind: str, value: str) -> str:
        return blind_index(self.current, kind, value) if value else ""


def key_id_of(stored: str) -> int | None:
    """The id of the key a stored value was sealed under (None for an empty value, -1 for
    what is not a sealed value)."""
    if not stored:
        return None
    try:
        return base64.b64decode(stored[:4], validate=True)[0]
    except (binascii.Error, ValueError, IndexError):
        return -1


def blind_index(key: DataKey, kind: str, value: str) -> str:
    """HMAC-SHA256 of `kind`:`value`, first 128 bits in hex (32 characters)."""
    inner = key.hmac_inner.copy()
    inner.update(f"{kind}\0{value}".encode())
    outer = key.hmac_outer.copy()
    outer.update(inner.digest())
    return outer.digest()[:16].hex()


@functools.cache
def _keyring(current: str, old: str) -> Keyring:
    return Keyring(DataKey.from_secret(current), DataKey.from_secret(old) if old else None)


def keyring() -> Keyring:
    """The keyring of the configured keys (built once per process and pair of keys)."""
    from django.conf import settings

    return _keyring(settings.DATA_KEY, getattr(settings, "DATA_KEY_OLD", "") or "")


def seal(value: str, column: str) -> str:
    return keyring().seal(value, column)


def open_sealed(stored: str, column: str) -> str:
    return keyring().open(stored, column)


#: the kinds of blind index: one per kind of number, so a phone never matches a document
DOCUMENT = "doc"
PHONE = "phone"


def document_index(value: str) -> str:
    return keyring().index(DOCUMENT, value)


def phone_index(value: str) -> str:
    return keyring().index(PHONE, value)


def document_indexes(value: str) -> list[str]:
    """Every index a document number may be stored under (two while a rotation runs)."""
    return keyring().indexes(DOCUMENT, value)


def phone_indexes(value: str) -> list[str]:
    return keyring().indexes(PHONE, value)


def last4(value: str) -> str:
    return value[-4:]
