from __future__ import annotations

from django.apps import AppConfig


class HiringConfig(AppConfig):
    name = "trellis.hiring"
    label = "hiring"
    verbose_name = "Hiring"

    def ready(self) -> None:
        from trellis.core.navigation import NavItem, register

        register(NavItem("Hiring", "hiring:home", order=47))
