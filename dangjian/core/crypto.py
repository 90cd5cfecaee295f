"""Personal data sealed at rest: SM4-GCM (authenticated encryption) under DATA_KEY, and keyed
SM3 digests (HMAC-SM3) for looking sealed values up and keeping them unique.

DATA_KEY comes from the environment only (settings.KEYS); DATA_KEY_FALLBACKS lists former
values, still read after a rotation until `dangjian rotate-data-key` has resealed every row
under the current key. The cipher key and the digest key are both derived from DATA_KEY (HMAC-
SM3 with a fixed label each), so one secret is managed; a digest therefore changes with the key,
and lookups ask for the digests under every key still accepted until the rotation command has
recomputed them.

A sealed value is text: `s1.<key id>.<base64url(nonce | ciphertext | tag)>`. The key id (a
digest of the key, not the key) says which key sealed it; the context (the column's name) is
the authenticated data, so a value copied into another column does not open.
"""

from __future__ import annotations

import base64
import functools
import hmac
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact

_PREFIX = "s1"
_NONCE = 12
_TAG = 16


class SealBroken(ValueError):
    """A sealed value that no accepted key opens: altered, or sealed under an unknown key."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.lru_cache(maxsize=16)
def _derive(secret: str, label: bytes) -> bytes:
    return hmac.new(secret.encode(), b"dangjian-data-key/" + label, "sm3").digest()


def _secrets() -> list[str]:
    """DATA_KEY, then its fallbacks."""
    if not settings.DATA_KEY:
        raise ImproperlyConfigured("未设置环境变量 DATA_KEY (data key not set)")
    return [settings.DATA_KEY, *[k for k in settings.DATA_KEY_FALLBACKS
                                 if k != settings.DATA_KEY]]


def key_id(secret: str) -> str:
    return _b64(_derive(secret, b"key-id")[:6])


def current_key_id() -> str:
    return key_id(_secrets()[0])


def seal(plain: str, *, context: str) -> str:
    secret = _secrets()[0]
    nonce = os.urandom(_NONCE)
    enc = Cipher(algorithms.SM4(_derive(secret, b"sm4")[:16]), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(context.encode())
    body = enc.update(plain.encode()) + enc.finalize()
    return f"{_PREFIX}.{key_id(secret)}.{_b64(nonce + body + enc.tag)}"


def _open(secret: str, blob: bytes, context: str) -> str:
    nonce, body, tag = blob[:_NONCE], blob[_NONCE:-_TAG], blob[-_TAG:]
    dec = Cipher(algorithms.SM4(_derive(secret, b"sm4")[:16]), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(context.encode())
    return (dec.update(body) + dec.finalize()).decode()


def unseal(token: str, *, context: str) -> str:
    """The plain text; SealBroken if no accepted key opens it (the key named first)."""
    try:
        prefix, kid, data = token.split(".")
        blob = _unb64(data)
    except ValueError as exc:
        raise SealBroken("不是加密存储的值") from exc
    if prefix != _PREFIX or len(blob) < _NONCE + _TAG:
        raise SealBroken("不是加密存储的值")
    keys = sorted(_secrets(), key=lambda s: key_id(s) != kid)
    for secret in keys:
        try:
            return _open(secret, blob, context)
        except InvalidTag:
            continue
    raise SealBroken("无法用当前或原数据密钥解密（数据被改动或密钥不符）")


def sealed_key_id(token: str) -> str:
    """Which key sealed a value (by its key id), without opening it."""
    return token.split(".")[1] if token.count(".") == 2 else ""


def lookup_digest(value: str, *, context: str, secret: str | None = None) -> str:
    """The keyed digest of a value under the current key (or `secret`)."""
    key = _derive(secret or _secrets()[0], b"lookup/" + context.encode())
    return _b64(hmac.new(key, value.encode(), "sm3").digest())


def lookup_digests(value: str, *, context: str) -> list[str]:
    """The value's digest under every accepted key, the current one first."""
    return [lookup_digest(value, context=context, secret=s) for s in _secrets()]


class _NullOnly(Exact):
    """`field=None` (which Django turns into isnull); any other value is refused."""

    def get_prep_lookup(self) -> Any:
        if self.rhs is not None:
            raise FieldError("Unsupported lookup: a sealed value is looked up by its digest")
        return None


class SealedField(models.Field):
    """Plain text in Python, sealed (SM4-GCM under DATA_KEY) in the database. Only whether it
    is null can be asked of it in a query: equality on a sealed value means nothing (each seal
    is new) — look values up by a digest column instead."""

    description = "SM4-GCM sealed text"

    def __init__(self, *args: Any, context: str = "", **kwargs: Any) -> None:
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _NullOnly
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        return None if value is None else unseal(value, context=self.context)

    def to_python(self, value: Any) -> str | None:
        return None if value is None else str(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return None
        return seal(str(value), context=self.context)
