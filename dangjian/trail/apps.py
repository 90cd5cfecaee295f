from django.apps import AppConfig


class TrailConfig(AppConfig):
    name = "dangjian.trail"
    verbose_name = "留痕"

    def ready(self) -> None:
        from dangjian.trail import jobs  # noqa: F401  (the trail.verify and trail.checkpoints kinds)
