from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "dangjian.notify"
    verbose_name = "通知与待办"
