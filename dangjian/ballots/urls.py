from django.urls import path

from dangjian.ballots import views

app_name = "ballots"
urlpatterns = [
    path("", views.box_list, name="box_list"),
    path("<int:pk>/", views.box_detail, name="box_detail"),
    path("<int:pk>/count/", views.box_count, name="box_count"),
    path("<int:pk>/open/", views.box_open_view, name="box_open"),
    path("<int:pk>/close/", views.box_close_view, name="box_close"),
    path("<int:pk>/codes/", views.codes_issue_view, name="codes_issue"),
    path("<int:pk>/codes/void/", views.codes_void_view, name="codes_void"),
    path("<int:pk>/result/", views.result, name="result"),
]
