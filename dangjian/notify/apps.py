from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "dangjian.notify"
    verbose_name = "通知与待办"

    def ready(self) -> None:
        from dangjian.notify import jobs  # noqa: F401  (registers the daily reminders)
