"""(being built)"""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("")


post_list_view = _todo
post_assign_view = _todo
post_end_view = _todo
