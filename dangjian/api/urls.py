from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path

from dangjian.api.errors import NOT_FOUND
from dangjian.api.main import api


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """A path under /api/ that no operation matches (`/api/people/abc`): the API's JSON 404,
    not Django's HTML page."""
    return JsonResponse({"detail": NOT_FOUND}, status=404,
                        json_dumps_params={"ensure_ascii": False})


urlpatterns = [path("", api.urls), re_path(r"^(?P<rest>.*)$", not_found)]
