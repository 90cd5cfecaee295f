"""The person picker: search as you type, instead of a <select> of everyone or raw ids (R0.2).

A county-wide user reaches some 10,000 people: a select of all of them is heavy, and typing a
numeric id is error-prone. The picker answers a name (or the last 4 characters of the ID
number, which the masked number already shows) with at most PICK_LIMIT matches as an htmx
fragment, each with unit, party organisation and current posts so namesakes can be told apart.
Choosing a row asks again (?pick=<id>) for the widget in its chosen state: a hidden input with
the id and, where the form also needs where the person sits (述职对象), the bodies of their
current posts and their branch. Every lookup goes through the scope gate with Perm.ORG_VIEW;
the views that receive the ids still check them the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Length
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from dangjian.org.models import SINGLE_HOLDER_POSTS, Person, Post
from dangjian.org.scope import Perm, require_perm, scope_filter
from dangjian.org.views.bodies import covers

PICK_LIMIT = 20
HINT = "请输入姓名（至少1个字）或身份证号后4位"
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_ID_TAIL = re.compile(r"\d{3}[\dX]")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass
class PickRow:
    """What a row (or the chosen person) shows; never the full ID number."""

    pk: int
    name: str
    id_tail: str
    unit: str
    branch: str
    posts: list[str] = field(default_factory=list)
    bodies: list[tuple[int, str]] = field(default_factory=list)  # current posts', then branch


def people_in_reach(user: Any) -> QuerySet[Person]:
    """Current people the user may see: what the picker searches and the forms accept."""
    return scope_filter(user, Perm.ORG_VIEW, Person.objects.filter(left_on__isnull=True))


def pick_rows(user: Any, people: Iterable[Person] | QuerySet[Person]) -> list[PickRow]:
    """Rows for people, with their current posts in scope (two queries for a queryset)."""
    current = scope_filter(user, Perm.ORG_VIEW, Post.objects.filter(
        end__isnull=True, body__valid_to__isnull=True)).select_related("body")
    if isinstance(people, QuerySet):
        people = people.select_related("unit", "branch").prefetch_related(
            Prefetch("posts", queryset=current, to_attr="current_posts"))
    rows = []
    for p in people:
        posts = getattr(p, "current_posts", None)
        if posts is None:
            posts = list(current.filter(person=p))
        # Secretaries first: their post is what the person usually reports as.
        posts = sorted(posts, key=lambda o: (o.kind not in SINGLE_HOLDER_POSTS, o.body.path, o.pk))
        bodies: dict[int, str] = {}
        for post in posts:
            if covers(user, Perm.ORG_VIEW, post.body):
                bodies.setdefault(post.body_id, post.body.name)
        branch = p.branch
        if branch is not None and branch.valid_to is None and covers(user, Perm.ORG_VIEW, branch):
            bodies.setdefault(branch.pk, branch.name)
        rows.append(PickRow(
            pk=p.pk, name=p.name, id_tail=p.id_number_masked[-4:],
            unit=p.unit.short_name or p.unit.name, branch=branch.name if branch else "",
            posts=[f"{o.body.short_name or o.body.name}{o.get_kind_display()}" for o in posts],
            bodies=list(bodies.items()),
        ))
    return rows


def too_short(q: str) -> bool:
    """One Chinese character is a useful query (a surname); one Latin letter or digit is not."""
    return not q or (len(q) < 2 and not _HAN.search(q))


def search(user: Any, q: str) -> tuple[list[PickRow], bool]:
    """Up to PICK_LIMIT matches in scope, shortest names first (typing 张三 ranks 张三 before
    张三丰), and whether there were more."""
    match = Q(name__contains=q)
    if _ID_TAIL.fullmatch(q.upper()):
        match |= Q(id_number_tail=q.upper())  # the number itself is sealed
    qs = (people_in_reach(user).filter(match).annotate(name_len=Length("name"))
          .order_by("name_len", "unit__path", "name", "pk"))
    people = pick_rows(user, qs[:PICK_LIMIT + 1])
    return people[:PICK_LIMIT], len(people) > PICK_LIMIT


def _field_name(raw: str | None, default: str) -> str:
    """Input names come back from the query string: only plain identifiers are echoed."""
    return raw if raw and _FIELD_NAME.fullmatch(raw) else default


def person_pick_view(request: HttpRequest) -> HttpResponse:
    """?q=… → the results fragment; ?pick=<id> → the widget with that person chosen;
    ?pick= (empty) → the widget ready for a new search."""
    user = request.user
    require_perm(user, Perm.ORG_VIEW)
    names = {"field": _field_name(request.GET.get("field"), "person"),
             "body_field": _field_name(request.GET.get("body_field"), "")}
    if "pick" in request.GET:
        raw = request.GET["pick"]
        chosen = None
        if raw:
            person = get_object_or_404(people_in_reach(user), pk=raw if raw.isdigit() else -1)
            chosen = pick_rows(user, [person])[0]
        return render(request, "org/_person_picker.html",
                      {**names, "chosen": chosen, "refocus": True})
    q = request.GET.get("q", "").strip()[:40]
    rows: list[PickRow] = []
    more = False
    if not too_short(q):
        rows, more = search(user, q)
    return render(request, "org/_person_pick_results.html", {
        **names, "q": q, "hint": HINT if too_short(q) else "", "rows": rows, "more": more,
        "limit": PICK_LIMIT,
    })


class PersonPickerWidget(forms.Widget):
    """The picker inside a Django form: shows the chosen person, looked up in the field's own
    scoped queryset (so a posted id out of reach is never echoed), or the search box."""

    template_name = "org/_person_picker.html"

    def __init__(self, *, user: Any, queryset: QuerySet[Person],
                 attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.user, self.queryset = user, queryset

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        raw = str(value or "")
        person = self.queryset.filter(pk=raw).first() if raw.isdigit() else None
        context.update(field=name, body_field="",
                       chosen=pick_rows(self.user, [person])[0] if person else None)
        return context


def use_picker(form: forms.Form, name: str, user: Any, *, what: str = "人员") -> None:
    """Swap a person ModelChoiceField's <select> for the picker, with messages that say what to
    do. The field keeps its scoped queryset, so validation is exactly as strict as before."""
    f = form.fields[name]
    assert isinstance(f, forms.ModelChoiceField) and f.queryset is not None
    f.widget = PersonPickerWidget(user=user, queryset=f.queryset)
    f.error_messages = {**f.error_messages, "required": f"请搜索并选择{what}",
                        "invalid_choice": f"所选{what}不存在或不在您的查看范围内，请重新选择"}
