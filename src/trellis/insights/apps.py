from __future__ import annotations

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "trellis.insights"
    label = "insights"
    verbose_name = "Insights and reference data"

    def ready(self) -> None:
        from trellis.core.navigation import NavItem, register

        register(NavItem("Home", "insights:home", order=0))
        register(NavItem("Consortium", "insights:consortium", order=5, consortium=True))
        register(NavItem("Grantee landscape", "insights:grantee-list", order=80))
        register(NavItem("Grantee landscape", "insights:grantee-list", order=80, consortium=True))
