"""Every write to the registry: scope-checked, validated, atomic, traced."""

from dangjian.org.services.bodies import (
    body_create,
    body_dissolve,
    body_merge,
    body_move,
    body_rename,
    body_update,
)
from dangjian.org.services.people import (
    ManyRefused,
    people_create_many,
    person_create,
    person_id_reveal,
    person_leave,
    person_update,
)
from dangjian.org.services.posts import post_assign, post_end, post_update

__all__ = [
    "ManyRefused",
    "body_create",
    "body_dissolve",
    "body_merge",
    "body_move",
    "body_rename",
    "body_update",
    "people_create_many",
    "person_create",
    "person_id_reveal",
    "person_leave",
    "person_update",
    "post_assign",
    "post_end",
    "post_update",
]
