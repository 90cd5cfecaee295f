from django.apps import AppConfig


class TrailConfig(AppConfig):
    name = "dangjian.trail"
    verbose_name = "留痕"
