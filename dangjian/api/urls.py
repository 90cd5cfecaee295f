from django.urls import path

from dangjian.api.main import api

urlpatterns = [path("", api.urls)]
