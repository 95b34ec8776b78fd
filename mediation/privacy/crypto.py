"""Envelope encryption: one AES-256-GCM data key per case, wrapped by a master key.

Master keys come from the environment (``MEDIATION_MASTER_KEYS``, a list: the
first wraps new data keys, the others only unwrap until rotation is done).
Each ciphertext is bound, as associated data, to the id of the record it
belongs to and to a fixed logical field name, so a value copied to another
row or another field fails to decrypt instead of being read in the wrong place.

Every failure raises: a wrong or missing key never yields ciphertext or an
empty value that could be mistaken for data.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from mediation.privacy.models import DataKey

FORMAT_VERSION = b"\x01"
_NONCE_BYTES = 12
_WRAP_CONTEXT = b"mediation/data-key/v1|"
_FIELD_CONTEXT = b"mediation/field/v1|"


class CryptoError(Exception):
    """Base class: personal data could not be encrypted or decrypted."""


class MissingKeyError(CryptoError):
    """The key needed is not configured (master key) or no longer exists (erased case)."""


class DecryptionError(CryptoError):
    """The ciphertext does not match the key, record or field it was read for."""


@dataclass(frozen=True)
class MasterKey:
    key_id: str
    secret: bytes


def master_key_id(secret: bytes) -> str:
    """Return the public fingerprint by which wrapped data keys name their master key."""
    return hashlib.sha256(b"mediation/master-key-id/v1|" + secret).hexdigest()[:16]


@cache
def _master_keys(secrets: tuple[bytes, ...]) -> tuple[MasterKey, ...]:
    return tuple(MasterKey(key_id=master_key_id(secret), secret=secret) for secret in secrets)


def master_keys() -> tuple[MasterKey, ...]:
    """Return the configured master keys, the active one first."""
    keys = _master_keys(tuple(settings.MEDIATION_MASTER_KEYS))
    if not keys:
        raise MissingKeyError("No master key is configured (MEDIATION_MASTER_KEYS).")
    return keys


def active_master_key() -> MasterKey:
    return master_keys()[0]


def _master_key_by_id(key_id: str) -> MasterKey:
    for key in master_keys():
        if key.key_id == key_id:
            return key
    raise MissingKeyError(
        f"Master key {key_id} is not configured; add it back to MEDIATION_MASTER_KEYS."
    )


def wrap_data_key(*, data_key_id: uuid.UUID, raw_key: bytes, master: MasterKey) -> bytes:
    """Return ``raw_key`` encrypted under ``master``, bound to the data key's id."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(master.secret).encrypt(nonce, raw_key, _WRAP_CONTEXT + data_key_id.bytes)
    return FORMAT_VERSION + nonce + sealed


def unwrap_data_key(data_key: DataKey) -> bytes:
    """Return the raw key of ``data_key``, or raise if it cannot be unwrapped."""
    master = _master_key_by_id(data_key.master_key_id)
    blob = bytes(data_key.wrapped_key)
    if blob[:1] != FORMAT_VERSION:
        raise DecryptionError(f"Data key {data_key.pk} has an unknown format.")
    nonce, sealed = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
    try:
        return AESGCM(master.secret).decrypt(nonce, sealed, _WRAP_CONTEXT + data_key.pk.bytes)
    except InvalidTag as exc:
        raise DecryptionError(f"Data key {data_key.pk} does not open with its master key.") from exc


def data_key_new() -> tuple[DataKey, CaseCipher]:
    """Return a new, unsaved data key and a cipher for it.

    The caller saves the key (one by one or with bulk_create) in the same
    transaction as the records it protects.
    """
    raw_key = AESGCM.generate_key(bit_length=256)
    master = active_master_key()
    data_key = DataKey(id=uuid.uuid4(), master_key_id=master.key_id)
    data_key.wrapped_key = wrap_data_key(data_key_id=data_key.id, raw_key=raw_key, master=master)
    return data_key, CaseCipher(raw_key)


class CaseCipher:
    """Encrypt and decrypt the personal fields of one case with its data key."""

    __slots__ = ("_aead",)

    def __init__(self, raw_key: bytes) -> None:
        self._aead = AESGCM(raw_key)

    @classmethod
    def for_data_key(cls, data_key: DataKey | None) -> CaseCipher:
        if data_key is None:
            raise MissingKeyError("This case's data key has been erased.")
        return cls(unwrap_data_key(data_key))

    @staticmethod
    def _associated_data(record_id: uuid.UUID, field: str) -> bytes:
        return _FIELD_CONTEXT + record_id.bytes + b"|" + field.encode("ascii")

    def encrypt(self, *, record_id: uuid.UUID, field: str, value: str) -> bytes:
        """Return ``value`` encrypted for the given record and logical field."""
        if not isinstance(record_id, uuid.UUID):
            raise CryptoError("Encrypted records need their UUID before they are saved.")
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(
            nonce, value.encode("utf-8"), self._associated_data(record_id, field)
        )
        return FORMAT_VERSION + nonce + sealed

    def decrypt(self, *, record_id: uuid.UUID, field: str, token: bytes | memoryview) -> str:
        """Return the plaintext of ``token``, or raise DecryptionError."""
        blob = bytes(token)
        if blob[:1] != FORMAT_VERSION or len(blob) < 1 + _NONCE_BYTES + 16:
            raise DecryptionError(f"{field} of {record_id} is not a ciphertext of this format.")
        nonce, sealed = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            plain = self._aead.decrypt(nonce, sealed, self._associated_data(record_id, field))
        except InvalidTag as exc:
            raise DecryptionError(
                f"{field} of {record_id} does not decrypt with this case's key."
            ) from exc
        return plain.decode("utf-8")
