from django.urls import path

from dangjian.trail import views

app_name = "trail"
urlpatterns = [
    path("changes/", views.change_list, name="change_list"),
    path("verify/", views.verify_view, name="verify"),
]
