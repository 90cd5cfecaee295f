"""What marks a database as the demo's: the demo county's root body (code ROOT_CODE), made in
the same transaction as everything else `demo-data` writes, with accounts marked `is_demo`.

A database without it that holds any row of the system's own (an account, a body, a person, a
year, a job…; Django's content types and permissions, made by `migrate`, do not count) holds
someone's real data: `demo-data` refuses to write there.
"""

from __future__ import annotations

from django.apps import apps

# Made by `migrate` itself, in every database: not data.
NOT_DATA = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


def data_present() -> list[str]:
    """The names of the models holding rows, in INSTALLED_APPS order (one EXISTS each)."""
    found = []
    for model in apps.get_models():
        if model._meta.label_lower in NOT_DATA or model._meta.proxy:
            continue
        if model._default_manager.exists():
            found.append(str(model._meta.verbose_name))
    return found
