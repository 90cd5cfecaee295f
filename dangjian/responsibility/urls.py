from django.urls import URLPattern

app_name = "responsibility"
urlpatterns: list[URLPattern] = []
