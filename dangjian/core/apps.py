from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dangjian.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from dangjian.core import checks  # noqa: F401  (registers the system checks)
