from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "dangjian.scoring"
    verbose_name = "评分"

    def ready(self) -> None:
        from dangjian.org.scope import register
        from dangjian.scoring.models import Deduction, IndicatorSet, Score

        register(IndicatorSet, "owner_body__path")
        register(Score, "scope_path")
        register(Deduction, "scope_path")
