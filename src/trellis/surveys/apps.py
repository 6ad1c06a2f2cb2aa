from __future__ import annotations

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "trellis.surveys"
    label = "surveys"
    verbose_name = "Surveys"

    def ready(self) -> None:
        from trellis.core.navigation import NavItem, register

        register(NavItem("Surveys", "surveys:home", order=60))
