"""The rater's pages, reachable without logging in (by one-time code). A box is addressed by
its token (128 random bits), never by its id: the boxes cannot be found by counting."""

from django.urls import path, register_converter

from dangjian.ballots import views


class TokenConverter:
    regex = "[A-Za-z0-9_-]{22}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "box_token")

app_name = "vote"
urlpatterns = [
    path("<box_token:token>/", views.rater_form, name="rater_form"),
    path("<box_token:token>/receipts/", views.receipts, name="receipts"),
]
