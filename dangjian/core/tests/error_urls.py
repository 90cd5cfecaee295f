"""The site's routes plus views that fail, for the error pages' tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from dangjian.urls import urlpatterns as site_urlpatterns


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("internal detail that must not reach the page")


def _bad(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("internal detail that must not reach the page")


def _denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("__fails/", _fails),
    path("__bad/", _bad),
    path("__denied/", _denied),
    *site_urlpatterns,
]
