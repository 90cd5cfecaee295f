from django.apps import AppConfig
from django.conf import settings


class BackupConfig(AppConfig):
    name = "dangjian.backup"
    verbose_name = "备份与恢复"

    def ready(self) -> None:
        if settings.BACKUP_DAILY:  # opt-in: the worker then takes one archive a day
            from dangjian.backup import jobs

            jobs.register()
