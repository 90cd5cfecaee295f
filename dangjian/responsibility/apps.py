from django.apps import AppConfig


class ResponsibilityConfig(AppConfig):
    name = "dangjian.responsibility"
    verbose_name = "两个责任"
