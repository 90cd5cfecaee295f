"""Look up the objects a request names, through the scoped selectors.

An object the user cannot see answers exactly like one that does not exist (404), so the API
never reveals what lies outside a user's scope.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from dangjian.org import selectors
from dangjian.org.models import Body, Person, Post


def body_or_404(user: Any, pk: int) -> Body:
    body = selectors.body_list(user=user, include_ended=True).filter(pk=pk).first()
    if body is None:
        raise Http404
    return body


def person_or_404(user: Any, pk: int) -> Person:
    person = selectors.person_list(user=user, include_left=True).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def post_or_404(user: Any, pk: int) -> Post:
    post = selectors.post_list(user=user, current_only=False).filter(pk=pk).first()
    if post is None:
        raise Http404
    return post


def _ref_missing(label: str) -> Http404:
    return Http404(f"所选{label}不存在或不在您的权限范围内")


def body_ref(user: Any, pk: int, label: str) -> Body:
    """A body named in a request's data (a parent, a merge target, a filter)."""
    try:
        return body_or_404(user, pk)
    except Http404:
        raise _ref_missing(label) from None


def person_ref(user: Any, pk: int, label: str = "人员") -> Person:
    try:
        return person_or_404(user, pk)
    except Http404:
        raise _ref_missing(label) from None


def unit_ref(user: Any, pk: int, branch: Body | None) -> Body:
    """A person's unit: visible to the user, or the unit that contains their (visible) branch —
    a branch secretary sees their branch but not the whole department above it."""
    body = selectors.body_list(user=user, include_ended=True).filter(pk=pk).first()
    if body is None and branch is not None and pk in branch.ancestor_ids:
        # Reached through the branch, which passed the scope gate above.
        body = Body.objects.filter(pk=pk).first()
    if body is None:
        raise _ref_missing("所在单位")
    return body
