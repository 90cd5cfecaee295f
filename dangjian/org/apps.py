from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "dangjian.org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from dangjian.org import jobs  # noqa: F401  (registers the Excel import job)
