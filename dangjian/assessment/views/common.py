from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from dangjian.assessment import access
from dangjian.assessment.models import Assessment, Scheme, SubjectKind
from dangjian.assessment.selectors import scheme_for
from dangjian.core.http import AuthedRequest
from dangjian.core.years import selected_year
from dangjian.org.models import Person


def errors(request: AuthedRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def current_scheme(request: AuthedRequest) -> Scheme | None:
    return scheme_for(selected_year(request))


def assessment_for(request: AuthedRequest, pk: int, *, conduct: bool = False) -> Assessment:
    """The assessment if the user may see it (or conduct it): checked before any input."""
    assessment = get_object_or_404(Assessment.objects.select_related(
        "unit", "team", "box", "leading_group", "scheme__year", "scheme__owner_body",
        "scheme__set_leading_group", "scheme__set_secretary", "scheme__set_member"), pk=pk)
    if conduct:
        access.require_conduct(request.user, assessment)
    else:
        access.require_view(request.user, assessment)
    return assessment


def subject(assessment: Assessment, kind: str, person_id: int) -> Person | None:
    if kind not in SubjectKind.values:
        raise Http404
    if kind == SubjectKind.LEADING_GROUP:
        return None
    leader = assessment.leaders.filter(kind=kind, person_id=person_id).select_related(
        "person").first()
    if leader is None:
        raise Http404
    return leader.person
