from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "dangjian.evidence"
    verbose_name = "佐证材料"
