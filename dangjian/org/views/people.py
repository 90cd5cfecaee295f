"""(being built)"""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("")


person_list_view = _todo
person_create_view = _todo
person_detail = _todo
person_edit = _todo
person_leave_view = _todo
