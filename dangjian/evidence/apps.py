from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "dangjian.evidence"
    verbose_name = "佐证材料"

    def ready(self) -> None:
        from dangjian.evidence import verify

        verify.register()  # attachments against their trace, checked by `verify-trail`
