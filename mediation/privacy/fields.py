"""A model field that holds only ciphertext, and the two calls that fill and read it.

Decryption is never implicit: the attribute holds bytes, and reading the
plaintext takes the case's cipher and an explicit call, which is where the
access log is written (see the selectors that call ``decrypt``).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from mediation.privacy.crypto import CaseCipher


class EncryptedField(models.BinaryField):
    """Ciphertext of one personal value, bound to its row's UUID and a logical name.

    ``logical_name`` is fixed forever for the field (renaming the attribute
    must not change it, or stored values stop decrypting).
    """

    def __init__(self, *args: Any, logical_name: str = "", **kwargs: Any) -> None:
        if not logical_name:
            raise TypeError("EncryptedField needs a logical_name.")
        self.logical_name = logical_name
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["logical_name"] = self.logical_name
        return name, path, args, kwargs


def _field(instance: models.Model, name: str) -> EncryptedField:
    field = instance._meta.get_field(name)
    if not isinstance(field, EncryptedField):
        raise TypeError(f"{type(instance).__name__}.{name} is not an EncryptedField.")
    return field


def encrypt(instance: models.Model, name: str, value: str | None, cipher: CaseCipher) -> None:
    """Store ``value`` encrypted in field ``name`` of ``instance`` (None clears it)."""
    field = _field(instance, name)
    token = (
        None
        if value is None
        else cipher.encrypt(record_id=instance.pk, field=field.logical_name, value=value)
    )
    setattr(instance, field.attname, token)


def decrypt(instance: models.Model, name: str, cipher: CaseCipher) -> str | None:
    """Return the plaintext of field ``name`` of ``instance`` (None if never set)."""
    field = _field(instance, name)
    token = getattr(instance, field.attname)
    if token is None:
        return None
    return cipher.decrypt(record_id=instance.pk, field=field.logical_name, token=token)
