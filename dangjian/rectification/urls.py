from django.urls import path

from dangjian.rectification import views

app_name = "rectification"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/items/new/", views.item_add_view, name="item_add"),
    path("items/<int:pk>/plan/", views.item_plan_view, name="item_plan"),
    path("items/<int:pk>/transition/", views.item_transition_view, name="item_transition"),
]
