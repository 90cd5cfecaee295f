"""(being built)"""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("")


import_view = _todo
template_download = _todo
export_view = _todo
