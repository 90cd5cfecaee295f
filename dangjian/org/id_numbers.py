"""How a person's ID number is stored: sealed (`Person.id_number`, SM4-GCM, dangjian.core.crypto),
beside its keyed digest (lookups, uniqueness) and its last 4 characters (the picker's search;
already public on screen, see mask_id_number). The two are derived from the number whenever the
row is written (their pre_save), so no write path can leave them out of step."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q

from dangjian.core.crypto import lookup_digest, lookup_digests

CONTEXT = "org.person.id_number"
TAIL = 4


def id_number_digest(number: str, secret: str | None = None) -> str:
    return lookup_digest(number, context=CONTEXT, secret=secret)


def id_number_digests(numbers: Iterable[str]) -> dict[str, str]:
    """digest -> number, under every accepted key (a row not yet resealed by the rotation
    command still has its digest under a former key)."""
    return {d: n for n in numbers for d in lookup_digests(n, context=CONTEXT)}


def id_number_q(numbers: Iterable[str], prefix: str = "") -> Q:
    """People whose ID number is one of `numbers` (`prefix`: the path to Person, e.g.
    "person__")."""
    return Q(**{f"{prefix}id_number_digest__in": list(id_number_digests(numbers))})


def taken_id_numbers(queryset: models.QuerySet[Any], numbers: Iterable[str]) -> set[str]:
    """Which of `numbers` the people of `queryset` have: one query."""
    by_digest = id_number_digests(numbers)
    if not by_digest:
        return set()
    found = queryset.filter(id_number_digest__in=list(by_digest)).values_list(
        "id_number_digest", flat=True)
    return {by_digest[d] for d in found}


class IdNumberDigestField(models.CharField):
    """The keyed digest (HMAC-SM3) of the row's ID number under the current data key."""

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        number = getattr(model_instance, "id_number", None)
        value = id_number_digest(number) if number else None
        setattr(model_instance, self.attname, value)
        return value


class IdNumberTailField(models.CharField):
    """The last 4 characters of the row's ID number ("" without one)."""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        number = getattr(model_instance, "id_number", None) or ""
        value = number[-TAIL:]
        setattr(model_instance, self.attname, value)
        return value
