"""The rater's pages, reachable without logging in (by one-time code)."""

from django.urls import path

from dangjian.ballots import views

app_name = "vote"
urlpatterns = [
    path("<int:pk>/", views.rater_form, name="rater_form"),
    path("<int:pk>/receipts/", views.receipts, name="receipts"),
]
