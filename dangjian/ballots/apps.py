from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "dangjian.ballots"
    verbose_name = "测评票"

    def ready(self) -> None:
        from dangjian.ballots.models import Box
        from dangjian.org.scope import register

        register(Box, "owner_body__path")
