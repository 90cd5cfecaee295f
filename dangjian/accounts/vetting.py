"""Which accounts can still log in with a published password (accounts/passwords.py)?

Checking a password against a hash costs an Argon2 computation per account and password, so a
hash once found clean is remembered by its SHA-256 (`User.password_vetted`): start-up then only
checks accounts whose password changed since. A password set by any path — the pages, a
command, the shell — changes the hash and so is checked again.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.hashers import check_password
from django.db import DatabaseError, connection

from dangjian.accounts.models import User
from dangjian.accounts.passwords import PUBLISHED_PASSWORDS


def _stamp(encoded: str) -> str:
    return hashlib.sha256(encoded.encode()).hexdigest()


def accounts_with_published_passwords() -> list[str]:
    """Usernames of active accounts whose password is a published one (none if the database
    has no accounts table yet, e.g. before the first `migrate`)."""
    try:
        if User._meta.db_table not in connection.introspection.table_names():
            return []
        users = list(User.objects.filter(is_active=True).order_by("username")
                     .values_list("pk", "username", "password", "password_vetted"))
    except DatabaseError:  # a column not there yet: `migrate` has still to run
        return []
    found: list[str] = []
    for pk, username, encoded, vetted in users:
        if not encoded or encoded.startswith("!"):  # unusable: no password logs in
            continue
        stamp = _stamp(encoded)
        if vetted == stamp:
            continue
        if any(check_password(p, encoded) for p in PUBLISHED_PASSWORDS):
            found.append(username)
        else:
            User.objects.filter(pk=pk, password=encoded).update(password_vetted=stamp)
    return found
