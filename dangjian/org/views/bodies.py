"""(being built)"""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("")


tree = _todo
body_create_view = _todo
body_detail = _todo
body_edit = _todo
body_rename_view = _todo
body_move_view = _todo
body_dissolve_view = _todo
body_merge_view = _todo
