from django.urls import path

from dangjian.evidence import views

app_name = "evidence"
urlpatterns = [
    path("<str:model>/<int:object_id>/upload/", views.upload, name="upload"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/view/", views.view, name="view"),
    path("<int:pk>/thumb.jpg", views.thumb, name="thumb"),
    path("<int:pk>/remove/", views.remove, name="remove"),
]
