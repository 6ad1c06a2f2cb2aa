from __future__ import annotations

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "trellis.learning"
    label = "learning"
    verbose_name = "Professional learning"

    def ready(self) -> None:
        pass
