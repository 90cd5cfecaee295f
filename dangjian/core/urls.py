from django.urls import path

from dangjian.core import views

app_name = "core"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("notifications/", views.notifications, name="notifications"),
    path("years/", views.years, name="years"),
    path("years/switch/", views.year_switch, name="year_switch"),
]
