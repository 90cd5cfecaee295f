from django.urls import URLPattern

app_name = "duty_review"
urlpatterns: list[URLPattern] = []
