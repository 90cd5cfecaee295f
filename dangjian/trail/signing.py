"""HMAC-SM3 under TRAIL_CHECKPOINT_KEY: a checkpoint signed with a key the database does not
hold, so whoever can write the database cannot make a checkpoint of a chain they rewrote.

A former key (TRAIL_CHECKPOINT_KEY_FALLBACKS) still verifies what it signed; new signatures use
the current key. No model import here: the migration that signs old checkpoints uses it too.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _keys() -> list[bytes]:
    key = settings.TRAIL_CHECKPOINT_KEY
    if not key:
        raise ImproperlyConfigured(
            "未设置环境变量 TRAIL_CHECKPOINT_KEY (trail checkpoint key not set)")
    return [k.encode() for k in [key, *settings.TRAIL_CHECKPOINT_KEY_FALLBACKS]]


def canonical(*parts: Any) -> bytes:
    return json.dumps(list(parts), ensure_ascii=False, separators=(",", ":")).encode()


def moment(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def sign(purpose: str, message: bytes) -> str:
    """The HMAC-SM3 of `message` under the current key; `purpose` keeps one kind of signed
    message from standing in for another."""
    return hmac.new(_keys()[0], purpose.encode() + b"\n" + message, "sm3").hexdigest()


def signed(purpose: str, message: bytes, signature: str) -> bool:
    """Was `signature` made over `message` by the current key or a former one?"""
    return checker(purpose)(message, signature)


def checker(purpose: str) -> Callable[[bytes, str], bool]:
    """`signed` for many messages: the keys read once, one-shot HMACs."""
    keys, prefix = _keys(), purpose.encode() + b"\n"

    def check(message: bytes, signature: str) -> bool:
        data = prefix + message
        return any(hmac.compare_digest(hmac.digest(k, data, "sm3").hex(), signature)
                   for k in keys)

    return check


ROW = "trail-checkpoint"


def row_message(chain: str, seq: int, digest: str, taken_at: dt.datetime, taken_by: str,
                note: str) -> bytes:
    """What a checkpoint row's signature covers: all it says."""
    return canonical(chain, seq, digest, moment(taken_at), taken_by, note)
