from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from dangjian.api.errors import NOT_FOUND
from dangjian.api.main import api


@csrf_exempt  # a token's POST has no CSRF cookie; refused as a 404 whatever it carries
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """A path under /api/ that no operation matches (`/api/people/abc`): the API's JSON 404,
    not Django's HTML page (nor its HTML CSRF 403 for a write)."""
    return JsonResponse({"detail": NOT_FOUND}, status=404,
                        json_dumps_params={"ensure_ascii": False})


urlpatterns = [path("", api.urls), re_path(r"^(?P<rest>.*)$", not_found)]
