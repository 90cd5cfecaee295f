from django.urls import path

from dangjian.security import views

app_name = "security"
urlpatterns = [
    path("log/", views.log_view, name="log"),
    path("log/export/", views.log_export, name="log_export"),
]
