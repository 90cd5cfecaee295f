from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "dangjian.scoring"
    verbose_name = "评分"
