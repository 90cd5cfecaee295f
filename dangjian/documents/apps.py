from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "dangjian.documents"
    verbose_name = "公文与表格"
