from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "dangjian.cycles"
    verbose_name = "年度"
